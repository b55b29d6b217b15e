package io.heartguard.scan.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Each dialog against a scripted server, with no socket: the exact bytes the scanner sends, the reply it accepts, and
 * the words it reports for a refusal. Servers' replies arrive one byte per read unless said otherwise, so every
 * message is also split across reads.
 */
class DialogTest {
  private static final HexFormat HEX = HexFormat.of();

  private static void assertFails(ThrowingCallable call, StartTlsException.Kind kind, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StartTlsException.class, e -> {
      assertThat(e.getMessage()).isEqualTo(message);
      assertThat(e.kind()).isEqualTo(kind);
    });
  }

  @Test
  void smtpSaysEhloThenStartTlsAndAcceptsA220() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("220 mx.test ESMTP\r\n"
        + "250-mx.test\r\n250-starttls\r\n250 SIZE 1000\r\n" // the keyword is case-insensitive (RFC 5321 section 2.4)
        + "220 2.0.0 Ready to start TLS\r\n");

    assertThat(StartTls.SMTP.negotiate(server, "mx.test")).isEqualTo("220 2.0.0 Ready to start TLS");
    assertThat(server.writtenText()).isEqualTo("EHLO heartguard.invalid\r\nSTARTTLS\r\n");
  }

  @Test
  void smtpWithoutStartTlsInEhloIsRefusedBeforeAsking() {
    ScriptedTransport server = ScriptedTransport.text("220 mx.test\r\n250-mx.test\r\n250 PIPELINING\r\n");

    assertFails(() -> StartTls.SMTP.negotiate(server, "mx.test"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: no STARTTLS in the EHLO reply (2 lines)");
    assertThat(server.writtenText()).doesNotContain("STARTTLS");
  }

  @Test
  void smtpGreetingOf554IsARefusal() {
    assertFails(() -> StartTls.SMTP.negotiate(ScriptedTransport.text("554 5.7.1 no service for you\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: 554 5.7.1 no service for you");
  }

  @Test
  void lmtpSaysLhlo() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("220 lmtp\r\n250-lmtp\r\n250 STARTTLS\r\n220 go\r\n");

    StartTls.LMTP.negotiate(server, "h");
    assertThat(server.writtenText()).startsWith("LHLO heartguard.invalid\r\n");
  }

  @Test
  void ftpContinuationLinesMayBeAnyTextUntilTheCodeComesBack() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("220-Welcome\r\nno code here\r\n220-still\r\n220 ready\r\n"
        + "234 AUTH TLS OK.\r\n");

    assertThat(StartTls.FTP.negotiate(server, "h")).isEqualTo("234 AUTH TLS OK.");
    assertThat(server.writtenText()).isEqualTo("AUTH TLS\r\n");
  }

  @Test
  void ftpWithoutTlsAnswersAuthTlsWithAnError() {
    assertFails(() -> StartTls.FTP.negotiate(ScriptedTransport.text("220 ready\r\n530 Please login with USER and PASS.\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: 530 Please login with USER and PASS.");
  }

  @Test
  void aReplyWithoutAThreeDigitCodeIsUnexpected() {
    assertFails(() -> StartTls.FTP.negotiate(ScriptedTransport.text("SSH-2.0-OpenSSH_9.2\r\n"), "h"),
        StartTlsException.Kind.UNEXPECTED, "expected a three-digit reply as the greeting, got SSH-2.0-OpenSSH_9.2");
  }

  @Test
  void imapSkipsUntaggedLinesAndWantsTheTaggedOk() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("* OK ready\r\n* CAPABILITY IMAP4rev1\r\na1 OK go\r\n");

    assertThat(StartTls.IMAP.negotiate(server, "h")).isEqualTo("a1 OK go");
    assertThat(server.writtenText()).isEqualTo("a1 STARTTLS\r\n");
  }

  @Test
  void imapBadIsARefusalAndPreauthIsOneBeforeAsking() {
    assertFails(() -> StartTls.IMAP.negotiate(ScriptedTransport.text("* OK ready\r\na1 BAD unknown command\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: a1 BAD unknown command");
    ScriptedTransport preauth = ScriptedTransport.text("* PREAUTH welcome back\r\n");
    assertFails(() -> StartTls.IMAP.negotiate(preauth, "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: * PREAUTH welcome back");
    assertThat(preauth.written()).isEmpty();
  }

  @Test
  void pop3ErrIsARefusal() {
    assertFails(() -> StartTls.POP3.negotiate(ScriptedTransport.text("+OK hi\r\n-ERR command not recognized\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: -ERR command not recognized");
  }

  @Test
  void nntpWants382() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("201 news ready (no posting)\r\n382 Continue\r\n");

    assertThat(StartTls.NNTP.negotiate(server, "h")).isEqualTo("382 Continue");
    assertFails(() -> StartTls.NNTP.negotiate(ScriptedTransport.text("200 ok\r\n580 Can not initiate TLS negotiation\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: 580 Can not initiate TLS negotiation");
  }

  @Test
  void nntpInTransitModeSwitchesToReaderModeWhenAskedTo() throws Exception {
    // INN's innd: a peer must say MODE READER before nnrpd, which speaks STARTTLS, takes over.
    ScriptedTransport server = ScriptedTransport.text("200 news ready\r\n401 MODE-READER\r\n"
        + "200 nnrpd ready (posting ok)\r\n382 Begin TLS negotiation now\r\n");

    assertThat(StartTls.NNTP.negotiate(server, "h")).isEqualTo("382 Begin TLS negotiation now");
    assertThat(server.writtenText()).isEqualTo("STARTTLS\r\nMODE READER\r\nSTARTTLS\r\n");
  }

  @Test
  void ircReadsPastNoticesTo670AndTakes421AsRefusal() throws Exception {
    ScriptedTransport server = ScriptedTransport.text(":irc NOTICE * :*** Checking Ident\r\n:irc 670 * :STARTTLS successful\r\n");

    assertThat(StartTls.IRC.negotiate(server, "h")).isEqualTo(":irc 670 * :STARTTLS successful");
    assertThat(server.writtenText()).isEqualTo("STARTTLS\r\n");
    assertFails(() -> StartTls.IRC.negotiate(ScriptedTransport.text(":irc 421 * STARTTLS :Unknown command\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: :irc 421 * STARTTLS :Unknown command");
  }

  @Test
  void sieveNeedsStartTlsAmongTheCapabilities() throws Exception {
    ScriptedTransport offered = ScriptedTransport.text("\"SIEVE\" \"fileinto\"\r\n\"STARTTLS\"\r\nOK \"hi\"\r\nOK \"go\"\r\n");
    assertThat(StartTls.SIEVE.negotiate(offered, "h")).isEqualTo("OK \"go\"");
    assertThat(offered.writtenText()).isEqualTo("STARTTLS\r\n");

    assertFails(() -> StartTls.SIEVE.negotiate(ScriptedTransport.text("\"SIEVE\" \"fileinto\"\r\nOK \"hi\"\r\n"), "h"),
        StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: no \"STARTTLS\" among 1 capabilities");
  }

  @Test
  void xmppOpensAStreamToTheHostAndWaitsForProceed() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
        + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features>"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
        + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");

    assertThat(StartTls.XMPP.negotiate(server, "chat.example")).isEqualTo("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assertThat(server.writtenText()).isEqualTo("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
        + " xmlns:stream='http://etherx.jabber.org/streams' to='chat.example' version='1.0'>"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  }

  @Test
  void xmppServerToServerUsesTheServerNamespace() throws Exception {
    ScriptedTransport server = ScriptedTransport.text("<stream:stream><stream:features><starttls/></stream:features>"
        + "<proceed></proceed>");

    StartTls.XMPP_SERVER.negotiate(server, "example.org");
    assertThat(server.writtenText()).contains("<stream:stream xmlns='jabber:server'", "to='example.org'");
  }

  @Test
  void xmppStreamErrorNamesItsCondition() {
    ScriptedTransport server = ScriptedTransport.text("<stream:stream><stream:error>"
        + "<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");

    assertFails(() -> StartTls.XMPP.negotiate(server, "nobody.example"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: stream error <host-unknown/>");
  }

  @Test
  void xmppFailureToStartTlsIsARefusal() {
    ScriptedTransport server = ScriptedTransport.text("<stream:stream><stream:features><starttls/></stream:features>"
        + "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");

    assertFails(() -> StartTls.XMPP.negotiate(server, "h"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: <failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  }

  @Test
  void ldapSendsTheStartTlsExtendedRequestAndAcceptsSuccess() throws Exception {
    // 30 0c 02 01 01 78 07 0a 01 00 04 00 04 00: messageID 1, ExtendedResponse, resultCode success, "" and "".
    ScriptedTransport server = new ScriptedTransport(1, HEX.parseHex("300c02010178070a010004000400"));

    assertThat(StartTls.LDAP.negotiate(server, "h")).isEqualTo("ExtendedResponse resultCode 0");
    // 30 1d: SEQUENCE of 29 bytes; 02 01 01: messageID 1; 77 18: [APPLICATION 23] ExtendedRequest of 24 bytes;
    // 80 16: [0] requestName, 22 bytes of "1.3.6.1.4.1.1466.20037" (RFC 4511 section 4.14.1).
    assertThat(HEX.formatHex(server.written())).isEqualTo("301d02010177188016"
        + HEX.formatHex("1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII)));
    assertThat(server.written()).hasSize(31);
  }

  @Test
  void ldapResultCodeOtherThanSuccessIsARefusalWithTheDiagnostic() {
    // 30 81 12: a long-form length (18 bytes); 78 0d: ExtendedResponse; 0a 01 34: unavailable (52);
    // 04 00: matchedDN ""; 04 06 "no TLS": diagnosticMessage.
    ScriptedTransport server = new ScriptedTransport(1, HEX.parseHex("308112020101780d0a013404000406"),
        "no TLS".getBytes(StandardCharsets.US_ASCII));

    assertFails(() -> StartTls.LDAP.negotiate(server, "h"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: resultCode 52 no TLS");
  }

  @Test
  void ldapNoticeOfDisconnectionIsARefusal() {
    // messageID 0: an unsolicited notification (RFC 4511 section 4.4.1), here unavailable (52).
    ScriptedTransport server = new ScriptedTransport(1, HEX.parseHex("300c02010078070a013404000400"));

    assertFails(() -> StartTls.LDAP.negotiate(server, "h"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: notice of disconnection: resultCode 52");
  }

  @Test
  void ldapInnerLengthPastTheMessageIsUnexpected() {
    // 30 07 02 01 01 78 10 ...: the ExtendedResponse claims 16 bytes, only 2 follow within the message.
    ScriptedTransport server = new ScriptedTransport(64, HEX.parseHex("30070201017810" + "0a01"));

    assertFails(() -> StartTls.LDAP.negotiate(server, "h"), StartTlsException.Kind.UNEXPECTED,
        "expected protocolOp within the response, got the response ends 2 bytes in, 16 needed");
  }

  @Test
  void postgresSendsSslRequestAndReadsOneByte() throws Exception {
    ScriptedTransport server = new ScriptedTransport(1, new byte[] {'S'});

    assertThat(StartTls.POSTGRES.negotiate(server, "h")).isEqualTo("'S' to SSLRequest");
    // 00 00 00 08: length 8; 04 d2 16 2f: 80877103, the SSLRequest code (1234 << 16 | 5679).
    assertThat(HEX.formatHex(server.written())).isEqualTo("0000000804d2162f");
  }

  @Test
  void postgresErrorResponseIsARefusalWithItsMessage() {
    // 'E', an Int32 length (itself included), fields S "FATAL" and M "too many clients", each NUL-ended, a final NUL.
    byte[] fields = "SFATAL\0Mtoo many clients\0\0".getBytes(StandardCharsets.US_ASCII);
    byte[] message = java.nio.ByteBuffer.allocate(1 + 4 + fields.length).put((byte) 'E').putInt(4 + fields.length)
        .put(fields).array();

    assertFails(() -> StartTls.POSTGRES.negotiate(new ScriptedTransport(1, message), "h"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: answered SSLRequest with an error: too many clients");
  }

  @Test
  void mysqlSendsAnSslRequestWithClientSslAfterTheHandshake() throws Exception {
    // 2c 00 00 00: a 44-byte packet, sequence 0; 0a: protocol 10; "5.5.62\0"; connection id; 8 scramble bytes; a
    // filler; ff ff: the lower capabilities 0xffff, CLIENT_SSL (0x0800) among them; then charset, status, the rest.
    byte[] handshake = HEX.parseHex("2c0000000a" + HEX.formatHex("5.5.62\0".getBytes(StandardCharsets.US_ASCII))
        + "01000000" + "3132333435363738" + "00" + "ffff" + "21" + "0200" + "0f80" + "15" + "00".repeat(10)
        + HEX.formatHex("abcdefghijkl\0".getBytes(StandardCharsets.US_ASCII)));
    ScriptedTransport server = new ScriptedTransport(1, handshake);

    assertThat(StartTls.MYSQL.negotiate(server, "h")).isEqualTo("server 5.5.62 with CLIENT_SSL; SSLRequest sent");
    // 20 00 00 01: 32 bytes, sequence 1; 05 aa 08 00: flags 0x0008aa05 (LONG_PASSWORD, LONG_FLAG, PROTOCOL_41, SSL,
    // TRANSACTIONS, SECURE_CONNECTION, PLUGIN_AUTH), little-endian; 00 00 00 01: max packet 16 MiB; 21: utf8; 23 zeros.
    assertThat(HEX.formatHex(server.written())).isEqualTo("20000001" + "05aa0800" + "00000001" + "21" + "00".repeat(23));
  }

  @Test
  void mysqlErrPacketBeforeTheHandshakeIsARefusal() {
    // 17 00 00 00: 23 bytes; ff: ERR; 69 04: error 1129; then the message.
    byte[] err = HEX.parseHex("170000" + "00" + "ff" + "6904"
        + HEX.formatHex("Host '10.0.0.1' blocked".substring(0, 20).getBytes(StandardCharsets.US_ASCII)));

    assertFails(() -> StartTls.MYSQL.negotiate(new ScriptedTransport(1, err), "h"), StartTlsException.Kind.REFUSED,
        "server does not offer STARTTLS: error 1129 before the handshake: Host '10.0.0.1' bloc");
  }

  @Test
  void aLineLongerThanTheBoundFailsBeforeItEnds() {
    ScriptedTransport server = new ScriptedTransport(4096, ("+OK " + "x".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));

    assertFails(() -> StartTls.POP3.negotiate(server, "h"), StartTlsException.Kind.LIMIT,
        "a line longer than 8192 bytes from the server while waiting for the greeting");
  }

  @Test
  void aMultiLineReplyIsBoundedInLines() {
    // Short lines that never end the reply: the line count stops them long before the byte bound.
    ScriptedTransport server = ScriptedTransport.text("220-x\r\n".repeat(200));

    assertFails(() -> StartTls.SMTP.negotiate(server, "h"), StartTlsException.Kind.LIMIT,
        "a reply of more than 128 lines as the greeting");
  }

  @Test
  void moreThan64KilobytesOfDialogIsRefusedWhateverTheShape() {
    // XMPP features that never end: no line or reply bound applies, the dialog's byte bound does.
    ScriptedTransport server = new ScriptedTransport(8192, ("<stream:stream><stream:features>"
        + "<x/>".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));

    assertFails(() -> StartTls.XMPP.negotiate(server, "h"), StartTlsException.Kind.LIMIT,
        "more than 65536 bytes of xmpp dialog while waiting for the stream features");
  }

  @Test
  void aCloseMidDialogSaysWhatWasAwaited() {
    assertFails(() -> StartTls.SMTP.negotiate(ScriptedTransport.text("220 mx\r\n"), "h"), StartTlsException.Kind.TRANSPORT,
        "server closed the connection while waiting for the reply to EHLO");
  }

  @Test
  void bytesAfterThePositiveReplyAreRefusedNotTakenForTls() {
    // All in one read: what already arrived behind the reply is seen; what comes later fails as "not TLS".
    ScriptedTransport server = new ScriptedTransport(4096, "+OK hi\r\n".getBytes(StandardCharsets.US_ASCII),
        "+OK go\r\n-ERR oops\r\n".getBytes(StandardCharsets.US_ASCII));

    assertFails(() -> StartTls.POP3.negotiate(server, "h"), StartTlsException.Kind.UNEXPECTED,
        "server sent 11 bytes after its STARTTLS reply (+OK go), before our ClientHello: -ERR oops\\r\\n");
  }
}
