package io.heartguard.clienttest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The server's half of a STARTTLS dialog, up to the reply after which the client starts TLS: a greeting, answers to
 * the capability commands clients send first, and the go-ahead. Lines are read one byte at a time so that not one
 * byte of the client's TLS is consumed by the dialog.
 */
public enum StartTlsServer {
  /** RFC 3207: 220 greeting, EHLO answered with STARTTLS, then "220 Ready to start TLS". */
  SMTP,
  /** RFC 3501 section 6.2.1 and RFC 2595: untagged OK with STARTTLS capability, then "tag OK Begin TLS". */
  IMAP,
  /** RFC 2595 section 4: +OK greeting, CAPA lists STLS, then "+OK Begin TLS". */
  POP3,
  /** RFC 4217 section 4: 220 greeting, FEAT lists AUTH TLS, then "234" to AUTH TLS. */
  FTP,
  /** MySQL: a v10 handshake offering CLIENT_SSL, then the client's SSLRequest packet; TLS follows at once. */
  MYSQL,
  /** PostgreSQL: the client's SSLRequest (length 8, code 80877103) is answered 'S'; TLS follows at once. */
  POSTGRES;

  /** Commands answered before the go-ahead; a client that needs more is not trying to start TLS. */
  static final int MAX_COMMANDS = 16;
  /** RFC 5321 section 4.5.3.1.6: a command line is at most 512 octets; IMAP and POP3 lines are shorter in practice. */
  static final int MAX_LINE = 1024;
  private static final String HOST = "heartguard-client-test.invalid";
  /** CLIENT_SSL (0x0800) in the MySQL capability flags. */
  static final int MYSQL_CLIENT_SSL = 0x0800;
  /** PostgreSQL's SSLRequest and GSSENCRequest codes (protocol section 53.2.10). */
  static final int POSTGRES_SSL_REQUEST = 80877103;
  static final int POSTGRES_GSSENC_REQUEST = 80877104;

  /** "smtp", as the command line spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StartTlsServer fromLabel(String label) {
    for (StartTlsServer s : values()) {
      if (s.label().equals(label.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("STARTTLS protocol '" + label + "' is none of smtp, imap, pop3, ftp, mysql, postgres");
  }

  /** Runs the dialog; returns when the client may start TLS, throws with what was seen otherwise. */
  public void serve(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    switch (this) {
      case SMTP -> smtp(in, out);
      case IMAP -> imap(in, out);
      case POP3 -> pop3(in, out);
      case FTP -> ftp(in, out);
      case MYSQL -> mysql(in, out);
      case POSTGRES -> postgres(in, out);
    }
  }

  private static void smtp(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    write(out, "220 " + HOST + " ESMTP heartguard client-test\r\n");
    for (int i = 0; i < MAX_COMMANDS; i++) {
      String line = readLine(in);
      String verb = verb(line);
      switch (verb) {
        case "EHLO" -> write(out, "250-" + HOST + "\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
        case "HELO" -> write(out, "250 " + HOST + "\r\n");
        case "NOOP", "RSET" -> write(out, "250 2.0.0 OK\r\n");
        case "STARTTLS" -> {
          write(out, "220 2.0.0 Ready to start TLS\r\n");
          return;
        }
        case "QUIT" -> {
          write(out, "221 2.0.0 Bye\r\n");
          throw new StartTlsDialogException("SMTP client quit before STARTTLS");
        }
        default -> write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
      }
    }
    throw new StartTlsDialogException("SMTP client sent " + MAX_COMMANDS + " commands without STARTTLS");
  }

  private static void imap(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    String capability = "IMAP4rev1 STARTTLS LOGINDISABLED";
    write(out, "* OK [CAPABILITY " + capability + "] heartguard client-test ready\r\n");
    for (int i = 0; i < MAX_COMMANDS; i++) {
      String line = readLine(in);
      int space = line.indexOf(' ');
      if (space <= 0) {
        write(out, "* BAD expected a tag and a command\r\n");
        continue;
      }
      String tag = line.substring(0, space);
      switch (verb(line.substring(space + 1))) {
        case "CAPABILITY" -> write(out, "* CAPABILITY " + capability + "\r\n" + tag + " OK CAPABILITY completed\r\n");
        case "NOOP" -> write(out, tag + " OK NOOP completed\r\n");
        case "STARTTLS" -> {
          write(out, tag + " OK Begin TLS negotiation now\r\n");
          return;
        }
        case "LOGOUT" -> {
          write(out, "* BYE\r\n" + tag + " OK LOGOUT completed\r\n");
          throw new StartTlsDialogException("IMAP client logged out before STARTTLS");
        }
        default -> write(out, tag + " BAD only CAPABILITY and STARTTLS here\r\n");
      }
    }
    throw new StartTlsDialogException("IMAP client sent " + MAX_COMMANDS + " commands without STARTTLS");
  }

  private static void pop3(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    write(out, "+OK heartguard client-test ready\r\n");
    for (int i = 0; i < MAX_COMMANDS; i++) {
      switch (verb(readLine(in))) {
        case "CAPA" -> write(out, "+OK Capability list follows\r\nSTLS\r\nUSER\r\n.\r\n");
        case "NOOP" -> write(out, "+OK\r\n");
        case "STLS" -> {
          write(out, "+OK Begin TLS negotiation\r\n");
          return;
        }
        case "QUIT" -> {
          write(out, "+OK Bye\r\n");
          throw new StartTlsDialogException("POP3 client quit before STLS");
        }
        default -> write(out, "-ERR only CAPA and STLS here\r\n");
      }
    }
    throw new StartTlsDialogException("POP3 client sent " + MAX_COMMANDS + " commands without STLS");
  }

  private static void ftp(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    write(out, "220 heartguard client-test FTP\r\n");
    for (int i = 0; i < MAX_COMMANDS; i++) {
      String line = readLine(in);
      switch (verb(line)) {
        case "FEAT" -> write(out, "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End\r\n");
        case "NOOP" -> write(out, "200 OK\r\n");
        case "AUTH" -> {
          String mechanism = line.length() > 5 ? line.substring(5).trim().toUpperCase(Locale.ROOT) : "";
          if (mechanism.equals("TLS") || mechanism.equals("SSL") || mechanism.equals("TLS-C")) {
            write(out, "234 AUTH " + mechanism + " successful\r\n");
            return;
          }
          write(out, "504 AUTH " + mechanism + " not supported, use AUTH TLS\r\n");
        }
        case "QUIT" -> {
          write(out, "221 Bye\r\n");
          throw new StartTlsDialogException("FTP client quit before AUTH TLS");
        }
        default -> write(out, "530 Please use AUTH TLS first\r\n");
      }
    }
    throw new StartTlsDialogException("FTP client sent " + MAX_COMMANDS + " commands without AUTH TLS");
  }

  /** MySQL Protocol::HandshakeV10, then Protocol::SSLRequest (a 32-byte HandshakeResponse41 prefix with CLIENT_SSL). */
  private static void mysql(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    int capabilities = 0x0001 | 0x0004 | 0x0008 | 0x0200 | MYSQL_CLIENT_SSL | 0x2000 | 0x8000 | 0x00080000;
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(10); // protocol version
    p.writeBytes("5.5.35-heartguard-client-test\0".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {1, 0, 0, 0}); // connection id
    p.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII)); // auth-plugin-data-part-1, not secret: no login happens
    p.write(0);
    p.write(capabilities & 0xff);
    p.write((capabilities >>> 8) & 0xff);
    p.write(0x21); // utf8_general_ci
    p.writeBytes(new byte[] {2, 0}); // SERVER_STATUS_AUTOCOMMIT
    p.write((capabilities >>> 16) & 0xff);
    p.write((capabilities >>> 24) & 0xff);
    p.write(21); // auth-plugin-data length: 8 + 13
    p.writeBytes(new byte[10]);
    p.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
    byte[] payload = p.toByteArray();
    byte[] packet = new byte[4 + payload.length];
    packet[0] = (byte) payload.length;
    packet[1] = (byte) (payload.length >>> 8);
    packet[2] = (byte) (payload.length >>> 16);
    packet[3] = 0; // sequence id
    System.arraycopy(payload, 0, packet, 4, payload.length);
    out.write(packet);
    out.flush();
    byte[] header = in.readNBytes(4);
    if (header.length < 4) {
      throw new StartTlsDialogException("MySQL client closed after the server handshake");
    }
    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
    if (length < 4 || length > 64 * 1024) {
      throw new StartTlsDialogException("MySQL client packet of " + length + " bytes, expected a 32-byte SSLRequest");
    }
    byte[] body = in.readNBytes(length);
    if (body.length < 4) {
      throw new StartTlsDialogException("MySQL client closed inside its first packet");
    }
    int clientCapabilities = (body[0] & 0xff) | (body[1] & 0xff) << 8 | (body[2] & 0xff) << 16 | (body[3] & 0xff) << 24;
    if ((clientCapabilities & MYSQL_CLIENT_SSL) == 0 || length != 32) {
      throw new StartTlsDialogException("MySQL client sent a " + length + "-byte packet without CLIENT_SSL, expected a"
          + " 32-byte SSLRequest");
    }
  }

  private static void postgres(InputStream in, OutputStream out) throws IOException, StartTlsDialogException {
    for (int i = 0; i < 2; i++) {
      byte[] request = in.readNBytes(8);
      if (request.length < 8) {
        throw new StartTlsDialogException("PostgreSQL client closed before an 8-byte SSLRequest");
      }
      int length = readInt(request, 0);
      int code = readInt(request, 4);
      if (length == 8 && code == POSTGRES_GSSENC_REQUEST) {
        out.write('N'); // no GSSAPI encryption: the client may ask for SSL next
        out.flush();
        continue;
      }
      if (length != 8 || code != POSTGRES_SSL_REQUEST) {
        throw new StartTlsDialogException("PostgreSQL client sent length " + length + ", code " + code
            + "; expected an SSLRequest (8, " + POSTGRES_SSL_REQUEST + ")");
      }
      out.write('S');
      out.flush();
      return;
    }
    throw new StartTlsDialogException("PostgreSQL client sent GSSENCRequest twice");
  }

  private static int readInt(byte[] b, int offset) {
    return (b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8 | (b[offset + 3] & 0xff);
  }

  private static String verb(String line) {
    int space = line.indexOf(' ');
    return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One CRLF- (or LF-) terminated line, without its terminator; at most {@link #MAX_LINE} bytes. */
  static String readLine(InputStream in) throws IOException, StartTlsDialogException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new StartTlsDialogException("client closed in the STARTTLS dialog"
            + (line.size() > 0 ? " after '" + printable(line.toByteArray()) + "'" : ""));
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
      }
      if (line.size() >= MAX_LINE) {
        throw new StartTlsDialogException("a STARTTLS dialog line longer than " + MAX_LINE + " bytes");
      }
      if (line.size() == 0 && b == 0x16) {
        throw new StartTlsDialogException("client started TLS (a handshake record) without the STARTTLS dialog");
      }
      line.write(b);
    }
  }

  private static String printable(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 40); i++) {
      int c = bytes[i] & 0xff;
      s.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
    }
    return s.toString();
  }
}
