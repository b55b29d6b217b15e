package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/**
 * NNTP as INN 2.5's nnrpd spoke it (RFC 3977, RFC 4642 section 2.2): 200 greeting, CAPABILITIES lists STARTTLS,
 * STARTTLS answered 382.
 */
enum NntpServerDialog implements ServerDialog {
  INSTANCE;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    String ready = "200 " + p.serverName() + " InterNetNews NNRP server INN 2.5.4 ready (posting ok)\r\n";
    p.write(ready);
    while (true) {
      String line = p.command();
      switch (Plaintext.verb(line)) {
        // RFC 3977 section 5.2.2: 101, one capability per line, "." alone at the end.
        case "CAPABILITIES" -> p.write("101 Capability list:\r\nVERSION 2\r\nIMPLEMENTATION INN 2.5.4\r\nAUTHINFO\r\n"
            + "HDR\r\nLIST ACTIVE ACTIVE.TIMES DISTRIB.PATS HEADERS NEWSGROUPS OVERVIEW.FMT\r\nNEWNEWS\r\nOVER\r\n"
            + "POST\r\nREADER\r\nSTARTTLS\r\n.\r\n");
        case "MODE" -> p.write(Plaintext.argument(line).equalsIgnoreCase("READER") ? ready : "501 Unknown MODE variant\r\n");
        case "STARTTLS" -> {
          p.write("382 Begin TLS negotiation now\r\n");
          return;
        }
        case "QUIT" -> {
          p.write("205 Bye!\r\n");
          throw new StartTlsDialogException("NNTP client quit before STARTTLS");
        }
        // RFC 4642 section 2.2.2: 483, the command needs privacy first.
        default -> p.write("483 Encryption or stronger authentication required\r\n");
      }
    }
  }
}
