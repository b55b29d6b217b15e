package io.heartguard.serve;

/**
 * Escaping for server-rendered pages. Host names, targets, reasons and certificate names are attacker-controlled,
 * so every text and attribute value goes through {@link #text}; nothing is ever written raw.
 */
final class Html {
  private Html() {}

  /** Escapes for both text and double- or single-quoted attribute values (OWASP rule #1 and #2 characters). */
  static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '`' -> out.append("&#96;");
        default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  /** A user's text for a one-line message: control characters replaced, cut to {@code max} characters. */
  static String printable(String s, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return s.length() > max ? out + "..." : out.toString();
  }

  /** A path segment for a link (a host name in /hosts/{host}): percent-encodes everything outside unreserved. */
  static String pathSegment(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
