package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabClient;
import io.heartguard.lab.LabMode;
import io.heartguard.testkit.RealOpenSsl;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --once: the first client's verdict is the exit code (0 NOT_VULNERABLE, 1 VULNERABLE, 3 INCONCLUSIVE, 2 usage). */
class ClientTestCommandTest {
  /** A stderr that opens a latch once "listening on" was written, so the test connects only then. */
  private static final class ListeningWriter extends Writer {
    final StringBuilder text = new StringBuilder();
    final CountDownLatch listening = new CountDownLatch(1);

    @Override
    public synchronized void write(char[] chars, int off, int len) {
      text.append(chars, off, len);
      if (text.indexOf("client-test: listening on") >= 0) {
        listening.countDown();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private record Run(int exitCode, String out) {}

  private static Run onceWith(Client client, String... extra) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    ListeningWriter err = new ListeningWriter();
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ClientTestCommand()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true));
    String[] args = new String[3 + extra.length];
    args[0] = "--listen";
    args[1] = "127.0.0.1:" + port;
    args[2] = "--once";
    System.arraycopy(extra, 0, args, 3, extra.length);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
    assertThat(err.listening.await(10, TimeUnit.SECONDS)).as("listening line, stderr: %s", err.text).isTrue();
    client.connect(new InetSocketAddress("127.0.0.1", port));
    return new Run(exit.get(15, TimeUnit.SECONDS), out.toString());
  }

  interface Client {
    void connect(InetSocketAddress address) throws Exception;
  }

  private static Client labClient(LabMode mode) {
    return address -> LabClient.of(mode, null, Duration.ofSeconds(5), OutputStream.nullOutputStream()).connect(address);
  }

  @Test
  void aVulnerableClientExitsOne() throws Exception {
    Run run = onceWith(labClient(LabMode.VULNERABLE));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("CLIENT").contains("VULNERABLE");
  }

  @Test
  void aPatchedClientExitsZeroAndJsonSaysWhy() throws Exception {
    Run run = onceWith(labClient(LabMode.PATCHED), "--json");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("\"verdict\":\"NOT_VULNERABLE\"", "\"heartbeat_offered\":true", "\"ja3_md5\":\"");
  }

  @Test
  void afterHandshakeARealOpenSsl101fClientExitsOneAndTheReasonSaysEncrypted() throws Exception {
    List<Process> clients = new ArrayList<>();
    try {
      Run run = onceWith(address -> {
        ProcessBuilder builder = new ProcessBuilder(RealOpenSsl.Release.V1_0_1F.binary().toString(), "s_client",
            "-connect", "127.0.0.1:" + address.getPort()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OPENSSL_CONF", "/dev/null");
        clients.add(builder.start()); // stdin held open until the end: at end of input s_client would leave
      }, "--after-handshake", "--json");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).contains("\"verdict\":\"VULNERABLE\"", "\"bytes_leaked\":16",
          "(encrypted, after a TLSv1.2 handshake with TLS_RSA_WITH_AES_256_GCM_SHA384)");
    } finally {
      for (Process client : clients) {
        client.destroy();
        client.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aClientThatLeavesExitsThree() throws Exception {
    Run run = onceWith(address -> new Socket(address.getAddress(), address.getPort()).close());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("INCONCLUSIVE", "client closed before a complete ClientHello");
  }

  @Test
  void anUnknownStarttlsProtocolIsAUsageErrorTwo() {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new ClientTestCommand()).setErr(new PrintWriter(err, true))
        .execute("--listen", "127.0.0.1:0", "--starttls", "gopher");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("STARTTLS protocol 'gopher' is none of smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server,"
        + " ldap, postgres, mysql, nntp, irc, sieve");
  }

  @Test
  void aDumpFileThatIsASymbolicLinkIsRefusedBeforeListening(@TempDir Path dir) throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
    Path link = Files.createSymbolicLink(dir.resolve("dump.bin"), victim);
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ClientTestCommand()).setErr(new PrintWriter(err, true));
    int exit = CompletableFuture.supplyAsync(() -> cli.execute("--listen", "127.0.0.1:0", "--dump", link.toString()))
        .get(10, TimeUnit.SECONDS);
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("client-test: cannot write --dump file " + link
        + ": it is a symbolic link; leaked memory goes only to a regular file" + System.lineSeparator());
    assertThat(Files.readString(victim)).isEqualTo("keep me");
  }

  @Test
  void standardOutputIsNoDumpFile() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ClientTestCommand()).setErr(new PrintWriter(err, true));
    int exit = CompletableFuture.supplyAsync(() -> cli.execute("--listen", "127.0.0.1:0", "--dump", "/dev/stdout"))
        .get(10, TimeUnit.SECONDS);
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("client-test: cannot write --dump file /dev/stdout: ");
  }
}
