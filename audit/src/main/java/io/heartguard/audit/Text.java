package io.heartguard.audit;

/**
 * Makes strings from audited files safe for a terminal. File names, process names and banners come from the
 * systems and images audited, so they may hold terminal escape sequences. Same rule as store's Text.printable,
 * which this module cannot depend on.
 */
final class Text {
  private Text() {}

  /** Control characters (ESC starts a terminal command) and bidirectional overrides become '?'. */
  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F';
      out.append(Character.isISOControl(c) || bidi ? '?' : c);
    }
    return out.toString();
  }

  /** An exception's own words on one line, without its class name unless it has no message. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String line = m.replaceAll("\\s*\\R\\s*", " ").strip();
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied: " + line
        : e instanceof java.nio.file.NoSuchFileException ? "no such file: " + line
        : e instanceof java.io.EOFException && !line.contains("truncated") ? "truncated: " + line : line;
  }
}
