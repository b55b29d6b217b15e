package io.heartguard.scan.starttls;

import java.util.ArrayList;
import java.util.List;

/**
 * A reply of the three-digit kind SMTP, LMTP, FTP and NNTP share: {@code 250-first}, {@code 250-more},
 * {@code 250 last}, or a single {@code 220 text} line.
 *
 * @param lines the reply's lines as sent, code included
 */
record NumericReply(int code, List<String> lines) {
  NumericReply {
    lines = List.copyOf(lines);
  }

  /**
   * RFC 5321 section 4.2.1: every line but the last has a hyphen after the code. RFC 959 section 4.2 lets the lines
   * between the first and the last be any text, so only the last is checked for the code.
   */
  static NumericReply read(Conversation conversation, String awaiting) throws StartTlsException {
    String first = conversation.readLine(awaiting);
    int code = codeOf(first);
    if (code < 0) {
      throw Dialog.unexpected("a three-digit reply as " + awaiting, first);
    }
    List<String> lines = new ArrayList<>();
    lines.add(first);
    if (first.length() > 3 && first.charAt(3) == '-') {
      String last = first.substring(0, 3) + " ";
      String line;
      do {
        if (lines.size() == Conversation.MAX_REPLY_LINES) {
          throw new StartTlsException(StartTlsException.Kind.LIMIT,
              "a reply of more than " + Conversation.MAX_REPLY_LINES + " lines as " + awaiting);
        }
        line = conversation.readLine(awaiting);
        lines.add(line);
      } while (!(line.startsWith(last) || line.equals(last.strip())));
    }
    return new NumericReply(code, lines);
  }

  /** The reply as one line, for a reason or the evidence: the first line, and how many more there were. */
  String summary() {
    String first = Conversation.quote(lines.getFirst());
    return lines.size() == 1 ? first : first + " (+" + (lines.size() - 1) + " lines)";
  }

  /** The last line, which carries the final word of a multi-line reply. */
  String last() {
    return Conversation.quote(lines.getLast());
  }

  private static int codeOf(String line) {
    if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
      return -1;
    }
    for (int i = 0; i < 3; i++) {
      if (line.charAt(i) < '0' || line.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(line.substring(0, 3));
  }
}
