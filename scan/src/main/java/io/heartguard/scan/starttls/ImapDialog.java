package io.heartguard.scan.starttls;

import java.util.Locale;

/** IMAP (RFC 3501 section 6.2.1): STARTTLS as a tagged command, a tagged OK as the go-ahead. */
enum ImapDialog implements Dialog {
  INSTANCE;

  static final String TAG = "a1";

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    String greeting = conversation.readLine("the greeting");
    String upper = greeting.toUpperCase(Locale.ROOT);
    if (upper.startsWith("* BYE") || upper.startsWith("* PREAUTH")) {
      // PREAUTH: already authenticated, and RFC 3501 allows STARTTLS only in the not-authenticated state.
      throw Dialog.refused(Conversation.quote(greeting));
    }
    if (!upper.startsWith("* OK")) {
      throw Dialog.unexpected("an IMAP greeting '* OK'", greeting);
    }
    conversation.sendLine(TAG + " STARTTLS");
    for (int i = 0; i < Conversation.MAX_REPLY_LINES; i++) {
      String line = conversation.readLine("the reply to STARTTLS");
      String reply = line.toUpperCase(Locale.ROOT);
      if (reply.startsWith("* ")) {
        continue; // untagged data (a CAPABILITY, an alert) may come before the tagged completion
      }
      if (reply.startsWith(TAG.toUpperCase(Locale.ROOT) + " OK")) {
        return Conversation.quote(line);
      }
      if (reply.startsWith(TAG.toUpperCase(Locale.ROOT) + " NO") || reply.startsWith(TAG.toUpperCase(Locale.ROOT) + " BAD")) {
        throw Dialog.refused(Conversation.quote(line));
      }
      throw Dialog.unexpected("'" + TAG + " OK' or untagged lines", line);
    }
    throw new StartTlsException(StartTlsException.Kind.LIMIT,
        "more than " + Conversation.MAX_REPLY_LINES + " untagged lines before the reply to STARTTLS");
  }
}
