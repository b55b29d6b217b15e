package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.tlsserver.ServerIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LabCommandTest {
  private static LabCommand parse(String... args) {
    LabCommand command = new LabCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void defaultsAreVulnerableOnLoopback8443() throws Exception {
    LabOptions options = parse().options();
    assertThat(options.mode()).isEqualTo(LabMode.VULNERABLE);
    assertThat(options.listen().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(options.listen().getPort()).isEqualTo(8443);
    assertThat(options.logStream()).isSameAs(System.out);
  }

  @Test
  void optionsMapOntoLabOptions(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("hb.jsonl");
    LabOptions options = parse("--mode", "patched", "--listen", "[::1]:9443", "--chain-padding-certs", "20",
        "--log", log.toString(), "--read-timeout", "3", "--heap-seed", "9").options();
    assertThat(options.mode()).isEqualTo(LabMode.PATCHED);
    assertThat(options.listen().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    assertThat(options.listen().getPort()).isEqualTo(9443);
    assertThat(options.chainPaddingCerts()).isEqualTo(20);
    assertThat(options.logFile()).isEqualTo(log);
    assertThat(options.readTimeout()).hasSeconds(3);
    assertThat(options.heapSeed()).isEqualTo(9);
  }

  @Test
  void anUnknownModeIsRejectedWithWhatWasSeen() {
    assertThatThrownBy(() -> parse("--mode", "broken"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("mode 'broken' is neither vulnerable nor patched");
  }

  @Test
  void certWithoutKeyIsRejected() {
    assertThatThrownBy(() -> parse("--cert", "c.pem").options())
        .hasMessage("--cert and --key go together; got only --cert");
  }

  @Test
  void certAndKeyPemFilesAreServedAndTheirKeyPlantedInTheHeap(@TempDir Path dir) throws Exception {
    ServerIdentity source = ServerIdentity.processDefault();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(source.chain().getFirst().toByteArray());
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
    Files.writeString(key, source.privateKeyPem());
    ServerIdentity loaded = parse("--cert", cert.toString(), "--key", key.toString()).options().identity();
    assertThat(loaded.chain()).isEqualTo(source.chain());
    assertThat(loaded.privateKeyPem()).isEqualTo(source.privateKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
  }

  @Test
  void aPortInUseEndsWithOneLineAndExitCode2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new LabCommand()).setErr(new PrintWriter(err));
      int exit = cli.execute("--listen", "127.0.0.1:" + taken.getLocalPort(), "--log", "/dev/null");
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString().lines()).singleElement().asString()
          .startsWith("lab: cannot start on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }
}
