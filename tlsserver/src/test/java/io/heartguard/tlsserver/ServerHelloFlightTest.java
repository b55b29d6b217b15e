package io.heartguard.tlsserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.tlsserver.ServerHelloFlight.Flight;
import io.heartguard.tlsserver.ServerHelloFlight.Refusal;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServerHelloFlightTest {
  private static final ServerIdentity IDENTITY = ServerIdentity.processDefault();

  private static ClientHello hello(ProtocolVersion version) {
    return ClientHellos.like2014(version, null, new SplittableRandom(1));
  }

  private static ClientHello withSuitesAndExtensions(ClientHello h, ProtocolVersion version, List<Integer> suites,
      List<Extension> extensions) {
    return new ClientHello(version, h.random(), Bytes.EMPTY, Bytes.EMPTY, suites, List.of(0), extensions);
  }

  private static List<HandshakeMessage> messages(Flight flight) throws Exception {
    RecordReader records = new RecordReader();
    records.feed(ServerHelloFlight.concat(flight.records()));
    HandshakeReader reader = new HandshakeReader();
    List<HandshakeMessage> out = new ArrayList<>();
    for (TlsRecord r = records.next(); r != null; r = records.next()) {
      assertThat(r.version()).isEqualTo(flight.version());
      reader.feed(r.fragment());
      for (HandshakeMessage m = reader.next(); m != null; m = reader.next()) {
        out.add(m);
      }
    }
    assertThat(records.buffered()).isZero();
    return out;
  }

  @Test
  void theFlightIsServerHelloCertificateServerHelloDone() throws Exception {
    Flight flight = (Flight) ServerHelloFlight.answer(hello(ProtocolVersion.TLS1_2), IDENTITY, new SplittableRandom(2));
    List<HandshakeMessage> messages = messages(flight);
    assertThat(messages).extracting(HandshakeMessage::type)
        .containsExactly(HandshakeType.SERVER_HELLO, HandshakeType.CERTIFICATE, HandshakeType.SERVER_HELLO_DONE);
    assertThat(CertificateMessage.parse(messages.get(1).body()).certificates()).isEqualTo(IDENTITY.chain());
    assertThat(messages.get(2).body().isEmpty()).isTrue();
  }

  @Test
  void eachVersionFromSslv3ToTls12IsAnsweredWithItself() {
    for (ProtocolVersion v : List.of(ProtocolVersion.SSL3_0, ProtocolVersion.TLS1_0, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_2)) {
      Flight flight = (Flight) ServerHelloFlight.answer(hello(v), IDENTITY, new SplittableRandom(2));
      assertThat(flight.version()).isEqualTo(v);
    }
  }

  @Test
  void aNewerClientVersionIsCappedAtTls12() throws Exception {
    ClientHello h = hello(ProtocolVersion.TLS1_2);
    ClientHello tls13ish = withSuitesAndExtensions(h, new ProtocolVersion(3, 4), h.cipherSuites(), h.extensions());
    Flight flight = (Flight) ServerHelloFlight.answer(tls13ish, IDENTITY, new SplittableRandom(2));
    assertThat(flight.version()).isEqualTo(ProtocolVersion.TLS1_2);
    assertThat(ServerHello.parse(messages(flight).getFirst().body()).version()).isEqualTo(ProtocolVersion.TLS1_2);
  }

  @Test
  void aClientVersionBelowSslv3IsRefusedWithProtocolVersion() {
    ClientHello h = hello(ProtocolVersion.TLS1_0);
    ClientHello ssl2 = withSuitesAndExtensions(h, new ProtocolVersion(2, 0), h.cipherSuites(), List.of());
    Refusal refusal = (Refusal) ServerHelloFlight.answer(ssl2, IDENTITY, new SplittableRandom(2));
    assertThat(refusal.alert()).isEqualTo(new Alert(Alert.FATAL, Alert.PROTOCOL_VERSION));
  }

  @Test
  void heartbeatPeerAllowedToSendIsAnnouncedOnlyWhenOffered() throws Exception {
    ClientHello offered = hello(ProtocolVersion.TLS1_2);
    Flight withHb = (Flight) ServerHelloFlight.answer(offered, IDENTITY, new SplittableRandom(2));
    assertThat(ServerHello.parse(messages(withHb).getFirst().body()).heartbeatMode()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);
    assertThat(withHb.heartbeatAnnounced()).isTrue();

    List<Extension> noHeartbeat = offered.extensions().stream().filter(e -> e.type() != Extension.HEARTBEAT).toList();
    ClientHello notOffered = withSuitesAndExtensions(offered, ProtocolVersion.TLS1_2, offered.cipherSuites(), noHeartbeat);
    Flight withoutHb = (Flight) ServerHelloFlight.answer(notOffered, IDENTITY, new SplittableRandom(2));
    assertThat(ServerHello.parse(messages(withoutHb).getFirst().body()).heartbeatMode()).isNull();
    assertThat(withoutHb.heartbeatAnnounced()).isFalse();
  }

  @Test
  void sslv3WithoutSecureRenegotiationGetsNoExtensionsAtAll() throws Exception {
    ClientHello h = hello(ProtocolVersion.SSL3_0);
    List<Integer> noScsv = h.cipherSuites().stream().filter(s -> s != ServerHelloFlight.RENEGOTIATION_SCSV).toList();
    Flight flight = (Flight) ServerHelloFlight.answer(
        withSuitesAndExtensions(h, ProtocolVersion.SSL3_0, noScsv, h.extensions()), IDENTITY, new SplittableRandom(2));
    assertThat(ServerHello.parse(messages(flight).getFirst().body()).extensions()).isEmpty();
  }

  @Test
  void theServersPreferenceDecidesAmongOfferedRsaSuites() {
    // Offered: ECDHE-RSA-AES256-GCM (not served), AES128-SHA (0x002f), AES256-SHA (0x0035).
    assertThat(ServerHelloFlight.chooseSuite(List.of(0xc030, 0x002f, 0x0035), ProtocolVersion.TLS1_2)).isEqualTo(0x0035);
  }

  @Test
  void aTls12OnlySuiteIsNeverChosenBelowTls12() {
    // AES256-GCM-SHA384 (0x009d) is TLS 1.2 only; RC4-SHA (0x0005) is not.
    assertThat(ServerHelloFlight.chooseSuite(List.of(0x009d, 0x0005), ProtocolVersion.TLS1_0)).isEqualTo(0x0005);
    assertThat(ServerHelloFlight.chooseSuite(List.of(0x009d, 0x0005), ProtocolVersion.TLS1_2)).isEqualTo(0x009d);
  }

  @Test
  void noSharedRsaSuiteIsRefusedWithHandshakeFailure() {
    ClientHello h = hello(ProtocolVersion.TLS1_2);
    ClientHello ecdheOnly = withSuitesAndExtensions(h, ProtocolVersion.TLS1_2, List.of(0xc02f, 0xc030), h.extensions());
    Refusal refusal = (Refusal) ServerHelloFlight.answer(ecdheOnly, IDENTITY, new SplittableRandom(2));
    assertThat(refusal.alert()).isEqualTo(new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE));
    assertThat(refusal.reason()).isEqualTo("no shared cipher: the client offered no RSA key exchange suite usable with TLSv1.2");
  }

  @Test
  void aChainOfMoreThan16KiBSpansSeveralRecords() throws Exception {
    ServerIdentity padded = IDENTITY.withPaddingCerts(25);
    Flight flight = (Flight) ServerHelloFlight.answer(hello(ProtocolVersion.TLS1_2), padded, new SplittableRandom(2));
    byte[] certificateRecords = flight.records().get(1);
    assertThat(certificateRecords.length).isGreaterThan(16 * 1024 + 2 * 5);
    List<HandshakeMessage> messages = messages(flight);
    assertThat(CertificateMessage.parse(messages.get(1).body()).certificates()).hasSize(26);
  }
}
