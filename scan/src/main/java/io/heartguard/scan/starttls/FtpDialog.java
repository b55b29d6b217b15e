package io.heartguard.scan.starttls;

/** FTP (RFC 4217 section 4): AUTH TLS, answered 234. */
enum FtpDialog implements Dialog {
  INSTANCE;

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    NumericReply greeting = NumericReply.read(conversation, "the greeting");
    if (greeting.code() == 120) {
      greeting = NumericReply.read(conversation, "the greeting"); // RFC 959 section 5.4: 120, then 220 when ready
    }
    if (greeting.code() != 220) {
      throw Dialog.refused(greeting.summary()); // vsftpd's "500 OOPS: ..." when its TLS setup is broken
    }
    conversation.sendLine("AUTH TLS");
    NumericReply reply = NumericReply.read(conversation, "the reply to AUTH TLS");
    if (reply.code() != 234) {
      throw Dialog.refused(reply.summary()); // 500, 502 or 504: not offered; 530 from servers that want USER first
    }
    return reply.last();
  }
}
