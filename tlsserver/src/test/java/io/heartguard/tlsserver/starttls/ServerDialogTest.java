package io.heartguard.tlsserver.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The server side of each STARTTLS dialog, driven by a scripted client over in-memory streams: the exact words a
 * server of 2014 said, the positive reply last, and not one byte of the client's TLS (here a record header 16 03 01
 * sent right behind the STARTTLS command) consumed by the dialog.
 */
class ServerDialogTest {
  private static final String HOST = "mx.test";
  /** The first three bytes of a TLS record carrying a ClientHello: handshake (0x16), TLS 1.0 (03 01). */
  private static final byte[] CLIENT_HELLO_START = {0x16, 0x03, 0x01};

  record Exchange(String serverSaid, byte[] serverBytes, byte[] leftUnread) {}

  private static Exchange serve(StartTlsProtocol protocol, byte[] client) throws Exception {
    ByteArrayOutputStream clientAndTls = new ByteArrayOutputStream();
    clientAndTls.writeBytes(client);
    clientAndTls.writeBytes(CLIENT_HELLO_START);
    // A client that waits for each reply: nothing of what it sends next has arrived yet.
    ByteArrayInputStream in = new ByteArrayInputStream(clientAndTls.toByteArray()) {
      @Override
      public synchronized int available() {
        return 0;
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    protocol.serve(in, out, HOST);
    return new Exchange(out.toString(StandardCharsets.ISO_8859_1), out.toByteArray(), in.readAllBytes());
  }

  private static Exchange serve(StartTlsProtocol protocol, String client) throws Exception {
    return serve(protocol, client.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void smtpGreetsWith220ListsStarttlsInTheEhloReplyAndSays220() throws Exception {
    Exchange e = serve(StartTlsProtocol.SMTP, "EHLO heartguard.invalid\r\nSTARTTLS\r\n");

    assertThat(e.serverSaid()).isEqualTo("220 mx.test ESMTP Postfix (Debian/GNU)\r\n"
        + "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n"
        + "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"
        + "220 2.0.0 Ready to start TLS\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void smtpWantsEhloBeforeStarttlsAsPostfixDoes() throws Exception {
    Exchange e = serve(StartTlsProtocol.SMTP, "STARTTLS\r\nHELO c\r\nSTARTTLS\r\n");

    assertThat(e.serverSaid()).endsWith("503 5.5.1 Error: send EHLO first\r\n250 mx.test\r\n220 2.0.0 Ready to start TLS\r\n");
  }

  @Test
  void lmtpIsSmtpWithLhloAndNoHelo() throws Exception {
    Exchange e = serve(StartTlsProtocol.LMTP, "HELO c\r\nLHLO c\r\nSTARTTLS\r\n");

    assertThat(e.serverSaid()).isEqualTo("220 mx.test Dovecot ready.\r\n500 5.5.1 Unknown command\r\n"
        + "250-mx.test\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
        + "220 2.0.0 Ready to start TLS\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void imapListsStarttlsInGreetingAndCapabilityAndAnswersTheTaggedCommand() throws Exception {
    Exchange e = serve(StartTlsProtocol.IMAP, "a001 CAPABILITY\r\na002 LOGIN u p\r\na003 STARTTLS\r\n");

    String capability = "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE STARTTLS LOGINDISABLED";
    assertThat(e.serverSaid()).isEqualTo("* OK [CAPABILITY " + capability + "] Dovecot ready.\r\n"
        + "* CAPABILITY " + capability + "\r\na001 OK Pre-login capabilities listed, post-login capabilities have more.\r\n"
        + "a002 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.\r\n"
        + "a003 OK Begin TLS negotiation now.\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void pop3ListsStlsInCapaAndAnswersStlsWithOk() throws Exception {
    Exchange e = serve(StartTlsProtocol.POP3, "CAPA\r\nSTLS\r\n");

    assertThat(e.serverSaid()).isEqualTo("+OK Dovecot ready.\r\n"
        + "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n"
        + "+OK Begin TLS negotiation now.\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void ftpAnswersAuthTlsWith234AndAnUnknownMechanismWith504() throws Exception {
    Exchange e = serve(StartTlsProtocol.FTP, "AUTH GSSAPI\r\nauth tls\r\n");

    assertThat(e.serverSaid()).isEqualTo("220 (vsFTPd 3.0.2)\r\n504 Unknown AUTH type.\r\n234 Proceed with negotiation.\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void xmppOffersRequiredStarttlsAndProceeds() throws Exception {
    Exchange e = serve(StartTlsProtocol.XMPP, "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
        + " xmlns:stream='http://etherx.jabber.org/streams' to='chat.test' version='1.0'>"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");

    assertThat(e.serverSaid())
        .startsWith("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='")
        .contains(" from='chat.test' version='1.0' xml:lang='en'>")
        .endsWith("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
            + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void xmppEatsTheWhitespaceSentBehindStarttlsAsAnXmlParserWould() throws Exception {
    // sslscan's exact bytes: a declaration and header, and <starttls/>, each followed by CR LF in the same write.
    ByteArrayInputStream in = new ByteArrayInputStream(("<?xml version='1.0' ?>\r\n<stream:stream"
        + " xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='127.0.0.1' version='1.0'>\r\n"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\r\n").getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    StartTlsProtocol.XMPP.serve(in, out, HOST);

    assertThat(out.toString(StandardCharsets.US_ASCII)).endsWith("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assertThat(in.available()).as("CR LF consumed, so the ClientHello comes first").isZero();
  }

  @Test
  void xmppRefusesAClientHelloSentBeforeProceed() {
    ByteArrayInputStream in = new ByteArrayInputStream(("<stream:stream xmlns='jabber:client' to='a' version='1.0'>"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\u0016\u0003\u0001").getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> StartTlsProtocol.XMPP.serve(in, new ByteArrayOutputStream(), HOST))
        .hasMessage("client sent '\\x16' after its last element, before the go-ahead");
  }

  @Test
  void xmppServerToServerTakesOnlyItsOwnNamespace() {
    String clientStream = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='a' version='1.0'>";

    assertThatThrownBy(() -> serve(StartTlsProtocol.XMPP_SERVER, clientStream))
        .isInstanceOf(StartTlsDialogException.class)
        .hasMessage("XMPP stream in namespace 'jabber:client', expected jabber:server");
  }

  @Test
  void xmppServerToServerProceedsWithTheLongStarttlsForm() throws Exception {
    Exchange e = serve(StartTlsProtocol.XMPP_SERVER, "<stream:stream xmlns='jabber:server'"
        + " xmlns:stream='http://etherx.jabber.org/streams' to='b.test' version='1.0'>\n"
        + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'></starttls>");

    assertThat(e.serverSaid()).startsWith("<?xml version='1.0'?><stream:stream xmlns='jabber:server'")
        .endsWith("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void ldapAnswersTheStartTlsExtendedRequestWithSuccessAndTheOid() throws Exception {
    byte[] oid = "1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII);
    Exchange e = serve(StartTlsProtocol.LDAP, HexFormat.of().parseHex(
        "301d"                  // LDAPMessage SEQUENCE, 29 bytes
            + "020101"          // messageID 1
            + "7718"            // [APPLICATION 23] ExtendedRequest, 24 bytes
            + "8016" + HexFormat.of().formatHex(oid))); // [0] requestName, the 22 bytes of the StartTLS OID

    assertThat(HexFormat.of().formatHex(e.serverBytes())).isEqualTo(
        "3024"                  // LDAPMessage SEQUENCE, 36 bytes
            + "020101"          // messageID 1, echoed
            + "781f"            // [APPLICATION 24] ExtendedResponse, 31 bytes
            + "0a0100"          // resultCode success (0)
            + "0400"            // matchedDN ""
            + "0400"            // diagnosticMessage ""
            + "8a16" + HexFormat.of().formatHex(oid)); // [10] responseName: the StartTLS OID (RFC 4511 section 4.14.2)
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void ldapAnswersABindBeforeStartTlsWithConfidentialityRequired() throws Exception {
    byte[] oid = "1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII);
    Exchange e = serve(StartTlsProtocol.LDAP, HexFormat.of().parseHex(
        "300c020101" + "6007020103040080" + "00"   // messageID 1, BindRequest { version 3, name "", simple "" }
            + "301d020102" + "7718" + "8016" + HexFormat.of().formatHex(oid))); // messageID 2, StartTLS

    assertThat(HexFormat.of().formatHex(e.serverBytes())).startsWith(
        "3028" + "020101" + "6123" + "0a010d" + "0400" // BindResponse to 1: confidentialityRequired (13), matchedDN ""
            + "041c" + HexFormat.of().formatHex("TLS confidentiality required".getBytes(StandardCharsets.US_ASCII)))
        .endsWith("020102" + "781f" + "0a0100" + "0400" + "0400" + "8a16" + HexFormat.of().formatHex(oid));
  }

  @Test
  void postgresAnswersSslRequestWithS() throws Exception {
    Exchange e = serve(StartTlsProtocol.POSTGRES, HexFormat.of().parseHex(
        "00000008" + "04d21630"     // GSSENCRequest: length 8, code 1234 << 16 | 5680
            + "00000008" + "04d2162f")); // SSLRequest: length 8, code 1234 << 16 | 5679

    assertThat(e.serverSaid()).isEqualTo("NS");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void postgresAnswersAPlaintextStartupMessageWithTheHostsslError() {
    byte[] startup = HexFormat.of().parseHex("00000010" + "00030000" + "75736572007500" + "00"); // length 16, 3.0, user=u

    assertThatThrownBy(() -> serve(StartTlsProtocol.POSTGRES, startup))
        .hasMessage("PostgreSQL client sent a StartupMessage without SSLRequest");
    assertThat(new String(PostgresServerDialog.errorResponse("x"), StandardCharsets.ISO_8859_1))
        .isEqualTo("E\0\0\0\u0016SFATAL\0C28000\0Mx\0\0");
  }

  @Test
  void mysqlOffersClientSslAndTakesTheSslRequest() throws Exception {
    Exchange e = serve(StartTlsProtocol.MYSQL, HexFormat.of().parseHex(
        "200000" + "01"                          // payload length 32, sequence id 1
            + "05aa0800"                         // capability flags with CLIENT_SSL (0x0800)
            + "00000001"                         // max packet size 16 MiB
            + "21"                               // charset utf8_general_ci
            + "00".repeat(23)));                 // reserved

    byte[] hello = e.serverBytes();
    int length = (hello[0] & 0xff) | (hello[1] & 0xff) << 8 | (hello[2] & 0xff) << 16;
    assertThat(hello).hasSize(4 + length);
    assertThat(hello[3]).isEqualTo((byte) 0); // sequence id 0
    assertThat(hello[4]).isEqualTo((byte) 10); // protocol version 10
    assertThat(new String(hello, 5, 16, StandardCharsets.US_ASCII)).isEqualTo("5.5.35-0+wheezy1");
    // After the version's NUL: connection id (4), auth-plugin-data-part-1 (8), filler (1), lower capability flags.
    int capabilities = (hello[5 + 17 + 13] & 0xff) | (hello[5 + 17 + 14] & 0xff) << 8;
    assertThat(capabilities & 0x0800).as("CLIENT_SSL").isEqualTo(0x0800);
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void mysqlRefusesAPlaintextLoginWithAnErrPacket() {
    // A HandshakeResponse41 without CLIENT_SSL (flags 05a20800): the login the server must refuse in plaintext.
    byte[] login = HexFormat.of().parseHex("260000" + "01" + "05a20800" + "00000001" + "21" + "00".repeat(23) + "7200" + "00" + "00");

    assertThatThrownBy(() -> serve(StartTlsProtocol.MYSQL, login))
        .hasMessage("MySQL client sent a 38-byte packet without CLIENT_SSL, expected a 32-byte SSLRequest");
  }

  @Test
  void nntpListsStarttlsInCapabilitiesAndAnswers382() throws Exception {
    Exchange e = serve(StartTlsProtocol.NNTP, "CAPABILITIES\r\nSTARTTLS\r\n");

    assertThat(e.serverSaid()).startsWith("200 mx.test InterNetNews NNRP server INN 2.5.4 ready (posting ok)\r\n101 Capability list:\r\n")
        .contains("\r\nSTARTTLS\r\n.\r\n").endsWith("382 Begin TLS negotiation now\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void ircOffersTlsInCapLsAndAnswersStarttlsWith670() throws Exception {
    Exchange e = serve(StartTlsProtocol.IRC, "CAP LS 302\r\nNICK hg\r\nSTARTTLS\r\n");

    assertThat(e.serverSaid()).isEqualTo(":mx.test CAP * LS :tls multi-prefix\r\n"
        + ":mx.test 670 * :STARTTLS successful, go ahead with TLS handshake\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void sieveListsStarttlsAmongQuotedCapabilitiesAndAnswersOk() throws Exception {
    Exchange e = serve(StartTlsProtocol.SIEVE, "STARTTLS\r\n");

    assertThat(e.serverSaid()).startsWith("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n")
        .contains("\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n")
        .endsWith("OK \"Begin TLS negotiation now.\"\r\n");
    assertThat(e.leftUnread()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void aLineLongerThanTheBoundEndsTheDialog() {
    assertThatThrownBy(() -> serve(StartTlsProtocol.SMTP, "EHLO " + "x".repeat(2000) + "\r\n"))
        .isInstanceOf(StartTlsDialogException.class)
        .hasMessage("a line longer than 1024 bytes: 'EHLO xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u2026'");
  }

  @Test
  void aClientThatNeverSaysStarttlsIsCutOffAfterSixteenCommands() {
    assertThatThrownBy(() -> serve(StartTlsProtocol.POP3, "NOOP\r\n".repeat(17)))
        .hasMessage("client sent 16 commands without starting TLS");
  }

  @Test
  void aClientThatStartsTlsWithoutTheDialogIsNamedAsSuch() {
    assertThatThrownBy(() -> serve(StartTlsProtocol.IMAP, new byte[0]))
        .hasMessage("client started TLS (a handshake record) without the STARTTLS dialog");
  }

  @Test
  void aClientThatClosesMidLineIsQuoted() {
    ByteArrayInputStream in = new ByteArrayInputStream("EHLO hal".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> StartTlsProtocol.SMTP.serve(in, new ByteArrayOutputStream(), HOST))
        .hasMessage("client closed in the STARTTLS dialog after 'EHLO hal'");
  }

  @Test
  void aQuitIsReportedWithTheProtocolsWords() {
    assertThatThrownBy(() -> serve(StartTlsProtocol.FTP, "QUIT\r\n")).hasMessage("FTP client quit before AUTH TLS");
  }

  @Test
  void namesAreTheScannersAndABadOneListsTheChoices() {
    assertThat(StartTlsProtocol.choices())
        .isEqualTo("smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc, sieve");
    assertThat(StartTlsProtocol.parse(" XMPP-Server ")).isEqualTo(StartTlsProtocol.XMPP_SERVER);
    assertThatThrownBy(() -> StartTlsProtocol.parse("gopher")).hasMessage(
        "STARTTLS protocol 'gopher' is none of smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc, sieve");
  }
}
