package io.heartguard.serve;

import io.heartguard.store.Text;

/**
 * Escaping for server-rendered pages. Host names, targets, reasons and certificate names are attacker-controlled,
 * so every text and attribute value goes through {@link #text}; nothing is ever written raw.
 */
final class Html {
  private Html() {}

  /** Escapes for text and double- or single-quoted attribute values: store's rules, shared with its HTML report. */
  static String text(String s) {
    return Text.html(s);
  }

  /** A user's text for a one-line message: control characters replaced, cut to {@code max} characters. */
  static String printable(String s, int max) {
    return Text.shorten(Text.printable(s), max);
  }

  /** A path segment for a link (a host name in /hosts/{host}): percent-encodes everything outside unreserved. */
  static String pathSegment(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
