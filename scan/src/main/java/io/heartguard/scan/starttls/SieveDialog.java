package io.heartguard.scan.starttls;

import java.util.Locale;

/**
 * ManageSieve (RFC 5804 section 2.2): the greeting lists capabilities, one quoted name per line, ended by OK; a
 * server that offers TLS lists "STARTTLS"; the command is answered OK.
 */
enum SieveDialog implements Dialog {
  INSTANCE;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    boolean offered = false;
    int lines = 0;
    while (true) {
      String line = conversation.readLine("the capability greeting");
      String upper = line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("OK")) {
        break;
      }
      if (upper.startsWith("NO") || upper.startsWith("BYE")) {
        throw Dialog.refused(Conversation.quote(line));
      }
      if (!upper.startsWith("\"")) {
        throw Dialog.unexpected("quoted capability lines ended by OK", line);
      }
      offered |= upper.equals("\"STARTTLS\"") || upper.startsWith("\"STARTTLS\" ");
      if (++lines == Conversation.MAX_REPLY_LINES) {
        throw new StartTlsException(StartTlsException.Kind.LIMIT,
            "more than " + Conversation.MAX_REPLY_LINES + " capability lines without OK");
      }
    }
    if (!offered) {
      throw Dialog.refused("no \"STARTTLS\" among " + lines + " capabilities");
    }
    conversation.sendLine("STARTTLS");
    String reply = conversation.readLine("the reply to STARTTLS");
    String upper = reply.toUpperCase(Locale.ROOT);
    if (upper.startsWith("OK")) {
      return Conversation.quote(reply);
    }
    if (upper.startsWith("NO") || upper.startsWith("BYE")) {
      throw Dialog.refused(Conversation.quote(reply));
    }
    throw Dialog.unexpected("OK, NO or BYE to STARTTLS", reply);
  }
}
