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
    if (reply.code() != 382) {
      throw Dialog.refused(reply.summary()); // 580 cannot initiate TLS, 502 not offered
    }
    return reply.last();
  }
}
