package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.targets.ScanTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every misbehaviour ends INCONCLUSIVE, with a reason naming what was seen, within the timeout: no hang, no
 * exception, no unbounded buffering.
 */
class HostileServerTest {
  /** Short, so the three tests that must wait it out stay fast. */
  private static final Duration TIMEOUT = Duration.ofMillis(700);
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(TIMEOUT);
  private final HeartbleedCheck check = new HeartbleedCheck();

  private ScanResult scan(ServerPolicy policy) throws Exception {
    try (FakeServer server = FakeServer.start(policy)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);
      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.elapsedMillis()).isLessThan(TIMEOUT.toMillis() + 500);
      return result;
    }
  }

  @Test
  void garbageInsteadOfTlsIsReportedWithTheFirstBytes() throws Exception {
    assertThat(scan(ServerPolicy.GARBAGE).reason())
        // 48 54 54 50 2f 31 2e 31 20 34 30 30 20 42 61 64 = "HTTP/1.1 400 Bad": 'H' (72) is no content type.
        .isEqualTo("not TLS: content type 72 is not one of 20..24 (first bytes 485454502f312e312034303020426164 \"HTTP/1.1 400 Bad\")");
  }

  @Test
  void aRecordLongerThanTlsAllowsIsRefusedBeforeItsBodyIsRead() throws Exception {
    assertThat(scan(ServerPolicy.HUGE_RECORD_LENGTH).reason())
        .startsWith("not TLS: record length 65535 exceeds the maximum of 2^14 + 2048 = 18432");
  }

  @Test
  void aHandshakeMessageClaimingMegabytesIsRefusedAtItsHeader() throws Exception {
    assertThat(scan(ServerPolicy.HUGE_HANDSHAKE_LENGTH).reason())
        .isEqualTo("handshake message of type 11 claims 16777215 bytes, more than the 262144 accepted");
  }

  @Test
  void endlessDataStopsAtTheFlightByteLimit() throws Exception {
    assertThat(scan(ServerPolicy.ENDLESS_DATA).reason())
        .isEqualTo("server flight longer than 1048576 bytes without a ServerHelloDone");
  }

  @Test
  void anEndlessStreamOfHandshakeRecordsStopsAtTheMessageLimit() throws Exception {
    assertThat(scan(ServerPolicy.ENDLESS_HANDSHAKE_RECORDS).reason())
        .isEqualTo("more than 32 handshake messages without a ServerHelloDone");
  }

  @Test
  void aSlowDripEndsAtTheDeadline() throws Exception {
    assertThat(scan(ServerPolicy.SLOW_DRIP).reason()).startsWith("timed out in the middle of a record");
  }

  @Test
  void silenceAfterTheHelloEndsAtTheDeadline() throws Exception {
    assertThat(scan(ServerPolicy.NO_RESPONSE).reason()).isEqualTo("timed out waiting for the server");
  }

  @Test
  void closingInTheMiddleOfTheServerHelloIsNotAVersionRefusal() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.EARLY_CLOSE)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).startsWith("server closed the connection in the middle of a record");
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void silenceAfterTheHeartbeatRequestsIsInconclusiveNotSafe() throws Exception {
    assertThat(scan(ServerPolicy.SILENT_AFTER_PROBE).reason())
        .isEqualTo("no answer to either heartbeat request before the deadline (timed out waiting for the server)");
  }

  @Test
  void aCloseAfterTheHeartbeatRequestsIsInconclusive() throws Exception {
    assertThat(scan(ServerPolicy.CLOSE_AFTER_PROBE).reason())
        .isEqualTo("the server closed the connection after the heartbeat requests, answering neither");
  }

  @Test
  void anAlertAfterTheHeartbeatRequestsIsInconclusive() throws Exception {
    assertThat(scan(ServerPolicy.ALERT_AFTER_PROBE).reason())
        .isEqualTo("the server answered the heartbeat requests with alert fatal unexpected_message(10)");
  }

  @Test
  void aResponseEchoingNeitherRequestIsInconclusive() throws Exception {
    assertThat(scan(ServerPolicy.WRONG_ECHO).reason())
        .isEqualTo("a heartbeat response declaring payload_length 4500 in a 4519-byte record echoing neither request");
  }

  @Test
  void aClampedEchoOfTheMalformedRequestIsNeitherVerdict() throws Exception {
    assertThat(scan(ServerPolicy.CLAMPED_ECHO).reason()).isEqualTo("a heartbeat response declaring payload_length 4624"
        + " in a 4643-byte record: the malformed request answered with only the bytes it held; neither the 1.0.1f"
        + " over-read nor the 1.0.1g discard");
  }

  @Test
  void aHangUpOnEveryHelloTriesEveryVersionThenGivesUp() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.DISCONNECT_AT_START)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).isEqualTo("no version from TLSv1.2 down to SSLv3 accepted: server closed the connection");
      assertThat(server.connections()).isEqualTo(4);
    }
  }

  @Test
  void aResetOnEveryHelloTriesEveryVersionThenGivesUp() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.RESET_AT_START)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS);

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      // The reset may come as connect() returns, as the hello goes out, or as the answer is awaited.
      assertThat(result.reason()).startsWith("no version from TLSv1.2 down to SSLv3 accepted: connection ")
          .contains("reset");
      assertThat(server.connections()).isEqualTo(4);
    }
  }

  @Test
  void aRefusedConnectionIsInconclusive() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + port), OPTIONS);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).startsWith("connect failed: Connection refused");
  }
}
