package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerHelloTest {
  /** The server's answer in Zeek's heartbleed.pcap: an OpenSSL 1.0.1 server that grants heartbeats. */
  static final Bytes HEARTBLEED_PCAP_RECORD = Bytes.ofHex(""
      + "16 0303 005e"                           // handshake record, TLS 1.2, 94 bytes
      + "02 00005a"                              // ServerHello, 90 bytes
      + "0303"                                   // server_version TLS 1.2
      + "53441fae624f3c544101ed27ad6cacdc"       // random (32 bytes)
      + "61368c26122caf69238ef590adda5a6a"
      + "20"                                     // session_id: 32 bytes
      + "3159b90e53b3299724cbc7a3372d1891"
      + "115d6799d8e7ecb2873c26266ad1cec2"
      + "c02f"                                   // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
      + "00"                                     // compression: null
      + "0012"                                   // extensions: 18 bytes
      + "ff01 0001 00"                           // renegotiation_info: empty (RFC 5746)
      + "000b 0004 03000102"                     // ec_point_formats: uncompressed, two compressed
      + "000f 0001 01");                         // heartbeat: peer_allowed_to_send (RFC 6520 section 2)

  @Test
  void parsesTheHeartbleedPcapServerHello() throws Exception {
    HandshakeMessage message = ClientHelloTest.onlyMessageIn(HEARTBLEED_PCAP_RECORD);
    assertThat(message.type()).isEqualTo(HandshakeType.SERVER_HELLO);

    ServerHello hello = ServerHello.parse(message.body());

    assertThat(hello.version()).isEqualTo(ProtocolVersion.TLS1_2);
    assertThat(hello.sessionId().size()).isEqualTo(32);
    assertThat(hello.cipherSuite()).isEqualTo(0xc02f);
    assertThat(CipherSuite.nameOf(hello.cipherSuite())).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(hello.compressionMethod()).isZero();
    assertThat(hello.extensions()).extracting(Extension::type)
        .containsExactly(Extension.RENEGOTIATION_INFO, Extension.EC_POINT_FORMATS, Extension.HEARTBEAT);
    assertThat(hello.heartbeatMode()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);
    assertThat(hello.toMessage().toByteArray()).isEqualTo(HEARTBLEED_PCAP_RECORD.slice(5, 99).toByteArray());
  }

  @Test
  void serverWithoutHeartbeatExtensionHasNoMode() throws Exception {
    ServerHello hello = ServerHello.parse(Bytes.ofHex("0302" + "00".repeat(32) + "00" + "0035" + "00"));
    assertThat(hello.heartbeatMode()).isNull();
    assertThat(hello.extensions()).isEmpty();
  }

  @Test
  void heartbeatExtensionThatIsNotOneByteIsUnknownMode() throws Exception {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "c02f 00" + "0006 000f 0002 0101");
    assertThat(ServerHello.parse(body).heartbeatMode()).isEqualTo(HeartbeatMode.UNKNOWN);
  }

  @Test
  void extensionDataPastTheBlockIsRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "c02f 00" + "0005 000f 0009 01");
    assertThatThrownBy(() -> ServerHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("extension 15 data needs 9 bytes but only 1 remain");
  }

  @Test
  void constructorRefusesDuplicateExtensions() {
    assertThatThrownBy(() -> new ServerHello(ProtocolVersion.TLS1_2, Bytes.repeat(0, 32), Bytes.EMPTY, 0x2f, 0,
        List.of(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension(), HeartbeatMode.PEER_NOT_ALLOWED_TO_SEND.toExtension())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extension 15 appears twice; at most one of each type is allowed");
  }
}
