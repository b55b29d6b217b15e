package io.heartguard.scan.starttls;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The application protocols whose STARTTLS dialog the scanner speaks, by the names {@code --starttls} takes, with
 * the well-known ports that {@code --starttls auto} reads them from.
 */
public enum StartTls {
  SMTP("smtp", SmtpDialog.SMTP, 25, 587),
  LMTP("lmtp", SmtpDialog.LMTP, 24),
  IMAP("imap", ImapDialog.INSTANCE, 143),
  POP3("pop3", Pop3Dialog.INSTANCE, 110),
  FTP("ftp", FtpDialog.INSTANCE, 21),
  XMPP("xmpp", XmppDialog.CLIENT, 5222),
  XMPP_SERVER("xmpp-server", XmppDialog.SERVER, 5269),
  LDAP("ldap", LdapDialog.INSTANCE, 389),
  POSTGRES("postgres", PostgresDialog.INSTANCE, 5432),
  MYSQL("mysql", MysqlDialog.INSTANCE, 3306),
  NNTP("nntp", NntpDialog.INSTANCE, 119, 433),
  IRC("irc", IrcDialog.INSTANCE, 6667),
  SIEVE("sieve", SieveDialog.INSTANCE, 4190);

  private final String protocolName;
  private final Dialog dialog;
  private final List<Integer> wellKnownPorts;

  StartTls(String protocolName, Dialog dialog, Integer... wellKnownPorts) {
    this.protocolName = protocolName;
    this.dialog = dialog;
    this.wellKnownPorts = List.of(wellKnownPorts);
  }

  /** The name {@code --starttls} takes and reports print: smtp, xmpp-server, ... */
  public String protocolName() {
    return protocolName;
  }

  /** The ports {@code auto} maps to this protocol, the usual one first. */
  public List<Integer> wellKnownPorts() {
    return wellKnownPorts;
  }

  public int defaultPort() {
    return wellKnownPorts.getFirst();
  }

  /** The protocol whose well-known port this is, if any. */
  public static Optional<StartTls> forPort(int port) {
    return Stream.of(values()).filter(p -> p.wellKnownPorts.contains(port)).findFirst();
  }

  /** By its {@link #protocolName()}, case-insensitively; the exception names the choices. */
  public static StartTls parse(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return Stream.of(values()).filter(p -> p.protocolName.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a STARTTLS protocol, expected one of "
            + Stream.of(values()).map(StartTls::protocolName).collect(Collectors.joining(", "))));
  }

  /**
   * Runs this protocol's dialog on a fresh connection, which ends ready for the ClientHello: nothing the server sent
   * is left unread. Returns the server's positive reply, quoted for the evidence.
   *
   * @param host the name the dialog announces where the protocol needs one (XMPP's {@code to})
   */
  public String negotiate(Transport transport, String host) throws StartTlsException {
    Conversation conversation = new Conversation(transport, protocolName);
    String reply = dialog.run(conversation, host);
    conversation.requireNothingMore(reply);
    return reply;
  }
}
