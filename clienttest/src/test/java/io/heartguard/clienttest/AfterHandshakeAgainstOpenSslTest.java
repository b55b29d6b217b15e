package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.Verdict;
import io.heartguard.testkit.RealOpenSsl;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client-test --after-handshake} against the real OpenSSL 1.0.1f and 1.0.1g {@code s_client}: the handshake
 * completes, the oracle's two requests go out encrypted, 1.0.1f returns memory from past the probe (VULNERABLE) and
 * 1.0.1g answers only the control (NOT_VULNERABLE). With --dump, each full-size request (payload_length 65535)
 * brings back 65535 bytes, all but the 32 we sent from the client's memory, into a mode-600 file. STARTTLS comes
 * first when asked, as before the handshake.
 */
class AfterHandshakeAgainstOpenSslTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void openSsl101fClientLeaksInsideTheSessionOverTls12AndTls10() throws Exception {
    ClientReport tls12 = check(RealOpenSsl.Release.V1_0_1F, options());
    assertThat(tls12.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(tls12.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
    assertThat(tls12.reason()).isEqualTo("returned 16 bytes of memory from past the heartbeat request (CVE-2014-0160)"
        + " (encrypted, after a TLSv1.2 handshake with TLS_RSA_WITH_AES_256_GCM_SHA384)");
    assertThat(tls12.heartbeatOffered()).isTrue();

    ClientReport tls10 = check(RealOpenSsl.Release.V1_0_1F, options(), "-tls1");
    assertThat(tls10.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(tls10.reason()).endsWith("(encrypted, after a TLSv1.0 handshake with TLS_RSA_WITH_AES_256_CBC_SHA)");
  }

  @Test
  void openSsl101fClientLeaksInsideTheSessionAfterAnSmtpStarttlsDialog() throws Exception {
    ClientReport report = check(RealOpenSsl.Release.V1_0_1F, options().withStartTls(StartTlsProtocol.parse("smtp")),
        "-starttls", "smtp");
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(report.starttls()).isEqualTo("smtp");
    assertThat(report.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
  }

  @Test
  void openSsl101gClientDiscardsTheMalformedRequestAndAnswersTheControl() throws Exception {
    ClientReport report = check(RealOpenSsl.Release.V1_0_1G, options());
    assertThat(report.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(report.bytesLeaked()).isZero();
    assertThat(report.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix"
        + " (encrypted, after a TLSv1.2 handshake with TLS_RSA_WITH_AES_256_GCM_SHA384)");
  }

  @Test
  void dumpRequestsClaimTheFull65535BytesInsideTheSessionAndWriteTheLeakWithMode600() throws Exception {
    Path dump = dir.resolve("client-leak.bin");
    ClientReport report = check(RealOpenSsl.Release.V1_0_1F, options().withDump(dump, 2));
    long perAnswer = ClientCheck.SESSION_DUMP_PAYLOAD_LENGTH - 32; // our 16 payload bytes and 16 of padding come back first

    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(report.reason()).endsWith("; dumped " + 2 * perAnswer + " bytes from 2 answers to " + dump);
    assertThat(Files.size(dump)).isEqualTo(2 * perAnswer);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).isEqualTo("rw-------");
  }

  private ClientTestOptions options() {
    return ClientTestOptions.defaults().withTimeout(TIMEOUT).withSeed(15).withAfterHandshake(true);
  }

  /** One real s_client connects with its stdin held open (at end of input it would leave); its report. */
  private ClientReport check(RealOpenSsl.Release release, ClientTestOptions options, String... clientOptions)
      throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = ClientTestServer.start(options, reports::add)) {
      List<String> command = new ArrayList<>(List.of(release.binary().toString(), "s_client", "-connect",
          "127.0.0.1:" + server.address().getPort()));
      command.addAll(List.of(clientOptions));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("s_client.log").toFile());
      builder.environment().put("OPENSSL_CONF", "/dev/null");
      Process client = builder.start();
      try {
        ClientReport report = reports.poll(20, TimeUnit.SECONDS);
        assertThat(report).as("a report within 20 s; s_client said: %s", Files.readString(dir.resolve("s_client.log")))
            .isNotNull();
        return report;
      } finally {
        client.getOutputStream().close();
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
