package io.heartguard.scan.starttls;

import io.heartguard.wire.PeerText;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plaintext side of one dialog: lines, fixed-size messages and XML fragments read from a {@link Transport}, with
 * bounds on each line and on the whole dialog. Reads are buffered, so {@link #requireNothingMore} checks at the end
 * that the server sent nothing past its positive reply: those bytes would be read as the start of TLS.
 */
final class Conversation {
  /** RFC 5321 section 4.5.3.1.5 allows 512 bytes per reply line; IMAP capability lines run longer. Ample room. */
  static final int MAX_LINE_BYTES = 8 * 1024;
  /** Every dialog here is a few hundred bytes; XMPP features and IMAP banners stay well under this. */
  static final int MAX_DIALOG_BYTES = 64 * 1024;
  /** Lines of one multi-line reply (SMTP EHLO, FTP FEAT, IRC notices, Sieve capabilities). */
  static final int MAX_REPLY_LINES = 128;
  /** How much of the server's text a reason quotes. */
  private static final int QUOTE_CHARS = 160;

  private final Transport transport;
  private final String protocol;
  private byte[] buffer = new byte[2048];
  /** buffer[start, end) is read and not yet consumed; end is also the dialog's byte count so far. */
  private int start;
  private int end;

  Conversation(Transport transport, String protocol) {
    this.transport = transport;
    this.protocol = protocol;
  }

  /** Sends one command line; CRLF is appended as every line-based protocol here expects. */
  void sendLine(String line) throws StartTlsException {
    send((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  void send(byte[] data) throws StartTlsException {
    transport.write(data);
  }

  /** The next line without its CR LF (a bare LF is accepted, as servers send it), decoded as Latin-1. */
  String readLine(String awaiting) throws StartTlsException {
    int scanned = start;
    while (true) {
      for (int i = scanned; i < end; i++) {
        if (buffer[i] == '\n') {
          int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buffer, start, stop - start, StandardCharsets.ISO_8859_1);
          start = i + 1;
          return line;
        }
      }
      scanned = end;
      if (end - start > MAX_LINE_BYTES) {
        throw new StartTlsException(StartTlsException.Kind.LIMIT,
            "a line longer than " + MAX_LINE_BYTES + " bytes from the server while waiting for " + awaiting);
      }
      fill(awaiting);
    }
  }

  /** Exactly {@code count} bytes. */
  byte[] readBytes(int count, String awaiting) throws StartTlsException {
    if (count > MAX_DIALOG_BYTES) {
      throw new StartTlsException(StartTlsException.Kind.LIMIT,
          "the server announced a " + count + "-byte " + awaiting + ", more than the " + MAX_DIALOG_BYTES + " we read");
    }
    while (end - start < count) {
      fill(awaiting);
    }
    byte[] bytes = Arrays.copyOfRange(buffer, start, start + count);
    start += count;
    return bytes;
  }

  /** Text up to and including the first match of {@code end} (XMPP's stream, which has no lines). */
  String readUntil(Pattern until, String awaiting) throws StartTlsException {
    while (true) {
      String text = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
      Matcher m = until.matcher(text);
      if (m.find()) {
        start += m.end(); // Latin-1: one char per byte
        return text.substring(0, m.end());
      }
      fill(awaiting);
    }
  }

  /** Fails if the server sent anything past its positive reply, before our ClientHello. */
  void requireNothingMore(String reply) throws StartTlsException {
    if (end > start) {
      throw new StartTlsException(StartTlsException.Kind.UNEXPECTED, "server sent " + (end - start)
          + " bytes after its STARTTLS reply (" + quote(reply) + "), before our ClientHello: "
          + quote(new String(buffer, start, Math.min(end - start, 32), StandardCharsets.ISO_8859_1)));
    }
  }

  String protocol() {
    return protocol;
  }

  private void fill(String awaiting) throws StartTlsException {
    if (end >= MAX_DIALOG_BYTES) {
      throw new StartTlsException(StartTlsException.Kind.LIMIT,
          "more than " + MAX_DIALOG_BYTES + " bytes of " + protocol + " dialog while waiting for " + awaiting);
    }
    if (end == buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.min(MAX_DIALOG_BYTES, buffer.length * 2));
    }
    int n;
    try {
      n = transport.read(buffer, end, buffer.length - end);
    } catch (StartTlsException e) {
      throw new StartTlsException(e.kind(), e.getMessage() + " while waiting for " + awaiting);
    }
    end += n;
  }

  /** The server's own text, quoted for a reason: made printable ({@link PeerText}), long text cut. */
  static String quote(String text) {
    return PeerText.printable(text, QUOTE_CHARS);
  }
}
