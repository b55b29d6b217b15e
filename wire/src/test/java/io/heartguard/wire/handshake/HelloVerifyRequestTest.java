package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ProtocolVersion;
import org.junit.jupiter.api.Test;

class HelloVerifyRequestTest {
  static final Bytes MESSAGE = Bytes.ofHex(""
      + "03 000017"                                 // HelloVerifyRequest, 23 bytes
      + "feff"                                      // server_version DTLS 1.0 (RFC 6347 lets a 1.2 server say 1.0)
      + "14 a1b2c3d4e5f60718293a4b5c6d7e8f9001020304");  // cookie: 20 bytes

  @Test
  void parsesVersionAndCookie() throws Exception {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(MESSAGE);
    HandshakeMessage message = reader.next();
    assertThat(message.type()).isEqualTo(HandshakeType.HELLO_VERIFY_REQUEST);

    HelloVerifyRequest request = HelloVerifyRequest.parse(message.body());

    assertThat(request.serverVersion()).isEqualTo(ProtocolVersion.DTLS1_0);
    assertThat(request.cookie().hex()).isEqualTo("a1b2c3d4e5f60718293a4b5c6d7e8f9001020304");
    assertThat(request.toMessage().toByteArray()).isEqualTo(MESSAGE.toByteArray());
  }

  @Test
  void cookieOver255BytesCannotBeBuilt() {
    assertThatThrownBy(() -> new HelloVerifyRequest(ProtocolVersion.DTLS1_2, Bytes.repeat(7, 256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cookie of 256 bytes exceeds 255");
    assertThat(new HelloVerifyRequest(ProtocolVersion.DTLS1_2, Bytes.repeat(7, 255)).toBody().size()).isEqualTo(258);
  }

  @Test
  void cookieLongerThanTheBodyIsRefused() {
    assertThatThrownBy(() -> HelloVerifyRequest.parse(Bytes.ofHex("fefd 20 0102")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("cookie needs 32 bytes but only 2 remain");
  }

  @Test
  void trailingBytesAreRefused() {
    assertThatThrownBy(() -> HelloVerifyRequest.parse(Bytes.ofHex("fefd 01 aa bb")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("HelloVerifyRequest has 1 trailing bytes");
  }
}
