package io.heartguard.detect;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns leaked memory into a hex dump an analyst can share: what looks like a secret is masked before it is
 * written. Masked are the values after credential keywords (passwords, tokens, cookies, Authorization headers),
 * PEM blocks, and long runs of base64 or hex, which is how keys and session ids look in memory.
 */
public final class LeakRedactor {
  private static final Pattern KEYWORD_VALUE = Pattern.compile(
      "(?i)(pass(word|wd)?|pwd|secret|token|api[_-]?key|session(id)?|auth\\w*|cookie|set-cookie|key)"
          + "(\\s*[:=]\\s*)([^\\r\\n&;\\x00]*)");
  private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z ]+-----[\\s\\S]*?(-----END [A-Z ]+-----|\\z)");
  /** 20 characters of base64 or hex in a row: 120 bits or more, the size of a key or session id. */
  private static final Pattern OPAQUE_RUN = Pattern.compile("[A-Za-z0-9+/=_-]{20,}");
  private static final char MASK = '*';

  private LeakRedactor() {}

  /** A hex dump of {@code leaked}, 16 bytes a line, with secrets masked in both the hex and the text column. */
  public static String maskedHexDump(byte[] leaked) {
    boolean[] masked = secretPositions(leaked);
    StringBuilder out = new StringBuilder(leaked.length * 5);
    for (int line = 0; line < leaked.length; line += 16) {
      out.append(String.format(Locale.ROOT, "%08x  ", line));
      StringBuilder text = new StringBuilder(16);
      for (int i = line; i < line + 16; i++) {
        if (i >= leaked.length) {
          out.append("   ");
          continue;
        }
        int b = leaked[i] & 0xff;
        if (masked[i]) {
          out.append("** ");
          text.append(MASK);
        } else {
          out.append(String.format(Locale.ROOT, "%02x ", b));
          text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
      }
      out.append(" |").append(text).append("|\n");
    }
    return out.toString();
  }

  /** Which bytes to mask. */
  static boolean[] secretPositions(byte[] leaked) {
    boolean[] masked = new boolean[leaked.length];
    // ISO-8859-1 maps each byte to one char, so string indices are byte offsets.
    String text = new String(leaked, StandardCharsets.ISO_8859_1);
    Matcher m = KEYWORD_VALUE.matcher(text);
    while (m.find()) {
      mark(masked, m.start(5), m.end(5));
    }
    m = PEM.matcher(text);
    while (m.find()) {
      mark(masked, m.start(), m.end());
    }
    m = OPAQUE_RUN.matcher(text);
    while (m.find()) {
      mark(masked, m.start(), m.end());
    }
    return masked;
  }

  private static void mark(boolean[] masked, int from, int to) {
    for (int i = from; i < to; i++) {
      masked[i] = true;
    }
  }
}
