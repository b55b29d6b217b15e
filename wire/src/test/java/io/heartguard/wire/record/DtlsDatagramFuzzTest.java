package io.heartguard.wire.record;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.HandshakeException;
import java.util.List;

/**
 * Under {@code mvn test} these replay the empty input and the seeds in DtlsDatagramFuzzTestInputs/; with
 * JAZZER_FUZZ=1 they fuzz. Only the codecs' own exceptions may escape the parsers; anything else is a finding.
 */
class DtlsDatagramFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void datagram(byte[] input) {
    try {
      List<DtlsRecord> records = DtlsRecord.parseDatagram(input, input.length);
      int consumed = records.stream().mapToInt(DtlsRecord::length).sum();
      if (consumed != input.length) {
        throw new AssertionError(consumed + " bytes in records of a " + input.length + "-byte datagram");
      }
      for (DtlsRecord record : records) {
        if (record.type() == ContentType.HANDSHAKE) {
          DtlsHandshakeFragment.parseAll(record.fragment());
        }
      }
    } catch (RecordException | HandshakeException refused) {
      // the exceptions the parsers may throw
    }
  }
}
