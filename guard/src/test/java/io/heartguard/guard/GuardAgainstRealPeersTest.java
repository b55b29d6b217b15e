package io.heartguard.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.targets.ScanTarget;
import io.heartguard.testkit.ExternalProcess;
import io.heartguard.testkit.LoopbackPorts;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard between real peers on 127.0.0.1: nmap's ssl-heartbleed, testssl -H and heartguard scan against the
 * emulated 1.0.1f lab server,
 * curl against openssl s_server, and an encrypted leak from a server built for the purpose.
 */
class GuardAgainstRealPeersTest {

  @Test
  void nmapFindsTheLabServerVulnerableDirectlyButNotThroughTheGuard() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog());
        GuardedLoopback guard = new GuardedLoopback(Endpoint.of(lab.address()))) {
      String direct = nmapHeartbleed(lab.address().getPort());
      String guarded = nmapHeartbleed(guard.address().getPort());

      assertThat(direct).contains("ssl-heartbleed", "VULNERABLE");
      assertThat(guarded).doesNotContain("VULNERABLE").contains("Nmap done: 1 IP address (1 host up)");
      assertThat(guard.alerts).isNotEmpty().allSatisfy(a -> {
        assertThat(a.rule().id()).isIn("heartbleed_request_overflow", "heartbleed_request_short_padding");
        assertThat(a.recordAction()).isEqualTo(RecordAction.RESET);
      });
      // The alert as it is logged: the engine's EVE line, marked blocked.
      assertThat(GuardAlertLinesTest.eveLines(List.of(guard.alerts.getFirst()))).contains("\"action\":\"blocked\"",
          "\"rule\":\"" + guard.alerts.getFirst().rule().id() + "\"", "\"guard\":{\"verdict\":\"reset\"}");
    }
  }

  @Test
  void testsslFindsTheLabServerVulnerableDirectlyButNotThroughTheGuard() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog());
        GuardedLoopback guard = new GuardedLoopback(Endpoint.of(lab.address()))) {
      String direct = testsslHeartbleed(lab.address().getPort());
      String guarded = testsslHeartbleed(guard.address().getPort());

      assertThat(direct).containsPattern("Heartbleed \\(CVE-2014-0160\\)\\s+VULNERABLE \\(NOT ok\\)");
      assertThat(guarded).contains("Heartbleed (CVE-2014-0160)").doesNotContain("VULNERABLE (NOT ok)");
      assertThat(guard.alerts).isNotEmpty()
          .allSatisfy(a -> assertThat(a.rule().id()).isEqualTo("heartbleed_request_overflow"));
    }
  }

  @Test
  void heartguardScanFindsTheLabServerVulnerableDirectlyButNoLeakThroughTheGuard() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog());
        GuardedLoopback guard = new GuardedLoopback(Endpoint.of(lab.address()))) {
      HeartbleedCheck check = new HeartbleedCheck();
      ScanResult direct = check.check(ScanTarget.parse("127.0.0.1:" + lab.address().getPort()), ScanOptions.defaults());
      ScanResult guarded = check.check(ScanTarget.parse("127.0.0.1:" + guard.address().getPort()), ScanOptions.defaults());

      assertThat(direct.verdict()).isEqualTo(io.heartguard.scan.Verdict.VULNERABLE);
      // The guard resets the connection on the malformed request: no byte of memory comes back, and the scanner
      // says honestly that it could not tell, rather than calling a still-vulnerable server fixed.
      assertThat(guarded.verdict()).isEqualTo(io.heartguard.scan.Verdict.INCONCLUSIVE);
      assertThat(guarded.bytesLeaked()).isZero();
      assertThat(guarded.reason()).contains("reset");
      assertThat(guard.alerts).extracting((Alert a) -> a.rule().id()).containsOnly("heartbleed_request_overflow");
    }
  }

  @Test
  void curlGetsTheSameBytesFromOpensslServerThroughTheGuard(@TempDir Path dir) throws Exception {
    ExternalProcess.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "1"), 60);
    byte[] page = new byte[300_000];
    new Random(20140407).nextBytes(page);
    Files.write(dir.resolve("page.bin"), page);
    int port = freePort();
    Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-WWW", "-quiet",
        "-key", "k.pem", "-cert", "c.pem").directory(dir.toFile()).redirectErrorStream(true).start();
    try (GuardedLoopback guard = new GuardedLoopback(new Endpoint("127.0.0.1", port))) {
      awaitListening(port);
      Path viaGuard = dir.resolve("via-guard.bin");
      Path direct = dir.resolve("direct.bin");

      curl("https://127.0.0.1:" + port + "/page.bin", direct);
      curl("https://127.0.0.1:" + guard.address().getPort() + "/page.bin", viaGuard);

      assertThat(Files.readAllBytes(direct)).isEqualTo(page);
      assertThat(Files.readAllBytes(viaGuard)).isEqualTo(page);
      assertThat(guard.alerts).isEmpty();
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void encryptedLeakIsCutBeforeOneByteOfItReachesTheClient() throws Exception {
    // A server past its handshake that answers every heartbeat record with 16 KiB: the shape of an encrypted
    // Heartbleed response. Its records are built here; the guard never decrypts, so their contents do not matter.
    Upstream.Behaviour bleeding = s -> {
      DataInputStream in = new DataInputStream(s.getInputStream());
      var out = s.getOutputStream();
      try {
        while (true) {
          int type = in.readUnsignedByte();
          in.readUnsignedShort();
          byte[] body = new byte[in.readUnsignedShort()];
          in.readFully(body);
          byte[] answer = switch (type) {
            case 22 -> TlsBytes.HANDSHAKE;
            case 20 -> TlsBytes.CHANGE_CIPHER_SPEC;
            case 23 -> TlsBytes.record(23, body);
            case 24 -> TlsBytes.opaqueRecord(24, 16384, 0x5a);
            default -> throw new AssertionError("unexpected record type " + type);
          };
          out.write(answer);
        }
      } catch (java.io.EOFException | SocketException guardCutUs) {
        // the guard reset both connections
      }
    };
    // block-leak, not the default restrict, which would drop the request before the server could answer it.
    try (Upstream upstream = new Upstream(bleeding);
        GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(), java.util.EnumSet.of(Policy.BLOCK_LEAK),
            Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(java.time.Duration.ofSeconds(1)));
        Socket client = guard.connect()) {
      var out = client.getOutputStream();
      DataInputStream in = new DataInputStream(client.getInputStream());
      // The client's flight, then application data; the server answers each handshake record with one of its own.
      byte[] hello = TlsBytes.concat(TlsBytes.CLIENT_HELLO, TlsBytes.CHANGE_CIPHER_SPEC, TlsBytes.FINISHED,
          TlsBytes.APPLICATION_DATA);
      byte[] expected = TlsBytes.concat(TlsBytes.HANDSHAKE, TlsBytes.CHANGE_CIPHER_SPEC, TlsBytes.HANDSHAKE,
          TlsBytes.APPLICATION_DATA);
      out.write(hello);
      byte[] answers = new byte[expected.length];
      in.readFully(answers);
      assertThat(answers).isEqualTo(expected);

      out.write(TlsBytes.opaqueRecord(24, 64, 0x11)); // an encrypted heartbeat request of 64 bytes

      assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
      assertThat(guard.alerts).filteredOn(a -> a.recordAction() != RecordAction.FORWARD)
          .extracting((Alert a) -> a.rule().id()).containsExactly("heartbleed_encrypted_response_leak");
    }
  }

  private static String nmapHeartbleed(int port) throws Exception {
    return ExternalProcess.run(List.of("nmap", "-Pn", "-n", "-p", String.valueOf(port), "--script", "ssl-heartbleed",
        "127.0.0.1"), 120);
  }

  private static String testsslHeartbleed(int port) throws Exception {
    return ExternalProcess.run(List.of("testssl", "-H", "--quiet", "--color", "0", "--warnings", "batch", "--nodns",
        "min", "--ip", "one", "127.0.0.1:" + port), 300);
  }

  private static void curl(String url, Path output) throws Exception {
    String result = ExternalProcess.run(List.of("curl", "-sSk", "--max-time", "30", "-o", output.toString(),
        "-w", "%{http_code}", url), 60);
    assertThat(result).as("curl %s", url).isEqualTo("200");
  }

  static int freePort() throws Exception {
    return LoopbackPorts.free(1)[0];
  }

  /** Connects until s_server listens; it prints nothing reliable to wait for under -quiet. */
  private static void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (java.net.ConnectException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("openssl s_server did not listen on " + port + " within 20 s");
        }
        Thread.onSpinWait();
      }
    }
  }
}
