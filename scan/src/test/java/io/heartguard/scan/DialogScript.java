package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.starttls.StartTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The server side of each STARTTLS dialog, as a {@link FakeServer.Prelude}: what a real server of the protocol says,
 * checked against what the scanner must say. The first group ends ready for TLS, so the {@link ServerPolicy} then
 * decides the verdict; the second refuses or misbehaves, and must leave the scanner INCONCLUSIVE. A script reads
 * byte by byte, so nothing of the ClientHello is read before TLS starts.
 */
enum DialogScript implements FakeServer.Prelude {
  /** Postfix-like: a 220 greeting, EHLO listing STARTTLS among other extensions, 220 to STARTTLS. */
  SMTP(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220-mx.test ESMTP\r\n220 no UCE\r\n");
      expect(in, "EHLO heartguard.invalid");
      send(out, "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
      expect(in, "STARTTLS");
      send(out, "220 2.0.0 Ready to start TLS\r\n");
      return true;
    }
  },
  /** Dovecot's LMTP: LHLO instead of EHLO. */
  LMTP(StartTls.LMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220 lmtp.test Dovecot ready.\r\n");
      expect(in, "LHLO heartguard.invalid");
      send(out, "250-lmtp.test\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 PIPELINING\r\n");
      expect(in, "STARTTLS");
      send(out, "220 2.0.0 Begin TLS negotiation now.\r\n");
      return true;
    }
  },
  /** An untagged CAPABILITY line before the tagged OK, as some servers send. */
  IMAP(StartTls.IMAP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] imap.test ready.\r\n");
      expect(in, "a1 STARTTLS");
      send(out, "* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK Begin TLS negotiation now.\r\n");
      return true;
    }
  },
  POP3(StartTls.POP3) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "+OK pop3.test ready.\r\n");
      expect(in, "STLS");
      send(out, "+OK Begin TLS negotiation now.\r\n");
      return true;
    }
  },
  /** A multi-line greeting, as vsftpd's banner_file makes. */
  FTP(StartTls.FTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220-Welcome to ftp.test\r\n  authorized use only\r\n220 (vsFTPd 3.0.3)\r\n");
      expect(in, "AUTH TLS");
      send(out, "234 Proceed with negotiation.\r\n");
      return true;
    }
  },
  XMPP(StartTls.XMPP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      return xmpp(in, out, "jabber:client");
    }
  },
  XMPP_SERVER(StartTls.XMPP_SERVER) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      return xmpp(in, out, "jabber:server");
    }
  },
  LDAP(StartTls.LDAP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      expectBytes(in, LDAP_START_TLS_REQUEST);
      // 30 0c            LDAPMessage, 12 bytes
      //    02 01 01      messageID 1
      //    78 07         ExtendedResponse, 7 bytes
      //       0a 01 00   resultCode success (0)
      //       04 00      matchedDN ""
      //       04 00      diagnosticMessage ""
      out.write(HexFormat.of().parseHex("300c02010178070a010004000400"));
      return true;
    }
  },
  POSTGRES(StartTls.POSTGRES) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      expectBytes(in, POSTGRES_SSL_REQUEST);
      out.write('S');
      return true;
    }
  },
  /** MariaDB 10.11's Initial Handshake with CLIENT_SSL; the scanner's SSLRequest must ask for CLIENT_SSL too. */
  MYSQL(StartTls.MYSQL) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      out.write(mysqlHandshake(0xfffe)); // every lower capability but CLIENT_LONG_PASSWORD, CLIENT_SSL (0x800) among them
      byte[] request = in.readNBytes(4 + 32);
      // 20 00 00 01: a 32-byte packet, sequence id 1; then capability flags, little-endian.
      assertThat(HexFormat.of().formatHex(request, 0, 4)).isEqualTo("20000001");
      assertThat(request[5] & 0x08).as("CLIENT_SSL (0x800) in the SSLRequest").isNotZero();
      return true;
    }
  },
  NNTP(StartTls.NNTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "200 news.test InterNetNews NNRP server INN 2.7.1 ready (posting ok)\r\n");
      expect(in, "STARTTLS");
      send(out, "382 Begin TLS negotiation now\r\n");
      return true;
    }
  },
  /** Notices while the server looks the client up, then 670 (IRCv3 tls-3.1). */
  IRC(StartTls.IRC) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, ":irc.test NOTICE * :*** Looking up your hostname...\r\n");
      expect(in, "STARTTLS");
      send(out, ":irc.test NOTICE * :*** Found your hostname\r\n:irc.test 670 * :STARTTLS successful, proceed with TLS handshake\r\n");
      return true;
    }
  },
  /** Dovecot Pigeonhole's ManageSieve greeting. */
  SIEVE(StartTls.SIEVE) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject envelope\"\r\n"
          + "\"STARTTLS\"\r\n\"SASL\" \"\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n");
      expect(in, "STARTTLS");
      send(out, "OK \"Begin TLS negotiation now.\"\r\n");
      return true;
    }
  },

  /** vsftpd with a broken TLS setup greets with 500 OOPS and hangs up. */
  FTP_500_OOPS(StartTls.FTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "500 OOPS: SSL: cannot load RSA certificate\r\n");
      return false;
    }
  },
  /** An MTA without TLS: EHLO lists no STARTTLS. */
  SMTP_WITHOUT_STARTTLS(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220 mx.test ESMTP\r\n");
      expect(in, "EHLO heartguard.invalid");
      send(out, "250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
      drain(in);
      return false;
    }
  },
  /** STARTTLS offered, then refused for the moment (RFC 3207 section 4). */
  SMTP_TLS_NOT_AVAILABLE(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220 mx.test ESMTP\r\n");
      expect(in, "EHLO heartguard.invalid");
      send(out, "250-mx.test\r\n250 STARTTLS\r\n");
      expect(in, "STARTTLS");
      send(out, "454 4.7.0 TLS not available due to local problem\r\n");
      drain(in);
      return false;
    }
  },
  /** PostgreSQL with ssl = off. */
  POSTGRES_NO_SSL(StartTls.POSTGRES) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      expectBytes(in, POSTGRES_SSL_REQUEST);
      out.write('N');
      drain(in);
      return false;
    }
  },
  /** MySQL without have_ssl: the capability flags lack CLIENT_SSL. */
  MYSQL_WITHOUT_SSL(StartTls.MYSQL) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      out.write(mysqlHandshake(0xfffe & ~0x0800)); // 0xf7fe
      drain(in);
      return false;
    }
  },
  /** An LDAP server without StartTLS: protocolError (2). */
  LDAP_PROTOCOL_ERROR(StartTls.LDAP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      expectBytes(in, LDAP_START_TLS_REQUEST);
      // 30 2a            LDAPMessage, 42 bytes
      //    02 01 01      messageID 1
      //    78 25         ExtendedResponse, 37 bytes
      //       0a 01 02   resultCode protocolError (2)
      //       04 00      matchedDN ""
      //       04 1e ...  diagnosticMessage, 30 bytes
      out.write(HexFormat.of().parseHex("302a02010178250a0102040004 1e".replace(" ", "")));
      out.write("unsupported extended operation".getBytes(StandardCharsets.US_ASCII));
      drain(in);
      return false;
    }
  },
  /** An XMPP server whose features lack starttls. */
  XMPP_WITHOUT_STARTTLS(StartTls.XMPP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      readUntil(in, "version='1.0'>");
      send(out, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
          + " id='s1' from='localhost' version='1.0'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
          + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
      drain(in);
      return false;
    }
  },
  /** Says 220 to STARTTLS, then goes on in plaintext in the same write: those bytes are not TLS, let alone a leak. */
  SMTP_PLAINTEXT_AFTER_STARTTLS(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220 mx.test ESMTP\r\n");
      expect(in, "EHLO heartguard.invalid");
      send(out, "250-mx.test\r\n250 STARTTLS\r\n");
      expect(in, "STARTTLS");
      send(out, "220 2.0.0 Ready to start TLS\r\n250 mx.test still in plaintext\r\n");
      drain(in);
      return false;
    }
  },
  /** Says 220 to STARTTLS, then answers the ClientHello with a plaintext SMTP error. */
  SMTP_PLAINTEXT_INSTEAD_OF_TLS(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      send(out, "220 mx.test ESMTP\r\n");
      expect(in, "EHLO heartguard.invalid");
      send(out, "250-mx.test\r\n250 STARTTLS\r\n");
      expect(in, "STARTTLS");
      send(out, "220 2.0.0 Ready to start TLS\r\n");
      in.readNBytes(5); // the ClientHello's record header: it has begun
      send(out, "500 5.5.2 Error: bad syntax\r\n");
      drain(in);
      return false;
    }
  },
  /** Greets with one line that never ends: the line bound must stop it. */
  ENDLESS_LINE(StartTls.POP3) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      byte[] chunk = "+OK ".repeat(1024).getBytes(StandardCharsets.US_ASCII);
      while (true) {
        out.write(chunk); // ends with an IOException when the scanner hangs up
      }
    }
  },
  /** Accepts the connection and says nothing: the deadline must end the dialog. */
  SILENT(StartTls.SMTP) {
    @Override
    public boolean play(InputStream in, OutputStream out) throws IOException {
      drain(in);
      return false;
    }
  };

  /** 30 1d 02 01 01 77 18 80 16 "1.3.6.1.4.1.1466.20037": the StartTLS ExtendedRequest (RFC 4511 section 4.14.1). */
  static final byte[] LDAP_START_TLS_REQUEST = HexFormat.of().parseHex(
      "301d02010177188016" + HexFormat.of().formatHex("1.3.6.1.4.1.1466.20037".getBytes(StandardCharsets.US_ASCII)));
  /** 00000008 04d2162f: length 8, then 80877103 (1234 << 16 | 5679). */
  static final byte[] POSTGRES_SSL_REQUEST = HexFormat.of().parseHex("0000000804d2162f");

  private final StartTls protocol;

  DialogScript(StartTls protocol) {
    this.protocol = protocol;
  }

  StartTls protocol() {
    return protocol;
  }

  /** Whether the script ends ready for TLS (the first group). */
  boolean reachesTls() {
    return ordinal() <= SIEVE.ordinal();
  }

  private static boolean xmpp(InputStream in, OutputStream out, String namespace) throws IOException {
    String header = readUntil(in, "version='1.0'>");
    assertThat(header).contains("<stream:stream xmlns='" + namespace + "'", "to='localhost'");
    send(out, "<?xml version='1.0'?><stream:stream xmlns='" + namespace + "' xmlns:stream='http://etherx.jabber.org/streams'"
        + " id='s1' from='localhost' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
        + "<required/></starttls></stream:features>");
    readUntil(in, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    send(out, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    return true;
  }

  /**
   * A protocol-10 Initial Handshake: length and sequence 0, protocol 10, version "10.11.6-MariaDB", connection id,
   * 8 bytes of scramble, a filler, the lower capability flags, charset, status, upper flags, scramble length, 10
   * reserved, the rest of the scramble and the auth plugin's name.
   */
  private static byte[] mysqlHandshake(int lowerCapabilities) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(10);
    p.writeBytes("10.11.6-MariaDB\0".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {7, 0, 0, 0});
    p.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII));
    p.write(0);
    p.write(lowerCapabilities & 0xff);
    p.write(lowerCapabilities >> 8);
    p.write(33);
    p.writeBytes(new byte[] {2, 0});
    p.writeBytes(new byte[] {(byte) 0xff, (byte) 0x81});
    p.write(21);
    p.writeBytes(new byte[10]);
    p.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
    byte[] payload = p.toByteArray();
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.writeBytes(new byte[] {(byte) payload.length, 0, 0, 0});
    packet.writeBytes(payload);
    return packet.toByteArray();
  }

  static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads one CRLF-terminated line, byte by byte, and checks it. */
  static void expect(InputStream in, String line) throws IOException {
    assertThat(readUntil(in, "\r\n")).isEqualTo(line + "\r\n");
  }

  static void expectBytes(InputStream in, byte[] expected) throws IOException {
    assertThat(HexFormat.of().formatHex(in.readNBytes(expected.length))).isEqualTo(HexFormat.of().formatHex(expected));
  }

  /** Text up to and including {@code suffix}; at most 4 KB, which every client message here stays under. */
  static String readUntil(InputStream in, String suffix) throws IOException {
    StringBuilder text = new StringBuilder();
    while (!text.toString().endsWith(suffix)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the scanner hung up after " + text.length() + " bytes"); // a hang-up, not a failure
      }
      text.append((char) b);
      assertThat(text.length()).as("client message so far: %s", text).isLessThan(4096);
    }
    return text.toString();
  }

  static void drain(InputStream in) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
  }
}
