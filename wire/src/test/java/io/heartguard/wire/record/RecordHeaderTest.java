package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import org.junit.jupiter.api.Test;

class RecordHeaderTest {
  @Test
  void parsesAndWritesTheFiveBytes() throws Exception {
    byte[] wire = Bytes.ofHex("16 0301 0151").toByteArray();   // handshake, TLS 1.0, 337 bytes
    RecordHeader header = RecordHeader.parse(wire, 0);
    assertThat(header).isEqualTo(new RecordHeader(22, ProtocolVersion.TLS1_0, 337));
    assertThat(header.type()).isEqualTo(ContentType.HANDSHAKE);
    byte[] out = new byte[5];
    header.writeTo(out, 0);
    assertThat(out).isEqualTo(wire);
  }

  @Test
  void shortOrOutOfRangeInputIsRefused() {
    assertThatThrownBy(() -> RecordHeader.parse(new byte[4], 0))
        .isInstanceOf(RecordException.class)
        .hasMessage("record header needs 5 bytes but only 4 remain");
    assertThatThrownBy(() -> RecordHeader.parse(new byte[4], 9)).isInstanceOf(RecordException.class);
    assertThatThrownBy(() -> RecordHeader.parse(new byte[8], -1)).isInstanceOf(RecordException.class);
  }
}
