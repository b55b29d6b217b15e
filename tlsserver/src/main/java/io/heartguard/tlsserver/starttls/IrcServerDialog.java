package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/**
 * IRC with the STARTTLS extension (IRCv3 tls-3.1) as InspIRCd 2.0 spoke it with hostname lookups off: silent until the
 * client speaks (openssl s_client -starttls irc stops at the first line that is not a numeric, so no lookup notices),
 * CAP LS offering "tls", STARTTLS answered with numeric 670 RPL_STARTTLS.
 */
enum IrcServerDialog implements ServerDialog {
  INSTANCE;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    String server = ":" + p.serverName();
    while (true) {
      String line = withoutPrefix(p.command());
      String verb = Plaintext.verb(line);
      switch (verb) {
        case "STARTTLS" -> {
          p.write(server + " 670 * :STARTTLS successful, go ahead with TLS handshake\r\n");
          return;
        }
        case "CAP" -> {
          String sub = Plaintext.verb(Plaintext.argument(line));
          if (sub.equals("LS")) {
            p.write(server + " CAP * LS :tls multi-prefix\r\n");
          } else if (sub.equals("REQ")) {
            p.write(server + " CAP * NAK :" + Plaintext.argument(Plaintext.argument(line)).replaceFirst("^:", "") + "\r\n");
          }
          // CAP END needs no answer (IRCv3 capability negotiation).
        }
        case "NICK", "USER", "PASS" -> {
          // Registration waits for CAP END or STARTTLS; nothing to say yet.
        }
        case "PING" -> p.write(server + " PONG " + p.serverName() + " :" + Plaintext.argument(line).replaceFirst("^:", "") + "\r\n");
        case "QUIT" -> {
          p.write("ERROR :Closing link: (unknown@unknown) [Client exited]\r\n");
          throw new StartTlsDialogException("IRC client quit before STARTTLS");
        }
        // RFC 2812 section 5.2: 451 ERR_NOTREGISTERED.
        default -> p.write(server + " 451 * " + Plaintext.printable(verb) + " :You have not registered\r\n");
      }
    }
  }

  /** RFC 2812 section 2.3.1: a message may begin with ":prefix ". */
  private static String withoutPrefix(String line) {
    if (!line.startsWith(":")) {
      return line;
    }
    int space = line.indexOf(' ');
    return space < 0 ? "" : line.substring(space + 1);
  }
}
