package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.scan.FakeServers;
import org.junit.jupiter.api.Test;

/** {@code --starttls} on the command line: the protocol column, the JSON field, refusals as exit code 3. */
class StartTlsCommandTest {
  private final ScanConsole scan = new ScanConsole();

  @Test
  void aVulnerableServerBehindSmtpStartTlsExitsOneAndTheTableShowsSmtp() throws Exception {
    try (var server = FakeServers.startTls("SMTP", true)) {
      assertThat(scan.run("--starttls", "smtp", server.target())).isEqualTo(1);

      assertThat(scan.out()).contains("PROTOCOL").contains(server.target() + "  VULNERABLE  TLSv1.2  smtp");
      assertThat(scan.err()).isEmpty();
    }
  }

  @Test
  void jsonCarriesTheProtocol() throws Exception {
    try (var server = FakeServers.startTls("IMAP", false)) {
      assertThat(scan.run("--json", "--starttls", "imap", server.target())).isZero();

      JsonNode json = new ObjectMapper().readTree(scan.out());
      assertThat(json.get("protocol").asText()).isEqualTo("imap");
      assertThat(json.get("verdict").asText()).isEqualTo("NOT_VULNERABLE");
    }
  }

  @Test
  void plainTlsReportsProtocolTls() throws Exception {
    try (var server = FakeServers.patched()) {
      assertThat(scan.run("--json", server.target())).isZero();

      assertThat(new ObjectMapper().readTree(scan.out()).get("protocol").asText()).isEqualTo("tls");
    }
  }

  @Test
  void aRefusalIsInconclusiveAndExitsThree() throws Exception {
    try (var server = FakeServers.startTls("FTP_500_OOPS", true)) {
      assertThat(scan.run("--starttls", "ftp", server.target())).isEqualTo(3);

      assertThat(scan.out()).contains("INCONCLUSIVE", "ftp",
          "server does not offer STARTTLS: 500 OOPS: SSL: cannot load RSA certificate");
    }
  }

  @Test
  void anUnknownProtocolIsAOneLineUsageError() {
    assertThat(scan.run("--starttls", "gopher", "example.com")).isEqualTo(2);
    assertThat(scan.err()).contains("'gopher' is not a STARTTLS protocol, expected auto, none or one of smtp,");
    assertThat(scan.err().lines()).hasSize(1);
  }
}
