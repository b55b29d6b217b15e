package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The lab with a STARTTLS greeting on real loopback sockets: the plaintext dialog, then the same vulnerable TLS as
 * without it; a client that misbehaves in the dialog is closed with one log line and the next client is served.
 */
class LabStartTlsTest {
  private static String readLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new AssertionError("server closed after '" + line + "'");
      }
      line.append((char) b);
    }
    return line.toString().strip();
  }

  private static void say(TestClient client, String line) throws Exception {
    client.send((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The SMTP dialog as the scanner speaks it; returns the lines the server said. */
  private static List<String> smtpDialog(TestClient client) throws Exception {
    InputStream in = client.socket.getInputStream();
    String greeting = readLine(in);
    say(client, "EHLO heartguard.invalid");
    String line;
    StringBuilder ehlo = new StringBuilder();
    do {
      line = readLine(in);
      ehlo.append(line).append('|');
    } while (line.charAt(3) == '-');
    say(client, "STARTTLS");
    return List.of(greeting, ehlo.toString(), readLine(in));
  }

  @Test
  void afterTheSmtpDialogTheVulnerableTlsLeaksAsWithoutIt() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withStartTls("smtp").withoutLog());
         TestClient client = new TestClient(lab.address())) {
      assertThat(lab.startTls()).isEqualTo(StartTlsProtocol.SMTP);

      List<String> said = smtpDialog(client);
      assertThat(said.get(0)).isEqualTo("220 lab.heartguard.invalid ESMTP Postfix (Debian/GNU)");
      assertThat(said.get(1)).contains("|250-STARTTLS|");
      assertThat(said.get(2)).isEqualTo("220 2.0.0 Ready to start TLS");

      List<HandshakeMessage> flight = client.handshake(ProtocolVersion.TLS1_2);
      assertThat(flight.getLast().type()).isEqualTo(HandshakeType.SERVER_HELLO_DONE);
      client.sendHeartbeat(HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.ofAscii("x")), 16384));
      assertThat(client.readHeartbeatMessage(16384)).hasSize(16384);
    }
  }

  @Test
  void aClientSilentInTheDialogIsClosedAtTheReadTimeoutWithOneLine() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withStartTls("imap")
        .withReadTimeout(Duration.ofMillis(300)).withLog(log));
         TestClient silent = new TestClient(lab.address())) {
      assertThat(readLine(silent.socket.getInputStream())).startsWith("* OK [CAPABILITY IMAP4rev1 ");
      String peer = "\"peer\":\"127.0.0.1:" + silent.socket.getLocalPort() + "\"";

      assertThat(log.await(peer, TestClient.TIMEOUT_MILLIS))
          .contains("\"reason\":\"no bytes for 300 ms (read timeout) in the STARTTLS imap dialog\"");
      assertThat(silent.socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aDialogDripStillMeetsTheConnectionDeadline() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withStartTls("pop3").withReadTimeout(Duration.ofSeconds(30))
        .withConnectionDeadline(Duration.ofMillis(400)).withLog(log));
         TestClient drip = new TestClient(lab.address())) {
      drip.send("CA".getBytes(StandardCharsets.US_ASCII));
      String peer = "\"peer\":\"127.0.0.1:" + drip.socket.getLocalPort() + "\"";

      assertThat(log.await(peer, TestClient.TIMEOUT_MILLIS))
          .contains("\"reason\":\"connection deadline of 400 ms passed in the STARTTLS pop3 dialog\"");
    }
  }

  @Test
  void aHostileLineIsClosedWithOneLineAndTheNextClientIsServed() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.patched().withStartTls("smtp").withLog(log))) {
      String peer;
      try (TestClient hostile = new TestClient(lab.address())) {
        peer = "\"peer\":\"127.0.0.1:" + hostile.socket.getLocalPort() + "\"";
        readLine(hostile.socket.getInputStream());
        hostile.send(("EHLO " + "A".repeat(5000)).getBytes(StandardCharsets.US_ASCII));
        assertThat(log.await(peer, TestClient.TIMEOUT_MILLIS)).contains("\"reason\":\"STARTTLS smtp dialog: a line longer"
            + " than 1024 bytes: 'EHLO AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\u2026'\"");
      }
      try (TestClient next = new TestClient(lab.address())) {
        assertThat(smtpDialog(next).get(2)).isEqualTo("220 2.0.0 Ready to start TLS");
        assertThat(next.handshake(ProtocolVersion.TLS1_2).getLast().type()).isEqualTo(HandshakeType.SERVER_HELLO_DONE);
      }
      assertThat(log.lines().stream().filter(l -> l.contains(peer))).hasSize(1);
    }
  }

  @Test
  void aClientHelloWithoutTheDialogIsNamedInTheLog() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withStartTls("postgres").withLog(log));
         TestClient direct = new TestClient(lab.address())) {
      // A TLS record header and the start of a ClientHello where the SSLRequest should be.
      direct.send(Bytes.ofHex("160301002f010000").toByteArray());
      assertThat(log.await("\"peer\":\"127.0.0.1:" + direct.socket.getLocalPort() + "\"", TestClient.TIMEOUT_MILLIS))
          .contains("\"reason\":\"STARTTLS postgres dialog: client started TLS (a handshake record) without the SSLRequest\"");
    }
  }

  @Test
  void theCommandLineTakesEveryScannerProtocolName() {
    LabCommand command = new LabCommand();
    new CommandLine(command).parseArgs("--starttls", "xmpp-server");
    assertThat(command.starttls).isEqualTo(StartTlsProtocol.XMPP_SERVER);

    assertThatThrownBy(() -> new CommandLine(new LabCommand()).parseArgs("--starttls", "gopher"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("STARTTLS protocol 'gopher' is none of smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server,"
            + " ldap, postgres, mysql, nntp, irc, sieve");
  }
}
