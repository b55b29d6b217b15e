package io.heartguard.tlsserver.starttls;

import java.io.IOException;
import java.util.List;

/**
 * SMTP as Postfix 2.11 spoke it (RFC 3207), and LMTP as Dovecot's (RFC 2033: the same with LHLO for EHLO): a 220
 * banner, the hello answered with STARTTLS among the extensions, then "220 2.0.0 Ready to start TLS".
 *
 * @param protocol "SMTP" or "LMTP", for the reasons
 * @param hello the hello verb that lists extensions
 * @param banner what follows the host name in the 220 greeting
 * @param extensions the hello reply's lines after the host name, STARTTLS among them
 */
record SmtpServerDialog(String protocol, String hello, String banner, List<String> extensions) implements ServerDialog {
  static final SmtpServerDialog SMTP = new SmtpServerDialog("SMTP", "EHLO", "ESMTP Postfix (Debian/GNU)",
      List.of("PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"));
  static final SmtpServerDialog LMTP = new SmtpServerDialog("LMTP", "LHLO", "Dovecot ready.",
      List.of("8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING", "STARTTLS"));

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write("220 " + p.serverName() + " " + banner + "\r\n");
    boolean greeted = false;
    while (true) {
      String verb = Plaintext.verb(p.command());
      if (verb.equals(hello)) {
        greeted = true;
        // RFC 5321 section 4.2.1: every line but the last has a hyphen after the code.
        StringBuilder reply = new StringBuilder("250-" + p.serverName() + "\r\n");
        for (int i = 0; i < extensions.size(); i++) {
          reply.append(i == extensions.size() - 1 ? "250 " : "250-").append(extensions.get(i)).append("\r\n");
        }
        p.write(reply.toString());
        continue;
      }
      switch (verb) {
        case "HELO" -> {
          if (hello.equals("LHLO")) {
            p.write("500 5.5.1 Unknown command\r\n"); // RFC 2033 section 4.1: LMTP has LHLO only
            continue;
          }
          // RFC 5321 section 4.1.1.1: HELO lists no extensions; Postfix still takes STARTTLS after it.
          greeted = true;
          p.write("250 " + p.serverName() + "\r\n");
        }
        case "STARTTLS" -> {
          if (!greeted) {
            p.write("503 5.5.1 Error: send " + hello + " first\r\n");
            continue;
          }
          p.write("220 2.0.0 Ready to start TLS\r\n");
          return;
        }
        case "NOOP", "RSET" -> p.write("250 2.0.0 Ok\r\n");
        case "QUIT" -> {
          p.write("221 2.0.0 Bye\r\n");
          throw new StartTlsDialogException(protocol + " client quit before STARTTLS");
        }
        default -> p.write("530 5.7.0 Must issue a STARTTLS command first\r\n");
      }
    }
  }
}
