package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts against in-test servers that behave like OpenSSL 1.0.1f, 1.0.1g and a heartbeat-less build. */
class HeartbleedCheckTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(3));
  private final HeartbleedCheck check = new HeartbleedCheck();

  private ScanResult scan(FakeServer server) {
    return check.check(ScanTarget.parse(server.target()), OPTIONS);
  }

  @Test
  void overReadPastTheRecordIsVulnerableAndCountsOnlyTheBytesPastIt() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.VULNERABLE)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.reason()).isEqualTo("returned 16 bytes of memory from past the heartbeat request (CVE-2014-0160)");
      assertThat(result.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.TLS1_2);
      assertThat(result.cipher()).isEqualTo("TLS_RSA_WITH_AES_256_CBC_SHA");
      assertThat(result.heartbeat()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);
      assertThat(result.address()).isEqualTo("127.0.0.1");
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void leakedBytesAppearNowhereInTheResult() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.VULNERABLE)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.toString()).doesNotContain("hunter2", "session=", "alice");
    }
  }

  @Test
  void controlAnsweredAndProbeDiscardedIsNotVulnerableWithoutWaitingForATimeout() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.PATCHED)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), ScanOptions.defaults().withTimeout(Duration.ofSeconds(30)));

      assertThat(result.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix");
      assertThat(result.bytesLeaked()).isZero();
      assertThat(result.elapsedMillis()).isLessThan(2_000);
    }
  }

  @Test
  void noHeartbeatExtensionInTheServerHelloIsNotVulnerable() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.NO_HEARTBEAT)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).isEqualTo("no heartbeat extension negotiated");
      assertThat(result.heartbeat()).isNull();
    }
  }

  @Test
  void certificateFactsComeFromTheLeaf() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.PATCHED)) {
      ScanResult result = scan(server);

      assertThat(result.certificate().subject()).isEqualTo("CN=localhost,O=heartguard test");
      assertThat(result.certificate().issuer()).isEqualTo("CN=localhost,O=heartguard test");
      assertThat(result.certificate().notBefore()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
      assertThat(result.certificate().notAfter()).isEqualTo(Instant.parse("2040-01-01T00:00:00Z"));
      assertThat(result.certificate().issuedAfterDisclosure()).isTrue();
      assertThat(result.warnings()).isEmpty();
    }
  }

  @Test
  void aCertificateFromBeforeTheDisclosureIsWarnedAbout() throws Exception {
    Bytes old = TestCertificates.selfSigned("old.example", Instant.parse("2013-06-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED).withChain(List.of(old), Integer.MAX_VALUE))) {
      ScanResult result = scan(server);

      assertThat(result.certificate().issuedAfterDisclosure()).isFalse();
      assertThat(result.warnings()).singleElement().asString().startsWith("certificate issued 2013-06-01T00:00:00Z, before the disclosure");
    }
  }

  @Test
  void aChainOver16KilobytesSplitAcrossRecordsAndSegmentsIsReadWholeBeforeProbing() throws Exception {
    List<Bytes> chain = new ArrayList<>();
    chain.add(FakeServer.defaultCertificate());
    for (int i = 0; i < 5; i++) {
      chain.add(Bytes.repeat(0x30 + i, 8000)); // padding certificates: the scanner parses only the leaf
    }
    for (ServerPolicy policy : List.of(ServerPolicy.VULNERABLE, ServerPolicy.PATCHED)) {
      try (FakeServer server = FakeServer.start(FakeServer.Config.of(policy).withChain(chain, 1000))) {
        ScanResult result = scan(server);

        assertThat(result.verdict()).as(policy.name())
            .isEqualTo(policy == ServerPolicy.VULNERABLE ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE);
        assertThat(result.certificate().subject()).startsWith("CN=localhost");
      }
    }
  }

  @Test
  void aWarningAlertBeforeTheServerHelloIsNotARefusal() throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED).withWarningBeforeHello())) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void aNameIsSentAsServerNameIndicationAndAnAddressIsNot() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.PATCHED)) {
      check.check(new ScanTarget("localhost", "localhost", server.address().getPort()), OPTIONS);
      check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(server.serverNames()).containsExactly("localhost");
    }
  }

  @Test
  void ipv6LoopbackWorksLikeIpv4() throws Exception {
    java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
    org.junit.jupiter.api.Assumptions.assumeTrue(canBind(v6), "no IPv6 loopback on this host");
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.VULNERABLE).boundTo(v6))) {
      ScanResult result = scan(server);

      assertThat(server.target()).startsWith("[");
      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.address()).isIn("0:0:0:0:0:0:0:1", "::1");
    }
  }

  static boolean canBind(java.net.InetAddress address) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, address)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
