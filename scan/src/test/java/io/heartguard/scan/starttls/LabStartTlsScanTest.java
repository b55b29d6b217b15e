package io.heartguard.scan.starttls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabMode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scanner against {@code heartguard lab --starttls P} for each of its thirteen dialogs: the lab speaks the
 * protocol's plaintext greeting and STARTTLS exchange, then the same OpenSSL 1.0.1f or 1.0.1g as without it, so the
 * dialog must carry the verdict through unchanged: VULNERABLE with the overread as evidence, or NOT_VULNERABLE by the
 * 1.0.1g fix.
 */
class LabStartTlsScanTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(5));
  private final HeartbleedCheck check = new HeartbleedCheck();

  static Stream<Arguments> protocolsAndModes() {
    return Stream.of(StartTls.values())
        .flatMap(p -> Stream.of(Arguments.of(p, LabMode.VULNERABLE), Arguments.of(p, LabMode.PATCHED)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("protocolsAndModes")
  void theVerdictThroughTheLabsDialogIsTheLabsOwn(StartTls protocol, LabMode mode) throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.of(mode).withStartTls(protocol.protocolName()).withoutLog())) {
      ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + lab.address().getPort()),
          OPTIONS.withStartTls(StartTlsMode.of(protocol)));

      assertThat(result.protocol()).isEqualTo(protocol.protocolName());
      assertThat(result.evidence().getFirst()).startsWith(protocol.protocolName() + " STARTTLS accepted: ");
      if (mode == LabMode.VULNERABLE) {
        assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
        assertThat(result.reason()).isEqualTo("returned 16 bytes of memory from past the heartbeat request (CVE-2014-0160)");
        assertThat(result.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
      } else {
        assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
        assertThat(result.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix");
        assertThat(result.bytesLeaked()).isZero();
      }
    }
  }

  /**
   * {@code --starttls auto} on each protocol's usual port. The port must be free on 127.0.0.1 (and below 1024 the
   * test must run as root); where it is not, the case is skipped and says so.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(StartTls.class)
  void autoPicksTheLabsDialogByItsWellKnownPort(StartTls protocol) throws Exception {
    int port = protocol.defaultPort();
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    Assumptions.assumeTrue(bindable(address), "127.0.0.1:" + port + " cannot be bound here (in use, or not root)");
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withListen(address)
        .withStartTls(protocol.protocolName()).withoutLog())) {
      ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + port), OPTIONS.withStartTls(StartTlsMode.AUTO));

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.protocol()).isEqualTo(StartTls.forPort(port).orElseThrow().protocolName());
    }
  }

  private static boolean bindable(InetSocketAddress address) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
