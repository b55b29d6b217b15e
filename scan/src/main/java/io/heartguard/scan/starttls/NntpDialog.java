package io.heartguard.scan.starttls;

/** NNTP (RFC 4642 section 2.2): STARTTLS, answered 382. */
enum NntpDialog implements Dialog {
  INSTANCE;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    NumericReply greeting = NumericReply.read(conversation, "the greeting");
    // RFC 3977 section 5.1.1: 200 posting allowed, 201 not; 400 and 502 refuse service.
    if (greeting.code() != 200 && greeting.code() != 201) {
      throw Dialog.refused(greeting.summary());
    }
    conversation.sendLine("STARTTLS");
    NumericReply reply = NumericReply.read(conversation, "the reply to STARTTLS");
    if (reply.code() == 401 && reply.lines().getFirst().toUpperCase(java.util.Locale.ROOT).contains("MODE-READER")) {
      // RFC 3977 section 3.2.1: 401 names the capability that changes mode. INN's innd takes peers by default and
      // hands a reader to nnrpd, which offers STARTTLS, only after MODE READER (RFC 3977 section 5.3).
      conversation.sendLine("MODE READER");
      NumericReply reader = NumericReply.read(conversation, "the reply to MODE READER");
      if (reader.code() != 200 && reader.code() != 201) {
        throw Dialog.refused("MODE READER answered " + reader.summary());
      }
      conversation.sendLine("STARTTLS");
      reply = NumericReply.read(conversation, "the reply to STARTTLS");
    }
    if (reply.code() != 382) {
      throw Dialog.refused(reply.summary()); // 580 cannot initiate TLS, 502 not offered
    }
    return reply.last();
  }
}
