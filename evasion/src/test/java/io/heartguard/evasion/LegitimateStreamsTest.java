package io.heartguard.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.guard.Action;
import io.heartguard.guard.Endpoint;
import io.heartguard.testkit.ExternalProcess;
import io.heartguard.guard.GuardServer;
import io.heartguard.guard.GuardedLoopback;
import io.heartguard.guard.Policy;
import io.heartguard.testkit.RealOpenSsl;
import io.heartguard.testkit.RealOpenSslServers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Legitimate streams the guard must pass unharmed, under its default policy, in front of a real 1.0.1f
 * {@code s_server -www}: a full handshake and page for 1.0.1f's own {@code s_client}, for curl, and for an old-style
 * SSLv2-compatible ClientHello (s_client offering SSLv2 ciphers), with no alert that blocked anything.
 */
class LegitimateStreamsTest {
  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.vulnerableOnly();

  private static GuardedLoopback guard() {
    return guard(Policy.DEFAULT);
  }

  private static GuardedLoopback guard(Set<Policy> policies) {
    return new GuardedLoopback(Endpoint.of(openssl.vulnerable().address()), policies, Action.RESET,
        GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)));
  }

  /** 1.0.1f's s_client through the guard on {@code port}: "GET / HTTP/1.0" and what it printed. */
  private static String sClient(int port, String... options) throws Exception {
    List<String> arguments = new java.util.ArrayList<>(List.of("-quiet"));
    arguments.addAll(List.of(options));
    return openssl.vulnerable().fetchPage("127.0.0.1", port, arguments.toArray(String[]::new));
  }

  @Test
  void openssl101fClientGetsItsPageThroughTheGuard() throws Exception {
    try (GuardedLoopback guard = guard()) {
      String page = sClient(guard.address().getPort());

      assertThat(page).contains("HTTP/1.0 200 ok", "Ciphers supported in s_server binary", "Protocol  : TLSv1.2");
      assertThat(guard.alerts).isEmpty();
    }
  }

  @Test
  void curlGetsItsPageThroughTheGuard() throws Exception {
    try (GuardedLoopback guard = guard()) {
      String output = ExternalProcess.run(List.of("curl", "-sSk", "--max-time", "20", "-w", "\n%{http_code}",
          "https://127.0.0.1:" + guard.address().getPort() + "/"), 30);

      assertThat(output).contains("Ciphers supported in s_server binary").endsWith("\n200");
      assertThat(guard.alerts).isEmpty();
    }
  }

  /** With SSLv2 ciphers in its list and no extension it must send, 1.0.1's s_client sends an SSLv2 hello. */
  @Test
  void sslv2CompatibleHelloFromOpenssl101fClientGetsItsPageThroughTheGuard() throws Exception {
    byte[] firstBytes = firstBytesOf("-cipher", "ALL:SSLv2");
    // 2-byte SSLv2 header (top bit set), msg_type 1 (client_hello), version 3.3
    assertThat(firstBytes[0] & 0x80).isEqualTo(0x80);
    assertThat(firstBytes[2]).isEqualTo((byte) 1);
    assertThat(new byte[] {firstBytes[3], firstBytes[4]}).containsExactly(3, 3);

    try (GuardedLoopback guard = guard()) {
      String page = sClient(guard.address().getPort(), "-cipher", "ALL:SSLv2");

      assertThat(page).contains("HTTP/1.0 200 ok", "Ciphers supported in s_server binary");
      assertThat(guard.alerts).isEmpty();
    }
  }

  /**
   * Real encrypted heartbeats after a real handshake: 1.0.1f's s_client sends one per "B" line typed (its
   * {@code SSL_heartbeat}), and with {@code -msg} prints each heartbeat message it sends and receives. Every answer
   * must come back through the guard, with no alert that blocked anything. The precise policies are named rather
   * than the default: {@code restrict} (which the default may become) drops every heartbeat by design.
   */
  @Test
  void encryptedHeartbeatsFromOpenssl101fClientAreAnsweredThroughTheGuard() throws Exception {
    try (GuardedLoopback guard = guard(EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK))) {
      ProcessBuilder builder = new ProcessBuilder(RealOpenSsl.Release.V1_0_1F.binary().toString(), "s_client",
          "-connect", "127.0.0.1:" + guard.address().getPort(), "-msg").redirectErrorStream(true);
      builder.environment().put("OPENSSL_CONF", "/dev/null");
      Process client = builder.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(client.getInputStream(),
          StandardCharsets.ISO_8859_1)).lines().forEach(lines::add));
      try (OutputStream typed = client.getOutputStream()) {
        awaitLine(lines, "Verify return code"); // the session summary printed once the handshake is done
        for (int i = 0; i < 3; i++) {
          typed.write("B\n".getBytes(StandardCharsets.US_ASCII));
          typed.flush();
          // ">>> TLS 1.2  [length 0025], HeartbeatRequest", then "<<< TLS 1.2  [length 0025], HeartbeatResponse"
          awaitLine(lines, "], HeartbeatResponse");
        }
        typed.write("Q\n".getBytes(StandardCharsets.US_ASCII));
      } finally {
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
        reader.join(Duration.ofSeconds(10));
      }

      assertThat(guard.alerts).extracting(Alert::recordAction).allMatch(v -> v == RecordAction.FORWARD);
    }
  }

  private static void awaitLine(BlockingQueue<String> lines, String part) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("s_client printed no line containing \"" + part + "\" within 10 s");
      }
      if (line.contains(part)) {
        return;
      }
    }
  }

  /** The first five bytes 1.0.1f's s_client sends with {@code options}, caught by a plain listening socket. */
  private static byte[] firstBytesOf(String... options) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<String> command = new java.util.ArrayList<>(List.of(RealOpenSsl.Release.V1_0_1F.binary().toString(),
          "s_client", "-connect", "127.0.0.1:" + listener.getLocalPort()));
      command.addAll(List.of(options));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().put("OPENSSL_CONF", "/dev/null");
      Process client = builder.start();
      try (Socket s = listener.accept()) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        return in.readNBytes(5);
      } finally {
        client.getOutputStream().close();
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
