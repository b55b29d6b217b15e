package io.heartguard.wire;

import java.nio.charset.StandardCharsets;

/**
 * Text from a peer made safe for a terminal or a page: every character outside printable ASCII (0x20 to 0x7e) is
 * shown as '.'. That removes C0 controls (ESC starts the sequences that clear a screen or rewrite a line, BEL
 * rings), DEL, the C1 controls (U+009B is a one-character CSI on some terminals), bidirectional overrides and any
 * other character a terminal might act on or show misleadingly. Used for everything a peer wrote that reaches a
 * terminal: certificate names, SNI, STARTTLS replies, reasons quoting a peer.
 */
public final class Printable {
  /** Appended when text was cut. */
  public static final String CUT = "...";

  private Printable() {}

  /** {@code text} with every non-printable character shown as '.'; null stays null. */
  public static String of(String text) {
    return text == null ? null : of(text, Integer.MAX_VALUE);
  }

  /** Like {@link #of(String)}, cut after {@code maxChars} characters with {@value #CUT} appended when longer. */
  public static String of(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    int n = Math.min(text.length(), maxChars);
    StringBuilder s = new StringBuilder(n + CUT.length());
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      s.append(c >= 0x20 && c < 0x7f ? c : '.');
    }
    return text.length() > maxChars ? s.append(CUT).toString() : s.toString();
  }

  /** Bytes from the wire read as ISO-8859-1 (one character per byte), then as {@link #of(String, int)}. */
  public static String of(byte[] bytes, int maxChars) {
    return of(new String(bytes, StandardCharsets.ISO_8859_1), maxChars);
  }
}
