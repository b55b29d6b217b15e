package io.heartguard.wire;

import java.nio.charset.StandardCharsets;

/**
 * Text a peer sent (a certificate subject, a STARTTLS reply, a banner, a host name from DNS), made safe for a terminal
 * or a log line. A terminal obeys control characters: ESC starts a command that can clear the screen or retitle the
 * window, BEL rings, CR overwrites the line, and bidirectional overrides reorder what is shown. Each such character is
 * written as an escape a reader can see: {@code \x1b}, {@code \x07}, {@code \r}, {@code \u202e}. Everything else is
 * kept as it is. One function for every module that prints what came from the network.
 */
public final class PeerText {
  private PeerText() {}

  /** The text with every control, format and unpaired surrogate character written as a visible escape. */
  public static String printable(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escape = escape(text, i);
      if (escape != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (escape != null) {
          out.append(escape);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** As {@link #printable(String)}, of at most {@code maxChars} characters of the text and "…" when it was longer. */
  public static String printable(String text, int maxChars) {
    if (text == null) {
      return "";
    }
    if (text.length() <= maxChars) {
      return printable(text);
    }
    int end = maxChars;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return printable(text.substring(0, end)) + "\u2026";
  }

  /** Bytes as ISO-8859-1 text (one character a byte, so nothing is lost to decoding), then as {@link #printable(String, int)}. */
  public static String printable(byte[] bytes, int maxChars) {
    return printable(new String(bytes, StandardCharsets.ISO_8859_1), maxChars);
  }

  private static String escape(String text, int i) {
    char c = text.charAt(i);
    switch (c) {
      case '\t':
        return "\\t";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      default:
        break;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return String.format("\\x%02x", (int) c); // C0, DEL and C1 (U+009B is CSI to a UTF-8 terminal)
    }
    boolean format = Character.getType(c) == Character.FORMAT; // bidi overrides and isolates, zero-width characters
    boolean lone = Character.isHighSurrogate(c) ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
        : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    if (format || lone || c == '\u2028' || c == '\u2029') {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
