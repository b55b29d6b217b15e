package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientHelloTest {
  /**
   * The ClientHello of OpenSSL 1.0.1's s_client in Zeek's tls1.2.pcap, with the server_name extension that
   * {@code s_client -servername example.com} adds, in first position where 1.0.1 puts it (record, handshake and
   * extensions lengths grown by its 20 bytes). Everything else is byte for byte the capture.
   */
  static final Bytes OPENSSL_1_0_1_RECORD = Bytes.ofHex(""
      + "16 0301 0151"                                       // handshake record, record version TLS 1.0, 337 bytes
      + "01 00014d"                                          // ClientHello, 333 bytes
      + "0303"                                               // client_version TLS 1.2
      + "50e731d038d05540f1aa6d49b553450b"                   // random (32 bytes)
      + "82a4e09e47f3dd1fee79a65bccd70490"
      + "00"                                                 // session_id: empty
      + "00a0"                                               // cipher_suites: 160 bytes, 80 suites
      + "c030c02cc028c024c014c00ac022c021"                   // ECDHE AES-256 GCM/SHA384/SHA, SRP
      + "00a3009f006b006a0039003800880087"                   // DHE AES-256, Camellia-256
      + "c032c02ec02ac026c00fc005009d003d"                   // ECDH AES-256, RSA AES-256 GCM/SHA256
      + "00350084c012c008c01cc01b00160013"                   // RSA AES-256/Camellia, 3DES suites
      + "c00dc003000ac02fc02bc027c023c013"                   // 3DES, ECDHE AES-128
      + "c009c01fc01e00a2009e006700400033"                   // ECDHE/SRP/DHE AES-128
      + "0032009a009900450044c031c02dc029"                   // DHE AES-128, SEED, Camellia, ECDH AES-128
      + "c025c00ec004009c003c002f00960041"                   // ECDH/RSA AES-128, SEED, Camellia-128
      + "0007c011c007c00cc002000500040015"                   // IDEA, RC4 suites, DES
      + "001200090014001100080006000300ff"                   // DES, export suites, renegotiation SCSV
      + "02 01 00"                                           // compression_methods: deflate (1), null (0)
      + "0083"                                               // extensions: 131 bytes
      + "0000 0010 000e 00 000b 6578616d706c652e636f6d"      // server_name: host_name "example.com"
      + "000b 0004 03 000102"                                // ec_point_formats: uncompressed, two compressed
      + "000a 0034 0032"                                     // elliptic_curves: 25 named curves
      + "000e000d0019000b000c00180009000a0016001700080006"   //   sect571r1, sect571k1, secp521r1, ...
      + "0007001400150004000500120013000100020003000f00100011"
      + "0023 0000"                                          // SessionTicket: empty
      + "000d 0022 0020"                                     // signature_algorithms: 16 (hash, signature) pairs
      + "06010602060305010502050304010402"                   //   SHA-512..SHA-384..SHA-256 with RSA/DSA/ECDSA
      + "0403030103020303020102020203" + "0101"              //   SHA-224, SHA-1, MD5/RSA
      + "000f 0001 01");                                     // heartbeat: peer_allowed_to_send (RFC 6520)

  /**
   * The attacker's ClientHello in Zeek's heartbleed.pcap: a hand-made hello (the random is a timestamp and zeros)
   * that offers the heartbeat extension and no server_name.
   */
  static final Bytes HEARTBLEED_PCAP_RECORD = Bytes.ofHex(""
      + "16 0303 0106"                                       // handshake record, TLS 1.2, 262 bytes
      + "01 000102"                                          // ClientHello, 258 bytes
      + "0303"                                               // client_version TLS 1.2
      + "53441faf000000000000000000000000"                   // random: gmt_unix_time 2014-04-08, then zeros
      + "00000000000000000000000000000000"
      + "00"                                                 // session_id: empty
      + "0080"                                               // cipher_suites: 128 bytes, 64 suites
      + "00040005000a000d001000130016002f"
      + "00300031003200330035003600370038"
      + "0039003c003d003e003f004000410044"
      + "00450066006700680069006a006b0084"
      + "008700880096009c009d009e009f00ff"
      + "c002c003c004c005c007c008c009c00a"
      + "c00cc00dc00ec00fc011c012c013c014"
      + "c023c024c027c02bc02cc02fc031c032"
      + "01 00"                                              // compression_methods: null
      + "0059"                                               // extensions: 89 bytes
      + "000b 0002 0100"                                     // ec_point_formats: uncompressed
      + "000a 0034 0032"                                     // elliptic_curves: 25 named curves
      + "000e000d0019000b000c00180009000a0016001700080006"
      + "0007001400150004000500120013000100020003000f00100011"
      + "000d 0012 0010 04010501020104030503060302030202"    // signature_algorithms: 8 pairs
      + "000f 0001 01");                                     // heartbeat: peer_allowed_to_send

  static HandshakeMessage onlyMessageIn(Bytes recordBytes) throws Exception {
    RecordReader records = new RecordReader();
    records.feed(recordBytes.toByteArray());
    TlsRecord record = records.next();
    assertThat(record.type()).isEqualTo(ContentType.HANDSHAKE);
    assertThat(records.buffered()).isZero();
    HandshakeReader messages = new HandshakeReader();
    messages.feed(record.fragment());
    HandshakeMessage message = messages.next();
    assertThat(messages.next()).isNull();
    assertThat(messages.buffered()).isZero();
    return message;
  }

  @Test
  void parsesOpenSsl101HelloWithServerNameAndHeartbeat() throws Exception {
    HandshakeMessage message = onlyMessageIn(OPENSSL_1_0_1_RECORD);
    assertThat(message.type()).isEqualTo(HandshakeType.CLIENT_HELLO);

    ClientHello hello = ClientHello.parse(message.body());

    assertThat(hello.version()).isEqualTo(ProtocolVersion.TLS1_2);
    assertThat(hello.random().hex()).isEqualTo("50e731d038d05540f1aa6d49b553450b82a4e09e47f3dd1fee79a65bccd70490");
    assertThat(hello.sessionId()).isEqualTo(Bytes.EMPTY);
    assertThat(hello.cookie()).isEqualTo(Bytes.EMPTY);
    assertThat(hello.cipherSuites()).hasSize(80).startsWith(0xc030, 0xc02c).endsWith(0x0003, 0x00ff);
    assertThat(hello.compressionMethods()).containsExactly(1, 0);
    assertThat(hello.extensions()).extracting(Extension::type)
        .containsExactly(Extension.SERVER_NAME, Extension.EC_POINT_FORMATS, Extension.SUPPORTED_GROUPS,
            Extension.SESSION_TICKET, Extension.SIGNATURE_ALGORITHMS, Extension.HEARTBEAT);
    assertThat(hello.serverName()).isEqualTo("example.com");
    assertThat(hello.offersHeartbeat()).isTrue();
    assertThat(hello.extension(Extension.HEARTBEAT)).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
    assertThat(hello.toMessage().toByteArray()).isEqualTo(OPENSSL_1_0_1_RECORD.slice(5, 342).toByteArray());
  }

  @Test
  void parsesTheHeartbleedPcapAttackersHello() throws Exception {
    ClientHello hello = ClientHello.parse(onlyMessageIn(HEARTBLEED_PCAP_RECORD).body());

    assertThat(hello.version()).isEqualTo(ProtocolVersion.TLS1_2);
    assertThat(hello.cipherSuites()).hasSize(64).startsWith(0x0004).endsWith(0xc032);
    assertThat(hello.compressionMethods()).containsExactly(0);
    assertThat(hello.serverName()).isNull();
    assertThat(hello.offersHeartbeat()).isTrue();
    assertThat(hello.toMessage().toByteArray()).isEqualTo(HEARTBLEED_PCAP_RECORD.slice(5, 267).toByteArray());
  }

  @Test
  void helloWithoutExtensionsBlockHasNone() throws Exception {
    Bytes body = Bytes.ofHex("0301" + "11".repeat(32) + "00" + "0002 002f" + "01 00");  // TLS 1.0, 1 suite, null
    ClientHello hello = ClientHello.parse(body);
    assertThat(hello.extensions()).isEmpty();
    assertThat(hello.toBody()).isEqualTo(body);
  }

  @Test
  void dtlsHelloCarriesItsCookieAfterTheSessionId() throws Exception {
    Bytes body = Bytes.ofHex(""
        + "fefd" + "22".repeat(32)   // DTLS 1.2, random
        + "00"                       // session_id: empty
        + "04 c0ffee00"              // cookie: 4 bytes (RFC 6347 section 4.2.1)
        + "0002 c02b" + "01 00");    // one suite, null compression, no extensions
    ClientHello hello = ClientHello.parse(body);
    assertThat(hello.cookie().hex()).isEqualTo("c0ffee00");
    assertThat(hello.withCookie(Bytes.EMPTY).toBody().size()).isEqualTo(body.size() - 4);
    assertThat(hello.toBody()).isEqualTo(body);
  }

  @Test
  void sessionIdOver32BytesIsRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "21" + "00".repeat(33) + "0002 002f 01 00");
    assertThatThrownBy(() -> ClientHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("session_id of 33 bytes exceeds 32");
  }

  @Test
  void oddCipherSuitesLengthIsRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "0003 002f00 01 00");
    assertThatThrownBy(() -> ClientHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("cipher_suites of 3 bytes is not a non-empty list of 2-byte codes");
  }

  @Test
  void emptyCompressionMethodsAreRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "0002 002f 00");
    assertThatThrownBy(() -> ClientHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("compression_methods is empty; at least null (0) is required");
  }

  @Test
  void duplicateExtensionIsRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "0002 002f 01 00"
        + "000a" + "000f 0001 01" + "000f 0001 02");   // heartbeat twice (RFC 5246 section 7.4.1.4)
    assertThatThrownBy(() -> ClientHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("extension 15 appears twice; at most one of each type is allowed");
  }

  @Test
  void trailingBytesAfterExtensionsAreRefused() {
    Bytes body = Bytes.ofHex("0303" + "00".repeat(32) + "00" + "0002 002f 01 00" + "0005 000f 0001 01" + "ff");
    assertThatThrownBy(() -> ClientHello.parse(body))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("ClientHello has 1 trailing bytes");
  }

  @Test
  void truncatedRandomIsRefusedWithWhatWasMissing() {
    assertThatThrownBy(() -> ClientHello.parse(Bytes.ofHex("0303" + "00".repeat(10))))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("random needs 32 bytes but only 10 remain");
  }

  @Test
  void constructorRefusesWhatCouldNotBeWritten() {
    Bytes random = Bytes.repeat(0, 32);
    assertThatThrownBy(() -> new ClientHello(ProtocolVersion.TLS1_2, random, Bytes.EMPTY, Bytes.EMPTY,
        List.of(0x10000), List.of(0), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cipher suite 65536");
    assertThatThrownBy(() -> new ClientHello(ProtocolVersion.DTLS1_2, random, Bytes.EMPTY, Bytes.repeat(1, 256),
        List.of(0x002f), List.of(0), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie");
    assertThatThrownBy(() -> new ClientHello(ProtocolVersion.TLS1_2, random, Bytes.EMPTY, Bytes.EMPTY,
        List.of(0x002f), List.of(0), List.of(new Extension(15, Bytes.EMPTY), new Extension(15, Bytes.EMPTY))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
  }
}
