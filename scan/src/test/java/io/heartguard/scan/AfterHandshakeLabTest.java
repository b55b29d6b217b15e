package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabHeartbeatStage;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scan --after-handshake} against {@code lab --heartbeats after-handshake}, a vulnerable server that ignores
 * plaintext heartbeats before the handshake: the 2014-style probe sees nothing, the encrypted one finds the leak,
 * over plain TLS and over SMTP STARTTLS; the patched lab is NOT_VULNERABLE inside the session too.
 */
class AfterHandshakeLabTest {
  private static final ScanOptions AFTER_HANDSHAKE = ScanOptions.defaults().withTimeout(Duration.ofSeconds(5))
      .withVersions(ScanOptions.ALL_VERSIONS.subList(0, 3)).withAfterHandshake(true);

  private static ScanResult scan(LabServer lab, ScanOptions options) {
    return new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + lab.address().getPort()), options);
  }

  private static LabOptions afterHandshakeOnly(LabOptions options) {
    return options.withoutLog().withHeartbeats(LabHeartbeatStage.AFTER_HANDSHAKE);
  }

  @Test
  void aServerIgnoringPlaintextHeartbeatsHidesFromThePlaintextProbeButNotFromTheEncryptedOne() throws Exception {
    try (LabServer lab = LabServer.start(afterHandshakeOnly(LabOptions.vulnerable()))) {
      ScanResult plaintext = scan(lab, ScanOptions.defaults().withTimeout(Duration.ofSeconds(1))
          .withVersions(List.of(ProtocolVersion.TLS1_2)));
      ScanResult encrypted = scan(lab, AFTER_HANDSHAKE);

      assertThat(plaintext.verdict()).as(plaintext.reason()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(plaintext.failure()).isEqualTo(Failure.TIMEOUT);
      assertThat(encrypted.verdict()).as("%s %s", encrypted.reason(), encrypted.evidence()).isEqualTo(Verdict.VULNERABLE);
      assertThat(encrypted.reason()).endsWith(", after the handshake, encrypted");
      assertThat(encrypted.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
    }
  }

  @Test
  void everyVersionCompletesTheLabsHandshake() throws Exception {
    try (LabServer lab = LabServer.start(afterHandshakeOnly(LabOptions.vulnerable()))) {
      for (ProtocolVersion version : List.of(ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_0)) {
        ScanResult result = scan(lab, AFTER_HANDSHAKE.withVersions(List.of(version)));

        assertThat(result.verdict()).as("%s %s", version, result.reason()).isEqualTo(Verdict.VULNERABLE);
        assertThat(result.tlsVersion()).isEqualTo(version);
      }
    }
  }

  @Test
  void thePatchedLabDiscardsTheProbeInsideTheSession() throws Exception {
    try (LabServer lab = LabServer.start(afterHandshakeOnly(LabOptions.patched()))) {
      ScanResult result = scan(lab, AFTER_HANDSHAKE);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).endsWith(", after the handshake, encrypted");
    }
  }

  @Test
  void smtpStartTlsThenAFullHandshakeThenTheEncryptedLeak() throws Exception {
    try (LabServer lab = LabServer.start(afterHandshakeOnly(LabOptions.vulnerable()).withStartTls("smtp"))) {
      ScanResult result = scan(lab, AFTER_HANDSHAKE.withStartTls(StartTlsMode.of(StartTls.SMTP)));

      assertThat(result.verdict()).as("%s %s", result.reason(), result.evidence()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.protocol()).isEqualTo("smtp");
      assertThat(result.evidence()).anyMatch(e -> e.startsWith("after the handshake, encrypted, sent"));
    }
  }
}
