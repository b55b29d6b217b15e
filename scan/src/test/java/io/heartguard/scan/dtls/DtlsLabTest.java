package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabMode;
import io.heartguard.lab.dtls.LabDtlsOptions;
import io.heartguard.lab.dtls.LabDtlsServer;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DTLS check against the lab's DTLS server, an emulated OpenSSL 1.0.1f / 1.0.1g (1.0.2-beta1 for DTLS 1.2). */
class DtlsLabTest {
  /** Short timers: loopback answers in microseconds, and a lost datagram must cost little test time. */
  static final Retransmission FAST = new Retransmission(Duration.ofMillis(100), 5);
  static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(5));

  private final DtlsCheck check = new DtlsCheck(FAST);
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private LabDtlsServer start(LabDtlsOptions options) throws Exception {
    return LabDtlsServer.start(options.withLog(log, false));
  }

  private ScanResult scan(LabDtlsServer lab, ScanOptions options) {
    return check.check(ScanTarget.parse("127.0.0.1:" + lab.address().getPort()), options);
  }

  private static ScanOptions only(ProtocolVersion tlsVersion) {
    return OPTIONS.withVersions(List.of(tlsVersion));
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} lab answers a DTLS 1.0 hello")
  @EnumSource(LabMode.class)
  void dtls10VerdictFollowsTheLabsMode(LabMode mode) throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(mode))) {
      ScanResult result = scan(lab, only(ProtocolVersion.TLS1_0));

      assertThat(result.protocol()).isEqualTo("dtls");
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.DTLS1_0);
      assertThat(result.heartbeat()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);
      assertThat(result.certificate()).isNotNull();
      if (mode == LabMode.VULNERABLE) {
        assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
        assertThat(result.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
      } else {
        assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
        assertThat(result.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix");
        assertThat(result.bytesLeaked()).isZero();
      }
      assertThat(result.evidence()).anyMatch(e -> e.startsWith("HelloVerifyRequest DTLSv1.0 with a 20-byte cookie"));
    }
  }

  @ParameterizedTest(name = "{0} lab speaking DTLS 1.2")
  @EnumSource(LabMode.class)
  void dtls12VerdictFollowsTheLabsMode(LabMode mode) throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(mode).withMaxVersion(ProtocolVersion.DTLS1_2))) {
      ScanResult result = scan(lab, only(ProtocolVersion.TLS1_2));

      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.DTLS1_2);
      assertThat(result.verdict()).as(result.reason())
          .isEqualTo(mode == LabMode.VULNERABLE ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE);
    }
  }

  @Test
  void a101fServerAnswersADtls12HelloWithDtls10AndIsStillFound() throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.VULNERABLE))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.DTLS1_0);
    }
  }

  @Test
  void aCertificateFragmentedOverManyDatagramsIsReassembled() throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.VULNERABLE).withMtu(200))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.certificate().subject()).contains("heartguard-lab.invalid");
    }
  }

  @ParameterizedTest(name = "{0} lab, first ClientHellos lost")
  @EnumSource(LabMode.class)
  void lostClientHellosAreRetransmitted(LabMode mode) throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(mode).withDropped(2, 0))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).as(result.reason())
          .isEqualTo(mode == LabMode.VULNERABLE ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE);
    }
  }

  @Test
  void lostHelloVerifyRequestsAreRecoveredByRetransmittingTheHello() throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.VULNERABLE).withDropped(0, 2))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      // Hellos 1 and 2 got HelloVerifyRequests that were lost, hello 3 got one, hello 4 carried the cookie.
      assertThat(result.evidence()).contains("flight complete after 4 ClientHellos, 1 of them answered by a"
          + " HelloVerifyRequest; the rest were lost or their answers were");
    }
  }

  @Test
  void aFlightWithLostDatagramsIsCompletedFromItsRetransmission() throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.VULNERABLE).withMtu(400).withDroppedFlightDatagrams(2))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.evidence()).contains("flight complete after 3 ClientHellos, 1 of them answered by a"
          + " HelloVerifyRequest; the rest were lost or their answers were");
    }
  }

  @Test
  void anIpv6LoopbackTargetIsCheckedOverUdp6() throws Exception {
    java.net.InetSocketAddress v6 = new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0);
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.PATCHED).withListen(v6))) {
      ScanResult result = check.check(ScanTarget.parse("[::1]:" + lab.address().getPort()), OPTIONS);

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.address()).isEqualTo("0:0:0:0:0:0:0:1");
    }
  }

  @Test
  void theLabLogsOneLinePerHeartbeatWithoutLeakedBytes() throws Exception {
    try (LabDtlsServer lab = start(LabDtlsOptions.of(LabMode.VULNERABLE))) {
      ScanResult result = scan(lab, OPTIONS);
      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
    }
    List<String> lines = log().lines().filter(l -> l.contains("\"event\":\"heartbeat\"")).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(1);
    assertThat(lines.getFirst()).contains("\"payload_length\":" + HeartbeatOracle.declaredProbeLength())
        .contains("\"bytes_overread\":" + HeartbeatOracle.OVERREAD_BYTES).contains("\"outcome\":\"answered\"");
  }
}
