package io.heartguard.scan.starttls;

import java.util.Locale;

/**
 * IRC's STARTTLS extension (IRCv3 tls-3.1): STARTTLS, answered by numeric 670 RPL_STARTTLS or 691 ERR_STARTTLS.
 * IRC servers may greet with NOTICE lines (or not at all while they look up our name), so the command goes out at
 * once and every line up to the numeric is read past.
 */
enum IrcDialog implements Dialog {
  INSTANCE;

  static final String RPL_STARTTLS = "670";
  static final String ERR_STARTTLS = "691";
  /** RFC 2812 section 5.2: the command is unknown to the server. */
  static final String ERR_UNKNOWNCOMMAND = "421";

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    conversation.sendLine("STARTTLS");
    for (int i = 0; i < Conversation.MAX_REPLY_LINES; i++) {
      String line = conversation.readLine("the reply to STARTTLS");
      String[] words = withoutPrefix(line).split(" ", 2);
      String command = words[0].toUpperCase(Locale.ROOT);
      switch (command) {
        case RPL_STARTTLS -> {
          return Conversation.quote(line);
        }
        case ERR_STARTTLS, ERR_UNKNOWNCOMMAND, "ERROR" -> throw Dialog.refused(Conversation.quote(line));
        default -> {
          if (!(command.equals("NOTICE") || command.matches("\\d{3}"))) {
            throw Dialog.unexpected("IRC NOTICE or numeric lines, then 670", line);
          }
        }
      }
    }
    throw new StartTlsException(StartTlsException.Kind.LIMIT,
        "more than " + Conversation.MAX_REPLY_LINES + " lines before the reply to STARTTLS");
  }

  /** RFC 2812 section 2.3.1: a message may begin with ":prefix ". */
  private static String withoutPrefix(String line) {
    if (!line.startsWith(":")) {
      return line;
    }
    int space = line.indexOf(' ');
    return space < 0 ? "" : line.substring(space + 1);
  }
}
