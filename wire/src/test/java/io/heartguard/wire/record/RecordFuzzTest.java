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

  /** The framer decides on prefixes: once it answers, more bytes never change the answer, and it never throws. */
  @FuzzTest(maxDuration = "30s")
  void clientOpening(byte[] input) {
    RecordFramer.Opening whole = RecordFramer.clientOpening(input, 0, input.length);
    for (int n = 0; n <= Math.min(input.length, RecordFramer.OPENING_BYTES); n++) {
      RecordFramer.Opening prefix = RecordFramer.clientOpening(input, 0, n);
      if (prefix.kind() != RecordFramer.OpeningKind.MORE_BYTES_NEEDED && !prefix.equals(whole)) {
        throw new AssertionError("after " + n + " bytes " + prefix + ", after all " + whole);
      }
    }
  }
}
