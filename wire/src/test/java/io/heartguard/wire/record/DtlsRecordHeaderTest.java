package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import org.junit.jupiter.api.Test;

class DtlsRecordHeaderTest {
  static final Bytes HEARTBEAT_HEADER = Bytes.ofHex(""
      + "18"              // heartbeat
      + "fefd"            // DTLS 1.2
      + "0001"            // epoch 1
      + "00000000002a"    // sequence_number 42
      + "0023");          // length 35

  @Test
  void parsesAndWritesTheThirteenBytes() throws Exception {
    DtlsRecordHeader header = DtlsRecordHeader.parse(HEARTBEAT_HEADER.toByteArray(), 0);
    assertThat(header).isEqualTo(new DtlsRecordHeader(24, ProtocolVersion.DTLS1_2, 1, 42, 35));
    assertThat(header.type()).isEqualTo(ContentType.HEARTBEAT);
    byte[] out = new byte[DtlsRecordHeader.LENGTH];
    header.writeTo(out, 0);
    assertThat(out).isEqualTo(HEARTBEAT_HEADER.toByteArray());
  }

  @Test
  void fullFortyEightBitSequenceNumberSurvives() throws Exception {
    byte[] wire = Bytes.ofHex("17 feff ffff ffffffffffff 0000").toByteArray();
    DtlsRecordHeader header = DtlsRecordHeader.parse(wire, 0);
    assertThat(header.sequenceNumber()).isEqualTo((1L << 48) - 1);
    assertThat(header.epoch()).isEqualTo(0xffff);
  }

  @Test
  void tlsVersionIsRefused() {
    assertThatThrownBy(() -> DtlsRecordHeader.parse(Bytes.ofHex("16 0303 0000 000000000000 0010").toByteArray(), 0))
        .isInstanceOf(RecordException.class)
        .hasMessage("record version TLSv1.2 is not a DTLS version (0xfeXX)");
  }

  @Test
  void lengthOverTwoToThe14Plus2048IsRefused() {
    assertThatThrownBy(() -> DtlsRecordHeader.parse(Bytes.ofHex("17 fefd 0001 000000000001 4801").toByteArray(), 0))
        .isInstanceOf(RecordException.class)
        .hasMessage("DTLS record length 18433 exceeds the maximum of 18432");
  }

  @Test
  void shortInputIsRefused() {
    assertThatThrownBy(() -> DtlsRecordHeader.parse(new byte[12], 0))
        .isInstanceOf(RecordException.class)
        .hasMessage("DTLS record header needs 13 bytes but only 12 remain");
  }
}
