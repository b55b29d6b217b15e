package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scanner against {@code heartguard lab}, the emulated OpenSSL 1.0.1f / 1.0.1g server of the lab module. */
class LabEndToEndTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(5));
  private final HeartbleedCheck check = new HeartbleedCheck();

  private ScanResult scan(LabServer lab, ScanOptions options) {
    InetSocketAddress address = lab.address();
    String host = address.getAddress().getHostAddress();
    String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    return check.check(ScanTarget.parse(target), options);
  }

  static List<ProtocolVersion> versions() {
    return ScanOptions.ALL_VERSIONS;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void theVulnerableLabIsVulnerableOverEveryVersion(ProtocolVersion version) throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      ScanResult result = scan(lab, OPTIONS.withVersions(List.of(version)));

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.tlsVersion()).isEqualTo(version);
      assertThat(result.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void thePatchedLabIsNotVulnerableOverEveryVersion(ProtocolVersion version) throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.patched().withoutLog())) {
      ScanResult result = scan(lab, OPTIONS.withVersions(List.of(version)));

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix");
      assertThat(result.tlsVersion()).isEqualTo(version);
    }
  }

  @Test
  void theDefaultVersionOrderSettlesOnTls12() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.TLS1_2);
      assertThat(result.certificate()).isNotNull();
    }
  }

  @Test
  void aLargeChainSpanningRecordsIsReadWholeInBothModes() throws Exception {
    for (LabOptions options : List.of(LabOptions.vulnerable(), LabOptions.patched())) {
      try (LabServer lab = LabServer.start(options.withoutLog().withChainPaddingCerts(30))) {
        ScanResult result = scan(lab, OPTIONS);

        assertThat(result.verdict()).as(result.reason())
            .isEqualTo(options.mode() == io.heartguard.lab.LabMode.VULNERABLE ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE);
        assertThat(lab.identity().chain().stream().mapToInt(c -> c.size()).sum()).isGreaterThan(16 * 1024);
      }
    }
  }

  @Test
  void ipv6LoopbackReachesTheLab() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    org.junit.jupiter.api.Assumptions.assumeTrue(HeartbleedCheckTest.canBind(v6), "no IPv6 loopback on this host");
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog().withListen(new InetSocketAddress(v6, 0)))) {
      ScanResult result = scan(lab, OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.target().host()).isEqualTo("::1"); // RFC 5952 text, as the address grammar writes it
    }
  }

  @Test
  void aDumpFindsThePlantedSecretsAndKeyWithoutPuttingThemInTheResult() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    LeakDump dump = (target, leaked, offset, length) -> file.write(leaked, offset, length);
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      ScanResult result = scan(lab, OPTIONS.withDump(dump, 4));

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      // Four answers of payload_length 16365 (2^14 - 3 - 16), each starting with our 16-byte payload and 16 of padding.
      assertThat(result.dump().responses()).isEqualTo(4);
      assertThat(result.dump().bytes()).isEqualTo(file.size()).isEqualTo(4L * (16365 - 32));
      String leaked = file.toString(StandardCharsets.ISO_8859_1);
      assertThat(lab.plantedSecrets()).anySatisfy(secret -> assertThat(leaked).contains(secret));
      for (String secret : lab.plantedSecrets()) {
        assertThat(result.toString()).doesNotContain(secret);
      }
      // The summary says whether a key header was seen; the planted key is in the leak or the summary is wrong.
      assertThat(result.dump().privateKeyHeaderSeen()).isEqualTo(leaked.contains("PRIVATE KEY-----"));
    }
  }
}
