package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against a real {@code openssl s_server -dtls} from Debian (OpenSSL 3: no heartbeat code since 1.1.0), with and
 * without {@code -listen} (its stateless cookie exchange). It answers our 2014-style hello without the heartbeat
 * extension: NOT_VULNERABLE from the ServerHello alone. CI installs openssl, so no assumption guards it.
 */
class OpenSslDtlsServerTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void certificate() throws Exception {
    Process req = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "1")
        .redirectErrorStream(true).start();
    req.getInputStream().readAllBytes();
    assertThat(req.waitFor()).as("openssl req exit code").isZero();
  }

  @ParameterizedTest(name = "s_server {0} {1}")
  @CsvSource({"-dtls,''", "-dtls,-listen", "-dtls1_2,''", "-dtls1_2,-listen"})
  void aModernOpenSslDtlsServerNegotiatesNoHeartbeat(String method, String listen) throws Exception {
    int port;
    try (DatagramChannel free = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      port = ((InetSocketAddress) free.getLocalAddress()).getPort();
    }
    List<String> command = new ArrayList<>(List.of("openssl", "s_server", method, "-accept", "127.0.0.1:" + port,
        "-cert", dir.resolve("c.pem").toString(), "-key", dir.resolve("k.pem").toString()));
    if (!listen.isEmpty()) {
      command.add(listen);
    }
    // stdin stays an open pipe: s_server ends at EOF on it.
    Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      awaitAccept(server);
      ScanResult result = new DtlsCheck(new Retransmission(Duration.ofMillis(200), 5))
          .check(ScanTarget.parse("127.0.0.1:" + port), ScanOptions.defaults().withTimeout(Duration.ofSeconds(5)));

      assertThat(result.verdict()).as(result.reason() + " " + result.evidence()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.reason()).isEqualTo("no heartbeat extension negotiated");
      assertThat(result.heartbeat()).isNull();
      assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.DTLS1_2);
      assertThat(result.protocol()).isEqualTo("dtls");
      assertThat(result.certificate().subject()).isEqualTo("CN=localhost");
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** s_server prints "ACCEPT" once its socket is bound: reading up to that line is the synchronisation. */
  private static void awaitAccept(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals("ACCEPT")) {
        return;
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("openssl s_server ended before ACCEPT: " + seen);
  }
}
