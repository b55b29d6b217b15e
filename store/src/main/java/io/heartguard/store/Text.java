package io.heartguard.store;

import io.heartguard.wire.PeerText;

/**
 * Makes stored strings safe to show. Host names, certificate subjects and reasons come from the network, so they may
 * hold markup or terminal escape sequences. The web checker escapes its pages with the same rules.
 */
public final class Text {
  private Text() {}

  /** For a terminal: {@link PeerText#printable(String)}, the one rule for text from the network. */
  public static String printable(String s) {
    return PeerText.printable(s);
  }

  /**
   * For HTML text and attribute values (quoted with either quote) and for inline SVG: the five XML specials become
   * references; characters XML 1.0 section 2.2 does not allow become U+FFFD, as do bidirectional overrides.
   */
  public static String html(String s) {
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
        default -> {
          boolean control = Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r';
          boolean loneSurrogate = Character.isSurrogate(c) && !pairedSurrogate(s, i);
          if (control || loneSurrogate || isBidiControl(c) || c == '\uFFFE' || c == '\uFFFF') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** At most {@code max} characters, with an ellipsis when cut. */
  public static String shorten(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--; // never split a surrogate pair
    }
    return s.substring(0, end) + "\u2026";
  }

  private static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F';
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
