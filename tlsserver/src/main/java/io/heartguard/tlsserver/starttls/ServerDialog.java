package io.heartguard.tlsserver.starttls;

import java.io.IOException;

/**
 * One protocol's server side from accept to TLS: the greeting, the answers a client of 2014 expects to its capability
 * commands, how the STARTTLS command is recognised, and the positive reply after which TLS begins.
 */
sealed interface ServerDialog permits SmtpServerDialog, ImapServerDialog, Pop3ServerDialog, FtpServerDialog,
    XmppServerDialog, LdapServerDialog, PostgresServerDialog, MysqlServerDialog, NntpServerDialog, IrcServerDialog,
    SieveServerDialog {
  /** Returns right after the positive reply, with nothing of the client's TLS consumed; throws otherwise. */
  void serve(Plaintext plaintext) throws IOException, StartTlsDialogException;
}
