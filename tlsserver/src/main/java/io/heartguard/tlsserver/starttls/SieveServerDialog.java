package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/**
 * ManageSieve as Dovecot Pigeonhole 0.4 spoke it (RFC 5804 sections 1.7 and 2.2): quoted capability lines with
 * "STARTTLS" among them, ended by OK; STARTTLS answered OK.
 */
enum SieveServerDialog implements ServerDialog {
  INSTANCE;

  static final String CAPABILITIES = "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n"
      + "\"SIEVE\" \"fileinto reject envelope encoded-character vacation subaddress comparator-i;ascii-numeric"
      + " relational regex imap4flags copy include variables body enotify environment mailbox date ihave\"\r\n"
      + "\"NOTIFY\" \"mailto\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\n";

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write(CAPABILITIES + "OK \"Dovecot ready.\"\r\n");
    while (true) {
      switch (Plaintext.verb(p.command())) {
        case "CAPABILITY" -> p.write(CAPABILITIES + "OK \"Capability completed.\"\r\n");
        case "NOOP" -> p.write("OK \"NOOP completed.\"\r\n");
        case "STARTTLS" -> {
          p.write("OK \"Begin TLS negotiation now.\"\r\n");
          return;
        }
        case "AUTHENTICATE" -> p.write("NO \"Plaintext authentication disallowed on non-secure (SSL/TLS) connections.\"\r\n");
        case "LOGOUT" -> {
          p.write("OK \"Logout completed.\"\r\n");
          throw new StartTlsDialogException("ManageSieve client logged out before STARTTLS");
        }
        default -> p.write("NO \"Error in MANAGESIEVE command received by server.\"\r\n");
      }
    }
  }
}
