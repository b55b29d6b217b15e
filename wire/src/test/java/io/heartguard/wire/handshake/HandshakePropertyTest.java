package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.ParserContract;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class HandshakePropertyTest {
  static final String SEED = "20140407";

  // ---- round trips: parse(write(x)) == x

  @Property(seed = SEED)
  void clientHelloRoundTrips(@ForAll("clientHellos") ClientHello hello) throws Exception {
    assertThat(ClientHello.parse(hello.toBody())).isEqualTo(hello);
  }

  @Property(seed = SEED)
  void serverHelloRoundTrips(@ForAll("serverHellos") ServerHello hello) throws Exception {
    assertThat(ServerHello.parse(hello.toBody())).isEqualTo(hello);
  }

  @Property(seed = SEED)
  void certificateMessageRoundTrips(@ForAll("certificateMessages") CertificateMessage message) throws Exception {
    assertThat(CertificateMessage.parse(message.toBody())).isEqualTo(message);
  }

  @Property(seed = SEED)
  void helloVerifyRequestRoundTrips(@ForAll("versions") ProtocolVersion version,
      @ForAll("cookies") Bytes cookie) throws Exception {
    HelloVerifyRequest request = new HelloVerifyRequest(version, cookie);
    assertThat(HelloVerifyRequest.parse(request.toBody())).isEqualTo(request);
  }

  @Property(seed = SEED)
  void serverKeyExchangeRoundTrips(@ForAll @Size(max = 400) byte[] params) {
    ServerKeyExchange exchange = new ServerKeyExchange(Bytes.of(params));
    assertThat(ServerKeyExchange.parse(exchange.toBody())).isEqualTo(exchange);
  }

  @Property(seed = SEED)
  void dtlsHandshakeHeaderRoundTrips(@ForAll("dtlsHandshakeHeaders") DtlsHandshakeHeader header) throws Exception {
    assertThat(DtlsHandshakeHeader.parse(header.toByteArray(), 0)).isEqualTo(header);
  }

  @Property(seed = SEED)
  void handshakeReaderReassemblesMessagesWhateverTheRecordBoundaries(
      @ForAll("handshakeMessages") List<HandshakeMessage> messages, @ForAll Random cuts) throws Exception {
    ByteWriter stream = new ByteWriter();
    messages.forEach(m -> stream.write(m.toByteArray()));
    Bytes bytes = stream.toBytes();
    HandshakeReader reader = new HandshakeReader();
    List<HandshakeMessage> out = new ArrayList<>();

    for (int at = 0; at < bytes.size(); ) {
      int next = Math.min(bytes.size(), at + 1 + cuts.nextInt(60));
      reader.feed(bytes.slice(at, next));
      for (HandshakeMessage m = reader.next(); m != null; m = reader.next()) {
        out.add(m);
      }
      at = next;
    }

    assertThat(out).isEqualTo(messages);
    assertThat(reader.buffered()).isZero();
  }

  // ---- any bytes: a value or the parser's own exception, and allocation bounded by the input

  @Property(seed = SEED)
  void everyHelloParserRefusesArbitraryBytesOnlyWithHandshakeException(@ForAll @Size(max = 600) byte[] input) {
    Bytes body = Bytes.of(input);
    ParserContract.holds(HandshakeException.class, input.length, () -> ClientHello.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> ServerHello.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> CertificateMessage.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> HelloVerifyRequest.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> HelloRequest.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> ServerHelloDone.parse(body));
    ParserContract.holds(HandshakeException.class, input.length, () -> DtlsHandshakeHeader.parse(input, 0));
  }

  @Property(seed = SEED)
  void corruptedHellosAreRefusedOnlyWithHandshakeException(@ForAll("clientHellos") ClientHello hello,
      @ForAll Random damage) {
    byte[] body = hello.toBody().toByteArray();
    byte[] corrupt = java.util.Arrays.copyOf(body, damage.nextInt(body.length + 1));
    for (int i = 0; i < 3 && corrupt.length > 0; i++) {
      corrupt[damage.nextInt(corrupt.length)] = (byte) damage.nextInt(256);
    }
    Bytes input = Bytes.of(corrupt);
    ParserContract.holds(HandshakeException.class, corrupt.length, () -> ClientHello.parse(input));
    ParserContract.holds(HandshakeException.class, corrupt.length, () -> ServerHello.parse(input));
  }

  @Property(seed = SEED)
  void handshakeReaderRefusesArbitraryBytesOnlyWithHandshakeException(@ForAll @Size(max = 600) byte[] input) {
    ParserContract.holds(HandshakeException.class, input.length, () -> {
      HandshakeReader reader = new HandshakeReader();
      reader.feed(Bytes.of(input));
      while (reader.next() != null) {
        assertThat(reader.buffered()).isLessThanOrEqualTo(input.length);
      }
    });
  }

  @Property(seed = SEED)
  void headerClaimingMoreThanTheLimitIsRefusedBeforeItsBodyIsBuffered(
      @ForAll("hostileLengths") int claimed, @ForAll @Size(max = 64) byte[] rest) {
    HandshakeReader reader = new HandshakeReader();
    byte[] header = new ByteWriter().writeUint8(HandshakeType.CERTIFICATE.code()).writeUint24(claimed).toByteArray();
    ParserContract.holds(HandshakeException.class, header.length + rest.length, () -> {
      reader.feed(Bytes.of(header));
      reader.feed(Bytes.of(rest));
      reader.next();
    });
    assertThat(reader.buffered()).isLessThanOrEqualTo(header.length + rest.length);
  }

  // ---- generators

  @Provide
  Arbitrary<Integer> hostileLengths() {
    return Arbitraries.integers().between(HandshakeReader.DEFAULT_MAX_MESSAGE_LENGTH + 1, 0xffffff);
  }

  @Provide
  Arbitrary<ProtocolVersion> versions() {
    return Arbitraries.oneOf(
        Arbitraries.of(ProtocolVersion.SSL3_0, ProtocolVersion.TLS1_0, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_2,
            ProtocolVersion.DTLS1_0, ProtocolVersion.DTLS1_2),
        Arbitraries.integers().between(0, 0xffff).map(ProtocolVersion::fromCode));
  }

  static Arbitrary<Bytes> bytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
  }

  @Provide
  Arbitrary<Bytes> cookies() {
    return bytes(0, 255);
  }

  static Arbitrary<List<Extension>> extensions() {
    Arbitrary<Extension> extension = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.of(0, 10, 11, 13, 15, 35, 0xff01), Arbitraries.integers().between(0, 0xffff)),
        bytes(0, 40)).as(Extension::new);
    return extension.list().ofMaxSize(8).uniqueElements(Extension::type);
  }

  @Provide
  Arbitrary<ClientHello> clientHellos() {
    return Combinators.combine(
        versions(),
        bytes(32, 32),
        bytes(0, 32),
        cookies(),
        Arbitraries.integers().between(0, 0xffff).list().ofMinSize(1).ofMaxSize(40),
        Arbitraries.integers().between(0, 0xff).list().ofMinSize(1).ofMaxSize(4),
        extensions())
        .as((version, random, sessionId, cookie, suites, compression, extensions) -> new ClientHello(
            version, random, sessionId, version.isDtls() ? cookie : Bytes.EMPTY, suites, compression, extensions));
  }

  @Provide
  Arbitrary<ServerHello> serverHellos() {
    return Combinators.combine(
        versions(),
        bytes(32, 32),
        bytes(0, 32),
        Arbitraries.integers().between(0, 0xffff),
        Arbitraries.integers().between(0, 0xff),
        extensions())
        .as(ServerHello::new);
  }

  @Provide
  Arbitrary<CertificateMessage> certificateMessages() {
    return bytes(1, 300).list().ofMaxSize(5).map(CertificateMessage::new);
  }

  @Provide
  Arbitrary<DtlsHandshakeHeader> dtlsHandshakeHeaders() {
    return Combinators.combine(
        Arbitraries.integers().between(0, 0xff),
        Arbitraries.integers().between(0, 0xffffff),
        Arbitraries.integers().between(0, 0xffff),
        Arbitraries.doubles().between(0, 1),
        Arbitraries.doubles().between(0, 1))
        .as((type, length, seq, a, b) -> {
          int offset = (int) (a * length);
          int fragment = (int) (b * (length - offset));
          return new DtlsHandshakeHeader(type, length, seq, offset, fragment);
        });
  }

  @Provide
  Arbitrary<List<HandshakeMessage>> handshakeMessages() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xff), bytes(0, 200))
        .as(HandshakeMessage::new)
        .list().ofMinSize(1).ofMaxSize(6);
  }
}
