package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.scan.FakeServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --starttls} on the command line: the protocol column, the JSON field, refusals as exit code 3. */
class StartTlsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = OneLineErrors.install(new CommandLine(new ScanCommand()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void aVulnerableServerBehindSmtpStartTlsExitsOneAndTheTableShowsSmtp() throws Exception {
    try (var server = FakeServers.startTls("SMTP", true)) {
      assertThat(run("--starttls", "smtp", server.target())).isEqualTo(1);

      assertThat(out.toString()).contains("PROTOCOL").contains(server.target() + "  VULNERABLE  TLSv1.2  smtp");
      assertThat(err.toString()).isEmpty();
    }
  }

  @Test
  void jsonCarriesTheProtocol() throws Exception {
    try (var server = FakeServers.startTls("IMAP", false)) {
      assertThat(run("--json", "--starttls", "imap", server.target())).isZero();

      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.get("protocol").asText()).isEqualTo("imap");
      assertThat(json.get("verdict").asText()).isEqualTo("NOT_VULNERABLE");
    }
  }

  @Test
  void plainTlsReportsProtocolTls() throws Exception {
    try (var server = FakeServers.patched()) {
      assertThat(run("--json", server.target())).isZero();

      assertThat(new ObjectMapper().readTree(out.toString()).get("protocol").asText()).isEqualTo("tls");
    }
  }

  @Test
  void aRefusalIsInconclusiveAndExitsThree() throws Exception {
    try (var server = FakeServers.startTls("FTP_500_OOPS", true)) {
      assertThat(run("--starttls", "ftp", server.target())).isEqualTo(3);

      assertThat(out.toString()).contains("INCONCLUSIVE", "ftp",
          "server does not offer STARTTLS: 500 OOPS: SSL: cannot load RSA certificate");
    }
  }

  @Test
  void anUnknownProtocolIsAOneLineUsageError() {
    assertThat(run("--starttls", "gopher", "example.com")).isEqualTo(2);
    assertThat(err.toString()).contains("'gopher' is not a STARTTLS protocol, expected auto, none or one of smtp,");
    assertThat(err.toString().lines()).hasSize(1);
  }
}
