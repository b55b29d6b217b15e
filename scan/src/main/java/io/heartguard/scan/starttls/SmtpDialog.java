package io.heartguard.scan.starttls;

import java.util.Locale;

/** SMTP (RFC 3207) and LMTP (RFC 2033, the same dialog with LHLO for EHLO). */
record SmtpDialog(String hello) implements Dialog {
  static final SmtpDialog SMTP = new SmtpDialog("EHLO");
  static final SmtpDialog LMTP = new SmtpDialog("LHLO");
  /** RFC 2606 reserves .invalid: a name that says who we are and resolves nowhere. */
  static final String CLIENT_NAME = "heartguard.invalid";

  @Override
  public String run(Conversation conversation, String host) throws StartTlsException {
    NumericReply greeting = NumericReply.read(conversation, "the greeting");
    if (greeting.code() != 220) {
      throw Dialog.refused(greeting.summary()); // 554: no service for us (RFC 5321 section 3.1)
    }
    conversation.sendLine(hello + " " + CLIENT_NAME);
    NumericReply extensions = NumericReply.read(conversation, "the reply to " + hello);
    if (extensions.code() != 250) {
      throw Dialog.refused(hello + " answered " + extensions.summary());
    }
    // RFC 3207 section 4: the EHLO reply lists the keyword STARTTLS on a line of its own.
    boolean offered = extensions.lines().stream().skip(1)
        .anyMatch(line -> line.length() > 4 && line.substring(4).strip().toUpperCase(Locale.ROOT).equals("STARTTLS"));
    if (!offered) {
      throw Dialog.refused("no STARTTLS in the " + hello + " reply (" + extensions.lines().size() + " lines)");
    }
    conversation.sendLine("STARTTLS");
    NumericReply ready = NumericReply.read(conversation, "the reply to STARTTLS");
    if (ready.code() != 220) {
      throw Dialog.refused(ready.summary()); // 454 TLS not available due to temporary reason (RFC 3207 section 4)
    }
    return ready.last();
  }
}
