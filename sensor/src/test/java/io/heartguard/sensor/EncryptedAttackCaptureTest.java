package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.lab.EncryptedAttack;
import io.heartguard.testkit.RealOpenSsl;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.tls.TlsSuite;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor on real encrypted attack traffic: {@code lab client --encrypted} against the real OpenSSL 1.0.1f, both
 * byte streams recorded by a relay on loopback and written as a pcap. The sensor sees only record lengths inside
 * the session, and must still raise the encrypted attack and leak alerts with the leaked size. The capture made
 * this way is kept as a fixture (captures/encrypted-attack-101f.pcap: TLS 1.2, AES-128-CBC-SHA, one request
 * claiming 4096 bytes) and checked the same way.
 */
class EncryptedAttackCaptureTest {
  /** Record lengths under TLS 1.2 AES-128-CBC-SHA: explicit IV, content, 20-byte MAC, padding to whole blocks. */
  private static int cbcSha1Ciphertext(int plaintext) {
    return 16 + (plaintext + 20 + 1 + 15) / 16 * 16;
  }

  private static final int PAYLOAD_LENGTH = 4096;
  /** The malformed request: type, payload_length, one payload byte, 16 bytes of padding. */
  private static final int REQUEST_RECORD = cbcSha1Ciphertext(3 + 1 + 16);
  /** 1.0.1f's answer: type, payload_length, the 4096 bytes claimed, 16 bytes of padding. */
  private static final int RESPONSE_RECORD = cbcSha1Ciphertext(3 + PAYLOAD_LENGTH + 16);

  @Test
  void aLiveEncryptedAttackOn101fRaisesTheEncryptedAttackAndLeakAlerts(@TempDir Path dir) throws Exception {
    byte[] pcap;
    long leaked;
    try (RealOpenSsl openssl = RealOpenSsl.startServer(dir);
        RecordingRelay relay = RecordingRelay.to(new InetSocketAddress(openssl.host(), openssl.port()))) {
      EncryptedAttack.Outcome outcome = new EncryptedAttack(ProtocolVersion.TLS1_2,
          List.of(TlsSuite.RSA_WITH_AES_128_CBC_SHA), null, 1, PAYLOAD_LENGTH, Duration.ofSeconds(10))
          .run(relay.address(), (round, buffer, offset, length) -> { });
      leaked = outcome.bytesLeaked();
      pcap = relay.pcap(50_123, 4433);
    }
    Path file = Files.createDirectories(Path.of("target", "own-captures")).resolve("encrypted-attack-101f.pcap");
    Files.write(file, pcap);

    assertThat(leaked).isEqualTo(PAYLOAD_LENGTH - 17);
    assertEncryptedAttackAndLeak(Captures.alerts(file));
  }

  @Test
  void theKeptCaptureOfThatAttackRaisesTheSameAlerts() throws Exception {
    Path fixture = Path.of(EncryptedAttackCaptureTest.class.getResource("/captures/encrypted-attack-101f.pcap").toURI());

    assertEncryptedAttackAndLeak(Captures.alerts(fixture));
  }

  private static void assertEncryptedAttackAndLeak(List<Alert> alerts) {
    assertThat(alerts).extracting(a -> a.rule().id() + " " + a.direction().eveName()).containsExactlyInAnyOrder(
        "heartbeat_before_application_data to_server", "heartbeat_before_application_data to_client",
        "heartbleed_encrypted_response_leak to_client");
    Alert leak = alerts.stream().filter(a -> a.rule() == Rule.ENCRYPTED_RESPONSE_LEAK).findFirst().orElseThrow();
    assertThat(leak.recordLength()).isEqualTo(RESPONSE_RECORD);
    assertThat(leak.requestRecordLength()).isEqualTo(REQUEST_RECORD);
    // 1.0.1f echoed the 4096 bytes claimed: our 1 payload byte and 16 bytes of padding, then 4079 bytes of memory.
    // The rules see only ciphertext lengths and estimate the leak to within a cipher block (AES: 16 bytes).
    assertThat(leak.bytesLeaked()).isBetween((long) PAYLOAD_LENGTH - 17, (long) PAYLOAD_LENGTH - 17 + 16);
    assertThat(leak.cipherSuite()).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
  }

}
