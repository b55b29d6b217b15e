package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;
import org.junit.jupiter.api.Test;

class HandshakeReaderTest {
  static final Bytes SERVER_HELLO = ServerHelloTest.HEARTBLEED_PCAP_RECORD.slice(5, 99);
  /** An ECDHE ServerKeyExchange cut to its first bytes: the reader frames it by length without reading it. */
  static final Bytes SERVER_KEY_EXCHANGE = Bytes.ofHex(""
      + "0c 000008"                 // ServerKeyExchange, 8 bytes
      + "03 0017 41 04948d38");     // named_curve secp256r1, a point's first bytes (RFC 4492 section 5.4)
  static final Bytes SERVER_HELLO_DONE = Bytes.ofHex("0e 000000");   // ServerHelloDone, empty

  @Test
  void oneMessageSplitOverThreeRecordsIsReassembled() throws Exception {
    HandshakeReader reader = new HandshakeReader();

    reader.feed(SERVER_HELLO.slice(0, 2));          // half the header
    assertThat(reader.next()).isNull();
    reader.feed(SERVER_HELLO.slice(2, 40));         // rest of the header, part of the body
    assertThat(reader.next()).isNull();
    reader.feed(SERVER_HELLO.slice(40, 94));        // the rest
    HandshakeMessage message = reader.next();

    assertThat(message.type()).isEqualTo(HandshakeType.SERVER_HELLO);
    assertThat(message.body()).isEqualTo(SERVER_HELLO.slice(4, 94));
    assertThat(reader.next()).isNull();
    assertThat(reader.buffered()).isZero();
  }

  @Test
  void threeMessagesInOneRecordComeOutInOrder() throws Exception {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(new ByteWriter().write(CertificateMessageTest.TWO_CERTS).write(SERVER_KEY_EXCHANGE)
        .write(SERVER_HELLO_DONE).toBytes());

    HandshakeMessage certificate = reader.next();
    HandshakeMessage keyExchange = reader.next();
    HandshakeMessage done = reader.next();

    assertThat(certificate.type()).isEqualTo(HandshakeType.CERTIFICATE);
    assertThat(CertificateMessage.parse(certificate.body()).certificates()).hasSize(2);
    assertThat(keyExchange.type()).isEqualTo(HandshakeType.SERVER_KEY_EXCHANGE);
    assertThat(ServerKeyExchange.parse(keyExchange.body()).params()).isEqualTo(SERVER_KEY_EXCHANGE.slice(4, 12));
    assertThat(done.type()).isEqualTo(HandshakeType.SERVER_HELLO_DONE);
    assertThat(ServerHelloDone.parse(done.body())).isEqualTo(ServerHelloDone.INSTANCE);
    assertThat(reader.next()).isNull();
    assertThat(reader.buffered()).isZero();
  }

  @Test
  void messageClaimingSixteenMegabytesIsRefusedBeforeItsBodyIsBuffered() throws Exception {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(Bytes.ofHex("0b ffffff"));   // Certificate claiming 2^24-1 bytes

    assertThatThrownBy(reader::next)
        .isInstanceOf(HandshakeException.class)
        .hasMessage("handshake message of type 11 claims 16777215 bytes, more than the 262144 accepted");
    reader.feed(Bytes.repeat(0, 16384));     // a peer that keeps sending is not buffered
    assertThat(reader.buffered()).isEqualTo(4);
    assertThatThrownBy(reader::next).isInstanceOf(HandshakeException.class);
  }

  @Test
  void limitIsInclusive() throws Exception {
    HandshakeReader reader = new HandshakeReader(8);
    reader.feed(SERVER_KEY_EXCHANGE);
    assertThat(reader.next().body().size()).isEqualTo(8);

    HandshakeReader smaller = new HandshakeReader(7);
    smaller.feed(SERVER_KEY_EXCHANGE);
    assertThatThrownBy(smaller::next)
        .hasMessage("handshake message of type 12 claims 8 bytes, more than the 7 accepted");
  }

  @Test
  void unknownTypeIsFramedAndReportedByCode() throws Exception {
    HandshakeReader reader = new HandshakeReader();
    reader.feed(Bytes.ofHex("fe 000001 00"));
    HandshakeMessage message = reader.next();
    assertThat(message.typeCode()).isEqualTo(0xfe);
    assertThat(message.type()).isNull();
  }
}
