package io.heartguard.scan.starttls;

/**
 * One protocol's way from connect to TLS: read the greeting, say the protocol's STARTTLS words, check the positive
 * reply. It ends with the socket ready for the ClientHello, or throws saying what the server said instead.
 */
sealed interface Dialog permits SmtpDialog, ImapDialog, Pop3Dialog, FtpDialog, XmppDialog, LdapDialog,
    PostgresDialog, MysqlDialog, NntpDialog, IrcDialog, SieveDialog {
  /** Runs the dialog; returns the server's positive reply, quoted for the evidence. */
  String run(Conversation conversation, String host) throws StartTlsException;

  static StartTlsException refused(String what) {
    return new StartTlsException(StartTlsException.Kind.REFUSED, "server does not offer STARTTLS: " + what);
  }

  static StartTlsException unexpected(String expected, String seen) {
    return new StartTlsException(StartTlsException.Kind.UNEXPECTED,
        "expected " + expected + ", got " + Conversation.quote(seen));
  }
}
