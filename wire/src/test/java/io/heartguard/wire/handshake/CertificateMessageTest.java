package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateMessageTest {
  /** Two tiny DER values stand in for a server certificate and its issuer: the framing is what is under test. */
  static final Bytes TWO_CERTS = Bytes.ofHex(""
      + "0b 000014"                 // Certificate, 20 bytes
      + "000011"                    // certificate_list: 17 bytes
      + "000006 300402020100"       // certificate 0: 6 bytes, SEQUENCE { INTEGER 256 }
      + "000005 3003020102");       // certificate 1: 5 bytes, SEQUENCE { INTEGER 2 }

  @Test
  void parsesAChainOfTwoCertificatesServerFirst() throws Exception {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(TWO_CERTS);
    HandshakeMessage message = reader.next();
    assertThat(message.type()).isEqualTo(HandshakeType.CERTIFICATE);

    CertificateMessage certificates = CertificateMessage.parse(message.body());

    assertThat(certificates.certificates())
        .containsExactly(Bytes.ofHex("300402020100"), Bytes.ofHex("3003020102"));
    assertThat(certificates.toMessage().toByteArray()).isEqualTo(TWO_CERTS.toByteArray());
  }

  @Test
  void emptyChainIsLegal() throws Exception {
    // RFC 5246 section 7.4.6: a client without a certificate sends an empty list.
    assertThat(CertificateMessage.parse(Bytes.ofHex("000000")).certificates()).isEmpty();
  }

  @Test
  void emptyCertificateIsRefused() {
    assertThatThrownBy(() -> CertificateMessage.parse(Bytes.ofHex("000003 000000")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("certificate 0 is empty; expected 1..2^24-1 bytes");
    assertThatThrownBy(() -> new CertificateMessage(List.of(Bytes.EMPTY)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void certificateLongerThanTheListIsRefused() {
    assertThatThrownBy(() -> CertificateMessage.parse(Bytes.ofHex("000005 000009 3003")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("certificate 0 needs 9 bytes but only 2 remain");
  }

  @Test
  void bytesAfterTheListAreRefused() {
    assertThatThrownBy(() -> CertificateMessage.parse(Bytes.ofHex("000000 00")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("Certificate has 1 trailing bytes");
  }
}
