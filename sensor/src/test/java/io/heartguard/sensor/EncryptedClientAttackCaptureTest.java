package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.clienttest.ClientReport;
import io.heartguard.clienttest.ClientTestOptions;
import io.heartguard.clienttest.ClientTestServer;
import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.Verdict;
import io.heartguard.testkit.RealOpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor on a real encrypted attack on a client, the server bleeding the client: {@code client-test
 * --after-handshake --dump FILE --dump-requests 1} attacking the real OpenSSL 1.0.1f {@code s_client}, both byte
 * streams recorded by a relay on loopback and written as a pcap. Inside the session the sensor sees only record
 * lengths, in the direction from the client. The capture made this way is kept as a fixture
 * (captures/encrypted-attack-on-client-101f.pcap: TLS 1.2, AES-128-CBC-SHA; the oracle's probe and control, then one
 * request claiming 65535 bytes) and checked the same way.
 */
class EncryptedClientAttackCaptureTest {
  /** Record lengths under TLS 1.2 AES-128-CBC-SHA: explicit IV, content, 20-byte MAC, padding to whole blocks. */
  private static int cbcSha1Ciphertext(int plaintext) {
    return 16 + (plaintext + 20 + 1 + 15) / 16 * 16;
  }

  /** The oracle's probe: type, payload_length, 4608 bytes of marker and 16 of padding (claiming 4640). */
  private static final int PROBE_RECORD = cbcSha1Ciphertext(3 + HeartbeatOracle.PROBE_PAYLOAD_BYTES + 16);
  /** 1.0.1f's answer: the 4640 bytes claimed and 16 bytes of padding. */
  private static final int PROBE_ANSWER_RECORD = cbcSha1Ciphertext(3 + HeartbeatOracle.declaredProbeLength() + 16);

  @Test
  void aLiveEncryptedAttackOnA101fClientRaisesTheEncryptedAttackAndLeakAlerts(@TempDir Path dir) throws Exception {
    byte[] pcap;
    ClientReport report;
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    ClientTestOptions options = ClientTestOptions.defaults().withTimeout(Duration.ofSeconds(10)).withSeed(15)
        .withAfterHandshake(true).withDump(dir.resolve("leak.bin"), 1);
    try (ClientTestServer server = ClientTestServer.start(options, reports::add);
        RecordingRelay relay = RecordingRelay.to(server.address())) {
      ProcessBuilder builder = new ProcessBuilder(RealOpenSsl.Release.V1_0_1F.binary().toString(), "s_client",
          "-connect", "127.0.0.1:" + relay.address().getPort(), "-cipher", "AES128-SHA")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("OPENSSL_CONF", "/dev/null");
      Process client = builder.start(); // stdin held open: at end of input s_client would leave
      try {
        report = reports.poll(20, TimeUnit.SECONDS);
      } finally {
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
      }
      pcap = relay.pcap(50_321, 4433);
    }
    Path file = Files.createDirectories(Path.of("target", "own-captures")).resolve("encrypted-attack-on-client-101f.pcap");
    Files.write(file, pcap);

    assertThat(report).as("a report within 20 s").isNotNull();
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(report.reason()).contains("with TLS_RSA_WITH_AES_128_CBC_SHA", "dumped 65503 bytes from 1 answers");
    assertEncryptedAttackAndLeak(Captures.alerts(file));
  }

  @Test
  void theKeptCaptureOfThatAttackRaisesTheSameAlerts() throws Exception {
    Path fixture = Path.of(EncryptedClientAttackCaptureTest.class.getResource("/captures/encrypted-attack-on-client-101f.pcap").toURI());

    assertEncryptedAttackAndLeak(Captures.alerts(fixture));
  }

  private static void assertEncryptedAttackAndLeak(List<Alert> alerts) {
    assertThat(alerts).extracting(a -> a.rule().id() + " " + a.direction().eveName()).containsExactlyInAnyOrder(
        "heartbeat_before_application_data to_client", "heartbeat_before_application_data to_server",
        "heartbleed_encrypted_response_leak to_server", "heartbleed_unrequested_response_leak to_server");
    Alert attack = alerts.stream().filter(a -> a.rule() == Rule.ENCRYPTED_BEFORE_APPLICATION_DATA
        && a.direction() == Direction.TO_CLIENT).findFirst().orElseThrow();
    assertThat(attack.recordLength()).as("the server's encrypted probe").isEqualTo(PROBE_RECORD);
    Alert leak = alerts.stream().filter(a -> a.rule() == Rule.ENCRYPTED_RESPONSE_LEAK).findFirst().orElseThrow();
    assertThat(leak.recordLength()).isEqualTo(PROBE_ANSWER_RECORD);
    assertThat(leak.requestRecordLength()).isEqualTo(PROBE_RECORD);
    // The probe claimed 16 bytes more than it carried; the rules estimate a leak to within a cipher block.
    assertThat(leak.bytesLeaked()).isBetween((long) HeartbeatOracle.OVERREAD_BYTES, HeartbeatOracle.OVERREAD_BYTES + 16L);
    assertThat(leak.cipherSuite()).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
    // The full-size request's answer comes in records of 2^14 bytes: the first is a response leak too, but the rule
    // already reported this direction (one alert per rule and direction); the records after it raise the
    // continuation rule, which counts one more record's worth.
    Alert continued = alerts.stream().filter(a -> a.rule() == Rule.UNREQUESTED_RESPONSE_LEAK).findFirst().orElseThrow();
    assertThat(continued.bytesLeaked()).isGreaterThan(16_000);
  }

}
