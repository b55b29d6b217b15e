package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabClient;
import io.heartguard.lab.LabMode;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.Verdict;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** client-test against the lab's emulated clients and the real clients on this machine. */
class ClientTestServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static ClientTestServer start(BlockingQueue<ClientReport> reports) throws Exception {
    return ClientTestServer.start(ClientTestOptions.defaults().withTimeout(TIMEOUT).withSeed(42), reports::add);
  }

  private static ClientReport next(BlockingQueue<ClientReport> reports) throws InterruptedException {
    ClientReport report = reports.poll(15, TimeUnit.SECONDS);
    assertThat(report).as("a report within 15 s").isNotNull();
    return report;
  }

  @Test
  void aVulnerableLabClientReturnsSixteenBytesFromPastTheRequest() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = start(reports)) {
      LabClient.Outcome outcome = LabClient.of(LabMode.VULNERABLE, "client.example", TIMEOUT, OutputStream.nullOutputStream())
          .connect(server.address());
      ClientReport report = next(reports);
      assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(report.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
      assertThat(report.reason()).isEqualTo("returned 16 bytes of memory from past the heartbeat request (CVE-2014-0160)");
      assertThat(report.heartbeatOffered()).isTrue();
      assertThat(report.serverName()).isEqualTo("client.example");
      assertThat(report.versions()).containsExactly("TLSv1.2");
      assertThat(report.cipherSuites()).contains("0x002f", "0x0035");
      assertThat(report.ja3()).startsWith("771,").contains(",0-11-10-35-13-15,");
      // The lab client answered the probe (and the control) before the Certificate reached it.
      assertThat(outcome.heartbeatsAnswered()).isGreaterThanOrEqualTo(1);
      assertThat(outcome.bytesOverread()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
    }
  }

  @Test
  void aPatchedLabClientAnswersOnlyTheControl() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = start(reports)) {
      LabClient.of(LabMode.PATCHED, null, TIMEOUT, OutputStream.nullOutputStream()).connect(server.address());
      ClientReport report = next(reports);
      assertThat(report.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(report.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix");
      assertThat(report.bytesLeaked()).isZero();
      assertThat(report.serverName()).isNull();
    }
  }

  @Test
  void afterHandshakeAClientThatEndsTheHandshakeWithAnAlertIsInconclusiveAndNeverProbed() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = ClientTestServer.start(ClientTestOptions.defaults().withTimeout(TIMEOUT).withSeed(42)
        .withAfterHandshake(true), reports::add)) {
      LabClient.Outcome outcome = LabClient.of(LabMode.VULNERABLE, null, TIMEOUT, OutputStream.nullOutputStream())
          .connect(server.address());
      ClientReport report = next(reports);
      assertThat(report.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(report.reason()).isEqualTo("client sent alert fatal handshake_failure(40) during the handshake");
      // The lab client stops at ServerHelloDone: no heartbeat request reached it before the handshake.
      assertThat(outcome.heartbeatsAnswered()).isZero();
    }
  }

  @Test
  void curlOffersNoHeartbeat() throws Exception {
    assertNoHeartbeat(port -> List.of("curl", "-k", "-s", "-o", "/dev/null", "--max-time", "5",
        "https://127.0.0.1:" + port + "/"));
  }

  @Test
  void wgetOffersNoHeartbeat() throws Exception {
    assertNoHeartbeat(port -> List.of("wget", "--no-check-certificate", "-q", "-O", "/dev/null", "--timeout=5",
        "--tries=1", "https://127.0.0.1:" + port + "/"));
  }

  @Test
  void opensslSClientOffersNoHeartbeat() throws Exception {
    assertNoHeartbeat(port -> List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
        "s-client.example"));
  }

  @Test
  void javasHttpClientOffersNoHeartbeat() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = start(reports);
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.address().getPort() + "/"))
          .timeout(TIMEOUT).build();
      try {
        client.send(request, HttpResponse.BodyHandlers.discarding());
      } catch (java.io.IOException expected) {
        // the handshake fails after our flight (or on our plain-RSA-only cipher list): the verdict is decided before
      }
      ClientReport report = next(reports);
      assertThat(report.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(report.reason()).isEqualTo("client negotiated no heartbeat");
      assertThat(report.versions()).contains("TLSv1.3");
      assertThat(report.serverName()).isEqualTo("localhost");
    }
  }

  interface Command {
    List<String> forPort(int port);
  }

  private static void assertNoHeartbeat(Command command) throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = start(reports)) {
      Process process = new ProcessBuilder(command.forPort(server.address().getPort()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.PIPE).start();
      process.getOutputStream().close(); // s_client ends at end of input
      try {
        ClientReport report = next(reports);
        assertThat(report.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
        assertThat(report.reason()).isEqualTo("client negotiated no heartbeat");
        assertThat(report.heartbeatOffered()).isFalse();
        assertThat(report.ja3Md5()).hasSize(32);
      } finally {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  @Test
  void aClientThatLeavesBeforeItsHelloIsInconclusive() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = start(reports)) {
      new java.net.Socket(server.address().getAddress(), server.address().getPort()).close();
      ClientReport report = next(reports);
      assertThat(report.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(report.reason()).isEqualTo("client closed before a complete ClientHello");
      assertThat(report.exitCode()).isEqualTo(3);
    }
  }

  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }
}
