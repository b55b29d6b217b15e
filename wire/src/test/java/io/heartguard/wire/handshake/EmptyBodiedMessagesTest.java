package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import org.junit.jupiter.api.Test;

class EmptyBodiedMessagesTest {
  @Test
  void helloRequestIsTypeZeroWithNoBody() throws Exception {
    assertThat(HelloRequest.INSTANCE.toMessage().toByteArray()).isEqualTo(Bytes.ofHex("00 000000").toByteArray());
    assertThat(HelloRequest.parse(Bytes.EMPTY)).isEqualTo(HelloRequest.INSTANCE);
  }

  @Test
  void helloRequestWithABodyIsRefused() {
    assertThatThrownBy(() -> HelloRequest.parse(Bytes.ofHex("00")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("HelloRequest has a body of 1 bytes; expected none");
  }

  @Test
  void serverHelloDoneIsTypeFourteenWithNoBody() throws Exception {
    assertThat(ServerHelloDone.INSTANCE.toMessage().toByteArray()).isEqualTo(Bytes.ofHex("0e 000000").toByteArray());
    assertThat(ServerHelloDone.parse(Bytes.EMPTY)).isEqualTo(ServerHelloDone.INSTANCE);
  }

  @Test
  void serverHelloDoneWithABodyIsRefused() {
    assertThatThrownBy(() -> ServerHelloDone.parse(Bytes.ofHex("0000")))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("ServerHelloDone has a body of 2 bytes; expected none");
  }

  @Test
  void serverKeyExchangeIsKeptOpaqueAndLogsOnlyItsSize() {
    Bytes params = HandshakeReaderTest.SERVER_KEY_EXCHANGE.slice(4, 12);
    ServerKeyExchange exchange = ServerKeyExchange.parse(params);
    assertThat(exchange.toMessage().toByteArray()).isEqualTo(HandshakeReaderTest.SERVER_KEY_EXCHANGE.toByteArray());
    assertThat(exchange).hasToString("ServerKeyExchange[params=8 bytes]");
  }
}
