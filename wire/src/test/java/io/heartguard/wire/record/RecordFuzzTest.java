package io.heartguard.wire.record;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Under {@code mvn test} these replay the empty input and the seeds in RecordFuzzTestInputs/; with JAZZER_FUZZ=1
 * they fuzz. Any exception other than {@link RecordException} escapes and is a finding.
 */
class RecordFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void recordReader(byte[] input) {
    RecordReader reader = new RecordReader();
    reader.feed(input);
    try {
      int consumed = 0;
      for (TlsRecord record = reader.next(); record != null; record = reader.next()) {
        consumed += RecordHeader.LENGTH + record.fragment().size();
      }
      if (consumed + reader.buffered() != input.length) {
        throw new AssertionError(consumed + " bytes in records and " + reader.buffered() + " buffered, of "
            + input.length + " fed");
      }
    } catch (RecordException refused) {
      // the one exception the reader may throw
    }
  }

  @FuzzTest(maxDuration = "30s")
  void dtlsRecordHeader(byte[] input) {
    try {
      DtlsRecordHeader header = DtlsRecordHeader.parse(input, 0);
      if (header.length() > RecordHeader.MAX_CIPHERTEXT) {
        throw new AssertionError("accepted a record length of " + header.length());
      }
    } catch (RecordException refused) {
      // the one exception the parser may throw
    }
  }
}
