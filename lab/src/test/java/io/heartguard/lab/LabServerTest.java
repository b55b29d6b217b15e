package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The lab on loopback sockets, driven by a minimal client. */
class LabServerTest {
  /**
   * A request whose response record (5 + 3 + 12000 + 16 bytes) reaches the wire whole even behind a small held answer:
   * after topping the 4 KB buffer up, more than a buffer of it remains, which goes out directly.
   */
  private static final Bytes CONTROL_PAYLOAD = Bytes.repeat('C', 12000);

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private LabServer start(LabOptions options) throws Exception {
    return LabServer.start(options.withLog(log));
  }

  private String logText() {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  private static byte[] overclaim(int claimed) {
    return HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.ofAscii("heartguard")), claimed);
  }

  private static void assertIsControlResponse(byte[] message) throws Exception {
    HeartbeatMessage parsed = HeartbeatMessage.parse(Bytes.of(message));
    assertThat(parsed.type()).isEqualTo(HeartbeatMessageType.RESPONSE);
    assertThat(parsed.payload()).isEqualTo(CONTROL_PAYLOAD);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {0x0300, 0x0301, 0x0302, 0x0303})
  void vulnerableLeaksHeapBytesPastTheRequestInEveryVersion(int versionCode) throws Exception {
    ProtocolVersion version = ProtocolVersion.fromCode(versionCode);
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      List<HandshakeMessage> flight = client.handshake(version);
      assertThat(client.version()).isEqualTo(version);
      ServerHello hello = ServerHello.parse(flight.getFirst().body());
      assertThat(hello.heartbeatMode()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);

      client.sendHeartbeat(overclaim(16384));
      // The 16403-byte answer is cut into records of 16384 and 19 bytes; the second is small enough to stay in the
      // 4 KB handshake buffer, as in 1.0.1f, so only the first arrives.
      byte[] message = client.readHeartbeatMessage(16384);
      // 02 4000: a response claiming the full 16384 bytes, of which only "heartguard" (10 bytes) was ours: the rest
      // is the lab's heap, with the first planted cookie in it.
      assertThat(Bytes.of(message).slice(0, 13).hex()).isEqualTo("024000" + Bytes.ofAscii("heartguard").hex());
      assertThat(new String(message, StandardCharsets.ISO_8859_1)).contains(lab.plantedSecrets().getFirst());
    }
  }

  @Test
  void aLeakOf64KiBCarriesThePrivateKeyPem() throws Exception {
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      client.sendHeartbeat(overclaim(0xffff));
      // 65554 bytes in records of 16384 * 4 + 18: the last one stays in the buffer.
      byte[] message = client.readHeartbeatMessage(4 * 16384);
      assertThat(new String(message, StandardCharsets.ISO_8859_1)).contains(lab.identity().privateKeyPem());
    }
  }

  @Test
  void patchedDiscardsAnOverclaimSoTheNextAnswerIsTheControls() throws Exception {
    try (LabServer lab = start(LabOptions.patched()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      client.sendHeartbeat(overclaim(16384));
      client.sendHeartbeat(HeartbeatMessage.request(CONTROL_PAYLOAD).toByteArray());
      assertIsControlResponse(client.readHeartbeatMessage(3 + 12000 + 16));
    }
    assertThat(logText()).contains("\"outcome\":\"discarded_payload_too_long\"", "\"outcome\":\"answered\"");
  }

  @ParameterizedTest
  @EnumSource(LabMode.class)
  void aSmallAnswerWaitsInTheBufferAndLeavesAheadOfTheNextLargeOne(LabMode mode) throws Exception {
    try (LabServer lab = start(LabOptions.of(mode)); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      client.sendHeartbeat(HeartbeatMessage.request(Bytes.ofAscii("ping")).toByteArray());
      client.sendHeartbeat(HeartbeatMessage.request(CONTROL_PAYLOAD).toByteArray());
      TlsRecord first = client.nextRecord();
      assertThat(first.type()).isEqualTo(ContentType.HEARTBEAT);
      assertThat(HeartbeatMessage.parse(first.fragment()).payload()).isEqualTo(Bytes.ofAscii("ping"));
      assertIsControlResponse(client.readHeartbeatMessage(3 + 12000 + 16));
    }
    // The small answer was served but sent nothing by itself: 3 + 4 + 16 = 23 bytes held back.
    assertThat(logText()).contains("\"payload_length\":4,\"record_length\":23,\"outcome\":\"answered\",\"bytes_served\":23,"
        + "\"bytes_overread\":0,\"bytes_sent\":0");
  }

  @Test
  void vulnerableAnswersAPaddinglessRequestAndPatchedDropsIt() throws Exception {
    byte[] paddingless = HeartbeatProbe.withoutPadding(HeartbeatMessageType.REQUEST, Bytes.ofAscii("ping"));
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_1);
      client.sendHeartbeat(paddingless);
      client.sendHeartbeat(HeartbeatMessage.request(CONTROL_PAYLOAD).toByteArray());
      TlsRecord first = client.nextRecord();
      // 02 0004 "ping" and 16 bytes of padding.
      assertThat(first.fragment().slice(0, 7).hex()).isEqualTo("020004" + Bytes.ofAscii("ping").hex());
      assertThat(first.fragment().size()).isEqualTo(23);
    }
    try (LabServer lab = start(LabOptions.patched()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_1);
      client.sendHeartbeat(paddingless);
      client.sendHeartbeat(HeartbeatMessage.request(CONTROL_PAYLOAD).toByteArray());
      assertIsControlResponse(client.readHeartbeatMessage(3 + 12000 + 16));
    }
  }

  @Test
  void servesOnIpv6Loopback() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    try (ServerSocket probe = new ServerSocket(0, 1, v6)) {
      Assumptions.assumeTrue(probe.isBound(), "::1 is available");
    } catch (java.io.IOException e) {
      Assumptions.abort("::1 is not available here: " + e.getMessage());
    }
    try (LabServer lab = start(LabOptions.vulnerable().withListen(new InetSocketAddress(v6, 0)));
         TestClient client = new TestClient(lab.address())) {
      assertThat(lab.address().getAddress()).isEqualTo(v6);
      client.handshake(ProtocolVersion.TLS1_2);
      client.sendHeartbeat(overclaim(16384));
      assertThat(client.readHeartbeatMessage(16384)).hasSize(16384);
    }
    assertThat(logText()).contains("\"peer\":\"[0:0:0:0:0:0:0:1]:");
  }

  @Test
  void aChainOfMoreThan16KiBArrivesWholeAcrossSeveralRecords() throws Exception {
    try (LabServer lab = start(LabOptions.vulnerable().withChainPaddingCerts(25));
         TestClient client = new TestClient(lab.address())) {
      List<HandshakeMessage> flight = client.handshake(ProtocolVersion.TLS1_2);
      HandshakeMessage certificate = flight.get(1);
      assertThat(certificate.type()).isEqualTo(HandshakeType.CERTIFICATE);
      assertThat(certificate.body().size()).isGreaterThan(16 * 1024);
      assertThat(CertificateMessage.parse(certificate.body()).certificates()).hasSize(26);
    }
  }

  @Test
  void manyConcurrentClientsAreAllServed() throws Exception {
    int clients = 64;
    try (LabServer lab = start(LabOptions.vulnerable().withoutLog());
         ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        tasks.add(() -> {
          try (TestClient client = new TestClient(lab.address())) {
            client.handshake(ProtocolVersion.TLS1_2);
            client.sendHeartbeat(overclaim(16384));
            return client.readHeartbeatMessage(16384).length;
          }
        });
      }
      List<Integer> lengths = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        lengths.add(f.get());
      }
      assertThat(lengths).hasSize(clients).containsOnly(16384);
    }
  }

  @Test
  void aClientKeyExchangeEndsTheConnectionWithAFatalAlert() throws Exception {
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      // ClientKeyExchange (16) with an opaque 4-byte body.
      byte[] cke = new HandshakeMessage(HandshakeType.CLIENT_KEY_EXCHANGE, Bytes.ofHex("0002abcd")).toByteArray();
      client.send(new TlsRecord(ContentType.HANDSHAKE, ProtocolVersion.TLS1_2, Bytes.of(cke)).toByteArray());
      TlsRecord alert = client.nextRecord();
      assertThat(alert.type()).isEqualTo(ContentType.ALERT);
      assertThat(Alert.parse(alert.fragment())).isEqualTo(new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE));
      assertThat(client.nextRecord()).isNull();
    }
  }

  @Test
  void aRecordVersionOtherThanTheNegotiatedOneIsAProtocolVersionAlert() throws Exception {
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      client.send(new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_0, Bytes.of(overclaim(16384))).toByteArray());
      TlsRecord alert = client.nextRecord();
      assertThat(alert.version()).isEqualTo(ProtocolVersion.TLS1_0);
      assertThat(Alert.parse(alert.fragment())).isEqualTo(new Alert(Alert.FATAL, Alert.PROTOCOL_VERSION));
    }
  }

  @Test
  void aHeartbeatBeforeTheClientHelloIsClosedSilently() throws Exception {
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      client.send(new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_2, Bytes.of(overclaim(16384))).toByteArray());
      assertThat(client.closedByServerWithoutData()).isTrue();
    }
    assertThat(logText()).contains("first record is HEARTBEAT, expected a handshake record with a ClientHello");
  }

  @Test
  void theLogDescribesEachHeartbeatButNeverHoldsLeakedBytes() throws Exception {
    int clientPort;
    List<String> secrets;
    try (LabServer lab = start(LabOptions.vulnerable()); TestClient client = new TestClient(lab.address())) {
      clientPort = client.socket.getLocalPort();
      secrets = lab.plantedSecrets();
      client.handshake(ProtocolVersion.TLS1_2);
      client.sendHeartbeat(overclaim(0xffff));
      client.readHeartbeatMessage(4 * 16384);
    }
    String text = logText();
    assertThat(text).contains("\"event\":\"heartbeat\"", "\"mode\":\"vulnerable\"", "\"type\":1",
        "\"payload_length\":65535", "\"record_length\":29", "\"bytes_served\":65554", "\"bytes_overread\":65509",
        "\"bytes_sent\":" + 4 * (5 + 16384), "\"peer\":\"127.0.0.1:" + clientPort + "\"");
    assertThat(text).doesNotContain("PRIVATE KEY", "heartguard");
    assertThat(secrets).allSatisfy(secret -> assertThat(text).doesNotContain(secret));
  }

  @Test
  void aConnectionOverTheLimitIsClosedAtOnceWhileTheOthersAreServed() throws Exception {
    int refusedPort;
    try (LabServer lab = start(LabOptions.vulnerable().withMaxConnections(1));
         TestClient first = new TestClient(lab.address())) {
      first.handshake(ProtocolVersion.TLS1_2);
      try (TestClient second = new TestClient(lab.address())) {
        refusedPort = second.socket.getLocalPort();
        assertThat(second.closedByServerWithoutData()).isTrue();
      }
      first.sendHeartbeat(overclaim(16384));
      assertThat(first.readHeartbeatMessage(16384)).hasSize(16384);
    }
    assertThat(logText()).contains("\"peer\":\"127.0.0.1:" + refusedPort + "\",\"mode\":\"vulnerable\","
        + "\"reason\":\"over the limit of 1 connections\"");
  }

  @Test
  void closeEndsOpenConnectionsAndWaitsForThem() throws Exception {
    LabServer lab = start(LabOptions.vulnerable());
    try (TestClient client = new TestClient(lab.address())) {
      client.handshake(ProtocolVersion.TLS1_2);
      lab.close();
      assertThat(lab.openConnections()).isZero();
      assertThat(client.nextRecord()).isNull();
    }
  }
}
