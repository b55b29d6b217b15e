package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabClient;
import io.heartguard.lab.LabMode;
import io.heartguard.scan.Verdict;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server side of STARTTLS dialogs: a scripted client talks, then the lab client (or openssl s_client) does TLS. */
class StartTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Each script: the lines a client sends, and the reply line prefix it waits for after each. */
  private static ClientReport dialogThenVulnerableLabClient(StartTlsProtocol protocol, List<String[]> script) throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = ClientTestServer.start(
            ClientTestOptions.defaults().withTimeout(TIMEOUT).withStartTls(protocol).withSeed(1), reports::add);
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      for (String[] step : script) {
        if (step[0] != null) {
          out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        String line;
        do {
          line = readLine(socket);
        } while (!line.startsWith(step[1]));
      }
      LabClient.of(LabMode.VULNERABLE, null, TIMEOUT, OutputStream.nullOutputStream()).run(socket);
      ClientReport report = reports.poll(10, TimeUnit.SECONDS);
      assertThat(report).isNotNull();
      assertThat(report.starttls()).isEqualTo(protocol.label());
      return report;
    }
  }

  private static String readLine(Socket socket) throws Exception {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = socket.getInputStream().read();
      if (b < 0 || b == '\n') {
        return line.toString().strip();
      }
      line.append((char) b);
    }
  }

  @Test
  void smtpGreetsAdvertisesStarttlsInEhloAndSays220() throws Exception {
    ClientReport report = dialogThenVulnerableLabClient(StartTlsProtocol.SMTP, List.of(
        new String[] {null, "220 "}, new String[] {"EHLO client.example", "250 "},
        new String[] {"STARTTLS", "220 2.0.0 Ready to start TLS"}));
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void imapAnswersCapabilityAndTaggedStarttls() throws Exception {
    ClientReport report = dialogThenVulnerableLabClient(StartTlsProtocol.IMAP, List.of(
        new String[] {null, "* OK [CAPABILITY IMAP4rev1 "}, new String[] {"a001 CAPABILITY", "a001 OK"},
        new String[] {"a002 STARTTLS", "a002 OK Begin TLS negotiation now"}));
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void pop3ListsStlsInCapaAndSaysOk() throws Exception {
    ClientReport report = dialogThenVulnerableLabClient(StartTlsProtocol.POP3, List.of(
        new String[] {null, "+OK"}, new String[] {"CAPA", "."}, new String[] {"STLS", "+OK Begin TLS"}));
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void ftpAnswersAuthTlsWith234() throws Exception {
    ClientReport report = dialogThenVulnerableLabClient(StartTlsProtocol.FTP, List.of(
        new String[] {null, "220 "}, new String[] {"AUTH TLS", "234 "}));
    assertThat(report.verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void aClientThatQuitsInTheDialogIsInconclusiveWithWhatItDid() throws Exception {
    BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
    try (ClientTestServer server = ClientTestServer.start(
            ClientTestOptions.defaults().withTimeout(TIMEOUT).withStartTls(StartTlsProtocol.SMTP), reports::add);
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      ClientReport report = reports.poll(10, TimeUnit.SECONDS);
      assertThat(report.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(report.reason()).isEqualTo("STARTTLS smtp dialog failed: SMTP client quit before STARTTLS");
    }
  }

  /** openssl s_client -starttls speaks all thirteen dialogs; each must reach its ClientHello, which offers no heartbeat. */
  @Test
  void opensslSClientCompletesEachDialogAndOffersNoHeartbeat() throws Exception {
    for (StartTlsProtocol protocol : StartTlsProtocol.values()) {
      BlockingQueue<ClientReport> reports = new LinkedBlockingQueue<>();
      try (ClientTestServer server = ClientTestServer.start(
          ClientTestOptions.defaults().withTimeout(TIMEOUT).withStartTls(protocol), reports::add)) {
        Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.address().getPort(),
            "-starttls", protocol.label()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        try {
          ClientReport report = reports.poll(10, TimeUnit.SECONDS);
          assertThat(report).as(protocol.label()).isNotNull();
          assertThat(report.verdict()).as(protocol.label() + ": " + report.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
          assertThat(report.reason()).isEqualTo("client negotiated no heartbeat");
        } finally {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        }
      }
    }
  }
}
