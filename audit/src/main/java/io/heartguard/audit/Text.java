package io.heartguard.audit;

/** Error text for notes; text from audited files is made printable with wire's {@code Printable}. */
final class Text {
  private Text() {}

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
