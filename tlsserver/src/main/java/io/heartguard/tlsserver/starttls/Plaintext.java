package io.heartguard.tlsserver.starttls;

import io.heartguard.wire.PeerText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The server's plaintext side of one dialog: lines, fixed-size messages and XML tags read one byte at a time, so that
 * not one byte of the client's TLS is taken by the dialog, with a bound on each line and on the number of commands.
 * Time is bounded by the stream: the lab's reads carry its read timeout and connection deadline.
 */
final class Plaintext {
  /** RFC 5321 section 4.5.3.1.4 allows 512 octets per command line; no pre-TLS command of these protocols is longer. */
  static final int MAX_LINE = 1024;
  /** Commands answered before the go-ahead: the scanners send at most three, a client needing more is not starting TLS. */
  static final int MAX_COMMANDS = 16;
  /** An XMPP stream header or a {@code <starttls/>} element is a few hundred bytes. */
  static final int MAX_TAG = 4096;
  /** TLS's handshake content type (RFC 5246 section 6.2.1): a client that skipped the dialog. */
  private static final int TLS_HANDSHAKE = 0x16;

  private final InputStream in;
  private final OutputStream out;
  private final String serverName;
  private int commands;

  Plaintext(InputStream in, OutputStream out, String serverName) {
    this.in = in;
    this.out = out;
    this.serverName = serverName;
  }

  /** The host name the greetings announce. */
  String serverName() {
    return serverName;
  }

  void write(String text) throws IOException {
    write(text.getBytes(StandardCharsets.US_ASCII));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next command line, counted against {@link #MAX_COMMANDS}. */
  String command() throws IOException, StartTlsDialogException {
    if (++commands > MAX_COMMANDS) {
      throw new StartTlsDialogException("client sent " + MAX_COMMANDS + " commands without starting TLS");
    }
    return readLine();
  }

  /** One CRLF- (or bare LF-) terminated line without its terminator, decoded as Latin-1. */
  String readLine() throws IOException, StartTlsDialogException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw closed(line.toByteArray());
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      if (line.size() == 0 && b == TLS_HANDSHAKE) {
        throw new StartTlsDialogException("client started TLS (a handshake record) without the STARTTLS dialog");
      }
      if (line.size() >= MAX_LINE) {
        throw new StartTlsDialogException("a line longer than " + MAX_LINE + " bytes: '" + printable(line.toByteArray()) + "'");
      }
      line.write(b);
    }
  }

  /** Exactly {@code count} bytes of a binary protocol message named {@code what}. */
  byte[] readBytes(int count, String what) throws IOException, StartTlsDialogException {
    byte[] bytes = in.readNBytes(count);
    if (bytes.length < count) {
      throw new StartTlsDialogException("client closed after " + bytes.length + " of the " + count + " bytes of " + what);
    }
    return bytes;
  }

  /**
   * The next XML tag, from '<' to '>', whitespace before it skipped. Attribute values may not hold '>' here, which
   * no client's stream header or {@code <starttls/>} does.
   */
  String readTag() throws IOException, StartTlsDialogException {
    ByteArrayOutputStream tag = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw closed(tag.toByteArray());
      }
      if (tag.size() == 0) {
        if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
          continue;
        }
        if (b == TLS_HANDSHAKE) {
          throw new StartTlsDialogException("client started TLS (a handshake record) without the STARTTLS dialog");
        }
        if (b != '<') {
          throw new StartTlsDialogException("client sent '" + printable(new byte[] {(byte) b}) + "' where an XML tag was expected");
        }
      }
      if (tag.size() >= MAX_TAG) {
        throw new StartTlsDialogException("an XML tag longer than " + MAX_TAG + " bytes: '" + printable(tag.toByteArray()) + "'");
      }
      tag.write(b);
      if (b == '>') {
        return tag.toString(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * Consumes XML whitespace the client sent right behind its last element and that has already arrived: a server's
   * XML parser eats it before TLS starts (sslscan sends {@code "<starttls/>\r\n"} in one write). Only what
   * {@code available()} says is here is read, so this never waits; anything but whitespace there is the client
   * talking before the go-ahead.
   */
  void skipArrivedWhitespace() throws IOException, StartTlsDialogException {
    for (int i = 0; i < MAX_TAG && in.available() > 0; i++) {
      int b = in.read();
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        throw new StartTlsDialogException("client sent '" + printable(new byte[] {(byte) b})
            + "' after its last element, before the go-ahead");
      }
    }
  }

  /** The command word of a line, upper-cased: "EHLO" of "ehlo client.example". */
  static String verb(String line) {
    int space = line.indexOf(' ');
    return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  /** What follows the command word, trimmed; empty when there is nothing. */
  static String argument(String line) {
    int space = line.indexOf(' ');
    return space < 0 ? "" : line.substring(space + 1).strip();
  }

  /** The client's own text for a one-line reason: made printable, at most 40 characters. */
  static String printable(String text) {
    return PeerText.printable(text, 40);
  }

  static String printable(byte[] bytes) {
    return PeerText.printable(bytes, 40);
  }

  private static StartTlsDialogException closed(byte[] partial) {
    return new StartTlsDialogException("client closed in the STARTTLS dialog"
        + (partial.length > 0 ? " after '" + printable(partial) + "'" : ""));
  }
}
