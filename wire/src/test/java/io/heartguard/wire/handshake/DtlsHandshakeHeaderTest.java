package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import org.junit.jupiter.api.Test;

class DtlsHandshakeHeaderTest {
  static final Bytes SECOND_FRAGMENT_OF_CERTIFICATE = Bytes.ofHex(""
      + "0b"          // msg_type: certificate
      + "000c82"      // length: the whole message is 3202 bytes
      + "0002"        // message_seq 2
      + "0005c8"      // fragment_offset 1480
      + "0005c8");    // fragment_length 1480

  @Test
  void parsesTheFiveFields() throws Exception {
    DtlsHandshakeHeader header = DtlsHandshakeHeader.parse(SECOND_FRAGMENT_OF_CERTIFICATE.toByteArray(), 0);

    assertThat(header).isEqualTo(new DtlsHandshakeHeader(11, 3202, 2, 1480, 1480));
    assertThat(header.type()).isEqualTo(HandshakeType.CERTIFICATE);
    assertThat(header.isWholeMessage()).isFalse();
    assertThat(header.toByteArray()).isEqualTo(SECOND_FRAGMENT_OF_CERTIFICATE.toByteArray());
  }

  @Test
  void parsesAtAnOffset() throws Exception {
    byte[] buf = Bytes.ofHex("ffff" + "0e 000000 0003 000000 000000").toByteArray();
    DtlsHandshakeHeader header = DtlsHandshakeHeader.parse(buf, 2);
    assertThat(header.type()).isEqualTo(HandshakeType.SERVER_HELLO_DONE);
    assertThat(header.isWholeMessage()).isTrue();
  }

  @Test
  void fragmentReachingPastTheMessageIsRefused() {
    byte[] buf = Bytes.ofHex("0b 000010 0000 00000c 000005").toByteArray();   // bytes 12..17 of a 16-byte message
    assertThatThrownBy(() -> DtlsHandshakeHeader.parse(buf, 0))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("fragment at 12 of 5 bytes reaches past the message's length 16");
  }

  @Test
  void shortInputIsRefused() {
    assertThatThrownBy(() -> DtlsHandshakeHeader.parse(new byte[11], 0))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("DTLS handshake header needs 12 bytes but only 11 remain");
    assertThatThrownBy(() -> DtlsHandshakeHeader.parse(new byte[20], 30))
        .isInstanceOf(HandshakeException.class);
  }
}
