package io.heartguard.tlsserver.starttls;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/** FTP as vsftpd 3.0.2 spoke it with ssl_enable (RFC 4217 section 4): 220 greeting, FEAT lists AUTH TLS, AUTH TLS → 234. */
enum FtpServerDialog implements ServerDialog {
  INSTANCE;

  /** The AUTH mechanisms vsftpd takes as TLS (RFC 4217 section 6: "TLS"; "SSL", "TLS-C", "TLS-P" from older drafts). */
  static final Set<String> TLS_MECHANISMS = Set.of("TLS", "SSL", "TLS-C", "TLS-P");

  @Override
  public void serve(Plaintext p) throws IOException, StartTlsDialogException {
    p.write("220 (vsFTPd 3.0.2)\r\n");
    while (true) {
      String line = p.command();
      switch (Plaintext.verb(line)) {
        // RFC 2389 section 3.2: feature lines start with a space between 211- and 211.
        case "FEAT" -> p.write("211-Features:\r\n AUTH SSL\r\n AUTH TLS\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n PBSZ\r\n"
            + " PROT\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n");
        case "NOOP" -> p.write("200 NOOP ok.\r\n");
        case "AUTH" -> {
          String mechanism = Plaintext.argument(line).toUpperCase(Locale.ROOT);
          if (TLS_MECHANISMS.contains(mechanism)) {
            p.write("234 Proceed with negotiation.\r\n");
            return;
          }
          p.write("504 Unknown AUTH type.\r\n");
        }
        case "USER", "PASS" -> p.write("530 Non-anonymous sessions must use encryption.\r\n");
        case "QUIT" -> {
          p.write("221 Goodbye.\r\n");
          throw new StartTlsDialogException("FTP client quit before AUTH TLS");
        }
        default -> p.write("530 Please login with USER and PASS.\r\n");
      }
    }
  }
}
