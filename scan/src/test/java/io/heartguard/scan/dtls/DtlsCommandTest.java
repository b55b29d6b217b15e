package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabMode;
import io.heartguard.lab.dtls.LabDtlsOptions;
import io.heartguard.lab.dtls.LabDtlsServer;
import io.heartguard.scan.cli.ScanCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code heartguard scan --dtls} end to end, in process, against the lab's DTLS server. */
class DtlsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new ScanCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private static LabDtlsServer lab(LabMode mode, int port) throws IOException {
    return LabDtlsServer.start(LabDtlsOptions.of(mode).withLog(new ByteArrayOutputStream(), false)
        .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
  }

  @Test
  void aVulnerableDtlsTargetExitsOneWithItsDtlsRow() throws Exception {
    try (LabDtlsServer lab = lab(LabMode.VULNERABLE, 0)) {
      String target = "127.0.0.1:" + lab.address().getPort();
      int code = run("--dtls", target);

      assertThat(code).as(out + "" + err).isEqualTo(1);
      assertThat(out.toString()).contains(target + "  VULNERABLE  DTLSv1.0");
    }
  }

  @Test
  void aPatchedDtlsTargetExitsZeroAndItsJsonSaysDtls() throws Exception {
    try (LabDtlsServer lab = lab(LabMode.PATCHED, 0)) {
      int code = run("--dtls", "--json", "127.0.0.1:" + lab.address().getPort());

      assertThat(code).as(out + "" + err).isZero();
      assertThat(out.toString()).contains("\"verdict\":\"NOT_VULNERABLE\"", "\"protocol\":\"dtls\"");
    }
  }

  @Test
  void aTargetWithoutAPortIsCheckedOnUdp4433() throws Exception {
    LabDtlsServer lab;
    try {
      lab = lab(LabMode.VULNERABLE, DtlsCheck.DEFAULT_PORT);
    } catch (java.net.BindException busy) {
      Assumptions.abort("udp/4433 on 127.0.0.1 is taken by another process");
      return;
    }
    try (lab) {
      assertThat(run("--dtls", "127.0.0.1")).as(out + "" + err).isEqualTo(1);
      assertThat(out.toString()).contains("127.0.0.1:4433  VULNERABLE");
    }
  }

  @Test
  void dtlsRefusesStartTlsAndSslv3WithAOneLineUsageError() {
    assertThat(run("--dtls", "--starttls", "smtp", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--dtls takes no --starttls");
    assertThat(run("--dtls", "--version-only", "SSLv3", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--dtls takes no --version-only SSLv3 (DTLS has no SSLv3)");
  }
}
