package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/**
 * IMAP as Dovecot 2.2 spoke it (RFC 3501 section 6.2.1, RFC 2595): capabilities in the greeting, STARTTLS as a tagged
 * command, "tag OK Begin TLS negotiation now." as the go-ahead.
 */
enum ImapServerDialog implements ServerDialog {
  INSTANCE;

  static final String CAPABILITY = "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE STARTTLS LOGINDISABLED";

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write("* OK [CAPABILITY " + CAPABILITY + "] Dovecot ready.\r\n");
    while (true) {
      String line = p.command();
      int space = line.indexOf(' ');
      if (space <= 0) {
        p.write("* BAD Error in IMAP command received by server.\r\n");
        continue;
      }
      String tag = line.substring(0, space);
      switch (Plaintext.verb(line.substring(space + 1))) {
        case "CAPABILITY" -> p.write("* CAPABILITY " + CAPABILITY + "\r\n"
            + tag + " OK Pre-login capabilities listed, post-login capabilities have more.\r\n");
        case "NOOP" -> p.write(tag + " OK NOOP completed.\r\n");
        case "ID" -> p.write("* ID NIL\r\n" + tag + " OK ID completed.\r\n");
        case "STARTTLS" -> {
          p.write(tag + " OK Begin TLS negotiation now.\r\n");
          return;
        }
        case "LOGIN", "AUTHENTICATE" ->
            // RFC 3501 section 6.2.3: LOGINDISABLED forbids LOGIN until TLS.
            p.write(tag + " NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.\r\n");
        case "LOGOUT" -> {
          p.write("* BYE Logging out\r\n" + tag + " OK Logout completed.\r\n");
          throw new StartTlsDialogException("IMAP client logged out before STARTTLS");
        }
        default -> p.write(tag + " BAD Error in IMAP command received by server.\r\n");
      }
    }
  }
}
