package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.targets.ScanTarget;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every INCONCLUSIVE result names its failure kind, set where the result is made, and the kind alone says whether
 * another try is worth it: the check against each misbehaving server on loopback, and the rule per kind.
 */
class FailureKindTest {
  /** Short, so the policies that must wait it out stay fast. */
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofMillis(700));
  private final HeartbleedCheck check = new HeartbleedCheck();

  private ScanResult scan(ServerPolicy policy) throws Exception {
    try (FakeServer server = FakeServer.start(policy)) {
      return check.check(ScanTarget.parse(server.target()), OPTIONS);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "NO_RESPONSE,        TIMEOUT",
      "SLOW_DRIP,          TIMEOUT",
      "EARLY_CLOSE,        CLOSED",
      "DISCONNECT_AT_START, CLOSED",
      "REFUSE_ALL_VERSIONS, ALERT",
      "GARBAGE,            PROTOCOL",
      "HUGE_RECORD_LENGTH, PROTOCOL",
      "ENDLESS_DATA,       LIMIT",
      "SILENT_AFTER_PROBE, TIMEOUT",
      "CLOSE_AFTER_PROBE,  CLOSED",
      "ALERT_AFTER_PROBE,  ALERT",
      "WRONG_ECHO,         PROTOCOL",
      "CLAMPED_ECHO,       PROTOCOL"})
  void aMisbehavingServerGivesAnInconclusiveResultOfItsKind(ServerPolicy policy, Failure expected) throws Exception {
    ScanResult result = scan(policy);

    assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.failure()).as(result.reason()).isEqualTo(expected);
  }

  @Test
  void aResetOnEveryHelloIsAReset() throws Exception {
    ScanResult result = scan(ServerPolicy.RESET_AT_START);

    // The reset may come as connect() returns, as the hello goes out, or as the answer is awaited: RESET each time,
    // unless the kernel reports the last one as a close.
    assertThat(result.failure()).as(result.reason()).isIn(Failure.RESET, Failure.CLOSED);
  }

  @Test
  void aVerdictHasNoFailure() throws Exception {
    assertThat(scan(ServerPolicy.VULNERABLE).failure()).isEqualTo(Failure.NONE);
    assertThat(scan(ServerPolicy.PATCHED).failure()).isEqualTo(Failure.NONE);
    assertThat(scan(ServerPolicy.NO_HEARTBEAT).failure()).isEqualTo(Failure.NONE);
  }

  @Test
  void aRefusedConnectIsRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again at once: nothing listens there now
    }
    ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + port), OPTIONS);

    assertThat(result.reason()).isEqualTo("connect failed: Connection refused");
    assertThat(result.failure()).isEqualTo(Failure.REFUSED);
  }

  @Test
  void onlyTimeoutsResetsClosesAndUnknownFailuresAreWorthRetrying() {
    EnumSet<Failure> retried = EnumSet.noneOf(Failure.class);
    for (Failure f : Failure.values()) {
      if (f.worthRetrying()) {
        retried.add(f);
      }
    }

    assertThat(retried).containsExactlyInAnyOrder(Failure.CONNECT_TIMEOUT, Failure.TIMEOUT, Failure.CLOSED,
        Failure.RESET, Failure.OTHER);
  }

  @Test
  void aConnectErrorIsReadFromTheExceptionsTypeAndOnlyThenFromTheJdksErrnoText() {
    assertThat(ScanFailure.connectFailure(new ConnectException("Connection refused"))).isEqualTo(Failure.REFUSED);
    assertThat(ScanFailure.connectFailure(new SocketTimeoutException("Connect timed out")))
        .isEqualTo(Failure.CONNECT_TIMEOUT);
    assertThat(ScanFailure.connectFailure(new ConnectException("Connection timed out")))
        .isEqualTo(Failure.CONNECT_TIMEOUT);
    assertThat(ScanFailure.connectFailure(new NoRouteToHostException("No route to host")))
        .isEqualTo(Failure.UNREACHABLE);
    assertThat(ScanFailure.connectFailure(new SocketException("Network is unreachable")))
        .isEqualTo(Failure.UNREACHABLE);
    assertThat(ScanFailure.connectFailure(new SocketException("Connection reset by peer"))).isEqualTo(Failure.RESET);
    assertThat(ScanFailure.connectFailure(new BindException("Cannot assign requested address")))
        .isEqualTo(Failure.OTHER);
  }

  @Test
  void aFailureIsNeverReadBackFromItsReason() {
    // The kind is what the failure was made with, whatever its words say.
    assertThat(new ScanFailure(Failure.TIMEOUT, "connect failed: Connection refused").failure())
        .isEqualTo(Failure.TIMEOUT);
  }

  @Test
  void aVerdictWithAFailureOrAnInconclusiveWithoutOneIsRefused() {
    ScanTarget target = new ScanTarget("192.0.2.1:443", "192.0.2.1", 443);

    assertThatThrownBy(() -> withKind(target, Verdict.NOT_VULNERABLE, Failure.TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a NOT_VULNERABLE result has failure kind TIMEOUT, expected NONE");
    assertThatThrownBy(() -> withKind(target, Verdict.INCONCLUSIVE, Failure.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a INCONCLUSIVE result has failure kind NONE, expected one other than NONE");
  }

  private static ScanResult withKind(ScanTarget target, Verdict verdict, Failure failure) {
    return new ScanResult(target, null, null, null, null, verdict, "fake", List.of(), 0, null, null, List.of(), 0,
        ScanResult.PLAIN_TLS, failure);
  }
}
