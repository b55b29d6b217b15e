package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.record.ProtocolVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The versions are tried newest first, one closed connection after another, until the server speaks one. */
class VersionFallbackTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(3));
  private final HeartbleedCheck check = new HeartbleedCheck();

  @Test
  void eachOlderVersionIsTriedAfterAProtocolVersionAlert() throws Exception {
    for (ProtocolVersion max : ScanOptions.ALL_VERSIONS) {
      try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.VULNERABLE)
          .withMaxVersion(max, Alert.PROTOCOL_VERSION))) {
        ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

        assertThat(result.verdict()).as(max.toString()).isEqualTo(Verdict.VULNERABLE);
        assertThat(result.tlsVersion()).isEqualTo(max);
        assertThat(server.offeredVersions()).last().isEqualTo(max);
        assertThat(server.connections()).isEqualTo(ScanOptions.ALL_VERSIONS.indexOf(max) + 1);
      }
    }
  }

  @Test
  void aHangUpOnTheHelloAlsoMovesToTheNextVersion() throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED).withMaxVersion(ProtocolVersion.TLS1_0, -1))) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(server.offeredVersions()).containsExactly(ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_0);
      assertThat(result.evidence()).startsWith("TLSv1.2: server closed the connection", "TLSv1.1: server closed the connection");
    }
  }

  @Test
  void aServerRefusingEveryVersionIsInconclusiveNamingTheRange() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.REFUSE_ALL_VERSIONS)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).isEqualTo("no version from TLSv1.2 down to SSLv3 accepted:"
          + " alert fatal handshake_failure(40) in answer to the SSLv3 ClientHello");
      assertThat(server.connections()).isEqualTo(4);
    }
  }

  @Test
  void aForcedVersionIsTheOnlyOneOffered() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.PATCHED)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS.withVersions(List.of(ProtocolVersion.TLS1_1)));

      assertThat(result.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.TLS1_1);
      assertThat(server.offeredVersions()).containsExactly(ProtocolVersion.TLS1_1);
    }
  }

  @Test
  void aForcedVersionTheServerRefusesIsInconclusiveWithTheAlert() throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED)
        .withMaxVersion(ProtocolVersion.TLS1_0, Alert.PROTOCOL_VERSION))) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS.withVersions(List.of(ProtocolVersion.TLS1_2)));

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).isEqualTo("alert fatal protocol_version(70) in answer to the TLSv1.2 ClientHello");
    }
  }
}
