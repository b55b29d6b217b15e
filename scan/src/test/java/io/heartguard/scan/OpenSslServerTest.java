package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.targets.ScanTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real {@code openssl s_server} from the distribution (OpenSSL 3: no heartbeat support since 1.1.0), which
 * answers a 2014-style ClientHello without the heartbeat extension. CI installs openssl, so no assumption guards it.
 */
class OpenSslServerTest {
  @Test
  void aModernOpenSslServerNegotiatesNoHeartbeatAndIsNotVulnerable(@TempDir Path dir) throws Exception {
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=localhost", "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(),
        "-days", "1");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port,
        "-cert", dir.resolve("c.pem").toString(), "-key", dir.resolve("k.pem").toString())
        .redirectErrorStream(true).start();
    try {
      awaitAccept(server);
      ScanResult result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + port),
          ScanOptions.defaults().withTimeout(Duration.ofSeconds(5)));

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).isEqualTo("no heartbeat extension negotiated");
      assertThat(result.heartbeat()).isNull();
      assertThat(result.tlsVersion()).hasToString("TLSv1.2");
      assertThat(result.certificate().subject()).isEqualTo("CN=localhost");
      assertThat(result.certificate().issuedAfterDisclosure()).isTrue();
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** s_server prints "ACCEPT" once it listens: waiting for that line is the synchronisation. */
  private static void awaitAccept(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals("ACCEPT")) {
        return;
      }
    }
    throw new AssertionError("openssl s_server exited before it listened");
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
  }
}
