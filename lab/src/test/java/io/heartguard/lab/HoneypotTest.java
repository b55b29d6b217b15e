package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.tlsserver.Ja3Fingerprint;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The honeypot with scripted scanners: canaries per source, the scanner guesses, the byte budgets. */
class HoneypotTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SECRET = "a fixed per-run secret for tests".getBytes(StandardCharsets.US_ASCII);
  /** nmap's request: type 1, payload_length 0x4000, then "Nmap ssl-heartbleed" (19 bytes): record 22. */
  private static final byte[] NMAP_REQUEST = Bytes.ofHex("014000" + hex("Nmap ssl-heartbleed")).toByteArray();
  /** A bare 3-byte request claiming 0x4000 (testssl, sslscan, masscan, Metasploit's check). */
  private static final byte[] BARE_4000 = Bytes.ofHex("014000").toByteArray();

  private static String hex(String ascii) {
    return Bytes.ofAscii(ascii).hex();
  }

  private static HoneypotOptions honeypot() {
    return HoneypotOptions.defaults().withSecret(SECRET);
  }

  @Test
  void eachSourceLeaksItsOwnCanaryAndTheLogNamesItAndTheScanner() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log), honeypot())) {
      String leak2 = nmapLike(lab, "127.0.0.2");
      String leak3 = nmapLike(lab, "127.0.0.3");
      String canary2 = lab.canaryFor(InetAddress.getByName("127.0.0.2"));
      String canary3 = lab.canaryFor(InetAddress.getByName("127.0.0.3"));
      assertThat(canary2).isNotEqualTo(canary3);
      String user2 = canary2.substring(0, canary2.indexOf(':'));
      String password2 = canary2.substring(canary2.indexOf(':') + 1);
      assertThat(leak2).contains("username=" + user2 + "&password=" + password2).doesNotContain(canary3.split(":")[0]);
      assertThat(leak3).contains("username=" + canary3.split(":")[0]).doesNotContain(user2);

      JsonNode line2 = JSON.readTree(log.await("\"source\":\"127.0.0.2\"", 5000));
      assertThat(line2.get("event").asText()).isEqualTo("attempt");
      assertThat(line2.get("tool").asText()).isEqualTo("nmap");
      assertThat(line2.get("payload_length").asInt()).isEqualTo(0x4000);
      assertThat(line2.get("bytes_served").asInt()).isEqualTo(3 + 0x4000 + 16);
      assertThat(line2.get("canary").asText()).isEqualTo(canary2);
      assertThat(line2.get("ja3_md5").asText()).isEqualTo(Ja3Fingerprint.of(hello2014()).md5());
      JsonNode line3 = JSON.readTree(log.await("\"source\":\"127.0.0.3\"", 5000));
      assertThat(line3.get("canary").asText()).isEqualTo(canary3);
    }
  }

  @Test
  void theSameSecretGivesTheSameCanaryAndAnotherSecretAnother() throws Exception {
    InetAddress source = InetAddress.getByName("127.0.0.2");
    assertThat(Canary.forSource(SECRET, source)).isEqualTo(Canary.forSource(SECRET.clone(), source));
    assertThat(Canary.forSource("another secret, 16 bytes or more".getBytes(StandardCharsets.US_ASCII), source))
        .isNotEqualTo(Canary.forSource(SECRET, source));
  }

  @Test
  void aSafeProbeThatReadsSixteenBytesPastTheRecordGetsNoCanary() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log), honeypot());
        TestClient client = new TestClient(lab.address(), InetAddress.getByName("127.0.0.2"))) {
      client.handshake(hello2014());
      // heartguard scan's probe: 4608 + 16 bytes sent, payload_length 4640.
      byte[] probe = new byte[3 + 4608 + 16];
      probe[0] = 1;
      probe[1] = (byte) (4640 >>> 8);
      probe[2] = (byte) 4640;
      client.sendHeartbeat(probe);
      client.readHeartbeatMessage(3 + 4640 + 16);
      JsonNode line = JSON.readTree(log.await("\"event\":\"attempt\"", 5000));
      assertThat(line.get("tool").asText()).isEqualTo("heartguard-scan");
      assertThat(line.get("canary").isNull()).isTrue();
    }
  }

  @Test
  void metasploitIsTheBareRequestAfterAHelloWithOnlyTheHeartbeatExtension() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log), honeypot());
        TestClient client = new TestClient(lab.address())) {
      ClientHello full = hello2014();
      // openssl_heartbleed.rb's client_hello: its cipher list, null compression, one extension: heartbeat (01).
      ClientHello msf = new ClientHello(ProtocolVersion.TLS1_0, full.random(), Bytes.EMPTY, Bytes.EMPTY,
          List.of(0xc014, 0xc00a, 0x0035, 0x002f, 0x00ff), List.of(0), List.of(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension()));
      client.handshake(msf);
      client.sendHeartbeat(Bytes.ofHex("01ffff").toByteArray()); // HEARTBEAT_LENGTH 65535
      JsonNode line = JSON.readTree(log.await("\"event\":\"attempt\"", 5000));
      assertThat(line.get("tool").asText()).isEqualTo("metasploit");
      assertThat(line.get("payload_length").asInt()).isEqualTo(65535);
    }
  }

  @Test
  void masscanIsAWarningAlert0x80ThenTheBareRequestInTls11Records() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log), honeypot());
        TestClient client = new TestClient(lab.address())) {
      client.handshake(ClientHellos.like2014(ProtocolVersion.TLS1_1, null, new SplittableRandom(3)));
      // proto-ssl.c: 15 0302 0002 01 80, then 18 0302 0003 01 4000, in one segment.
      client.send(Bytes.ofHex("150302000201" + "80" + "1803020003" + "014000").toByteArray());
      JsonNode line = JSON.readTree(log.await("\"event\":\"attempt\"", 5000));
      assertThat(line.get("tool").asText()).isEqualTo("masscan");
      assertThat(line.get("outcome").asText()).isEqualTo("answered");
    }
  }

  @Test
  void theBareRequestAfterAHelloWithoutModernExtensionsIsSslscanAndWithThemTestssl() throws Exception {
    ClientHello plain = hello2014();
    assertThat(ScannerGuess.of(plain, BARE_4000, ProtocolVersion.TLS1_2, -1)).isEqualTo(ScannerGuess.SSLSCAN);
    List<io.heartguard.wire.handshake.Extension> extensions = new java.util.ArrayList<>(plain.extensions());
    extensions.add(new io.heartguard.wire.handshake.Extension(23, Bytes.EMPTY)); // extended_master_secret
    ClientHello modern = new ClientHello(plain.version(), plain.random(), plain.sessionId(), plain.cookie(),
        plain.cipherSuites(), plain.compressionMethods(), extensions);
    assertThat(ScannerGuess.of(modern, BARE_4000, ProtocolVersion.TLS1_2, -1)).isEqualTo(ScannerGuess.TESTSSL);
    assertThat(ScannerGuess.of(plain, Bytes.ofHex("010010" + "00".repeat(32)).toByteArray(), ProtocolVersion.TLS1_2, -1))
        .isEqualTo(ScannerGuess.UNKNOWN);
  }

  @Test
  void overTheSourceBudgetHeartbeatsGoUnansweredAndTheRefusalIsLoggedOnce() throws Exception {
    LogLines log = new LogLines();
    // One 16 KiB answer per minute from a source; the per-second budget does not bind.
    HoneypotOptions tight = honeypot().withSourceLimits(1_000_000, 20_000);
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log), tight);
        TestClient client = new TestClient(lab.address(), InetAddress.getByName("127.0.0.2"))) {
      client.handshake(hello2014());
      client.sendHeartbeat(NMAP_REQUEST);
      client.readHeartbeatMessage(16384); // the 19-byte tail stays in the 4 KB buffer
      for (int i = 0; i < 3; i++) {
        client.sendHeartbeat(NMAP_REQUEST);
      }
      client.send(new TlsRecord(ContentType.ALERT, client.version(), new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE).toBytes())
          .toByteArray());
      log.await("\"event\":\"close\"", 5000);
      assertThat(log.lines()).filteredOn(l -> l.contains("\"outcome\":\"rate_limited_source\"")).hasSize(3)
          .allMatch(l -> l.contains("\"bytes_served\":0"));
      assertThat(log.lines()).filteredOn(l -> l.contains("\"event\":\"rate_limited\"")).hasSize(1);
      // Nothing but the first answer reached the wire: the fatal alert's close is the next thing read.
      assertThat(client.closedByServerWithoutData()).isTrue();
    }
  }

  private static ClientHello hello2014() {
    return ClientHellos.like2014(ProtocolVersion.TLS1_2, null, new SplittableRandom(7));
  }

  /** A handshake and nmap's request from {@code source}; returns the answer's payload as Latin-1 text. */
  private static String nmapLike(LabServer lab, String source) throws Exception {
    try (TestClient client = new TestClient(lab.address(), InetAddress.getByName(source))) {
      client.handshake(hello2014());
      client.sendHeartbeat(NMAP_REQUEST);
      byte[] answer = client.readHeartbeatMessage(16384); // the 19-byte tail stays in the 4 KB buffer
      return new String(answer, StandardCharsets.ISO_8859_1);
    }
  }
}
