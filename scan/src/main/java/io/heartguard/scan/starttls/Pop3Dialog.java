package io.heartguard.scan.starttls;

/** POP3 (RFC 2595 section 4): STLS, answered +OK. */
enum Pop3Dialog implements Dialog {
  INSTANCE;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    String greeting = conversation.readLine("the greeting");
    if (greeting.startsWith("-ERR")) {
      throw Dialog.refused(Conversation.quote(greeting));
    }
    if (!greeting.startsWith("+OK")) {
      throw Dialog.unexpected("a POP3 greeting '+OK'", greeting);
    }
    conversation.sendLine("STLS");
    String reply = conversation.readLine("the reply to STLS");
    if (reply.startsWith("-ERR")) {
      throw Dialog.refused(Conversation.quote(reply));
    }
    if (!reply.startsWith("+OK")) {
      throw Dialog.unexpected("'+OK' or '-ERR' to STLS", reply);
    }
    return Conversation.quote(reply);
  }
}
