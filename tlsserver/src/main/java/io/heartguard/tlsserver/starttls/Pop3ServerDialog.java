package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/** POP3 as Dovecot 2.2 spoke it (RFC 2595 section 4): +OK greeting, CAPA lists STLS, STLS answered +OK. */
enum Pop3ServerDialog implements ServerDialog {
  INSTANCE;

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write("+OK Dovecot ready.\r\n");
    while (true) {
      switch (Plaintext.verb(p.command())) {
        // RFC 2449 section 5: a multi-line response ended by a line holding only ".".
        case "CAPA" -> p.write("+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\n.\r\n");
        case "NOOP" -> p.write("+OK\r\n");
        case "STLS" -> {
          p.write("+OK Begin TLS negotiation now.\r\n");
          return;
        }
        case "USER", "PASS", "AUTH" -> p.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.\r\n");
        case "QUIT" -> {
          p.write("+OK Logging out\r\n");
          throw new StartTlsDialogException("POP3 client quit before STLS");
        }
        default -> p.write("-ERR Unknown command.\r\n");
      }
    }
  }
}
