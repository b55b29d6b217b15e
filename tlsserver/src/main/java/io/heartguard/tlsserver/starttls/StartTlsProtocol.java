package io.heartguard.tlsserver.starttls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The server side of the STARTTLS dialogs, by the names {@code heartguard lab --starttls} and {@code client-test
 * --starttls} take (the scanner's names): each speaks its protocol's plaintext greeting and capability answers as a
 * server of 2014 did, recognises the client's STARTTLS words and gives the positive reply, after which the caller
 * speaks TLS on the same socket.
 *
 * <pre>{@code
 * StartTlsProtocol.parse("smtp").serve(in, out, "mx.example");  // returns once the client may send its ClientHello
 * }</pre>
 */
public enum StartTlsProtocol {
  SMTP("smtp", SmtpServerDialog.SMTP),
  LMTP("lmtp", SmtpServerDialog.LMTP),
  IMAP("imap", ImapServerDialog.INSTANCE),
  POP3("pop3", Pop3ServerDialog.INSTANCE),
  FTP("ftp", FtpServerDialog.INSTANCE),
  XMPP("xmpp", XmppServerDialog.CLIENT),
  XMPP_SERVER("xmpp-server", XmppServerDialog.SERVER),
  LDAP("ldap", LdapServerDialog.INSTANCE),
  POSTGRES("postgres", PostgresServerDialog.INSTANCE),
  MYSQL("mysql", MysqlServerDialog.INSTANCE),
  NNTP("nntp", NntpServerDialog.INSTANCE),
  IRC("irc", IrcServerDialog.INSTANCE),
  SIEVE("sieve", SieveServerDialog.INSTANCE);

  /** RFC 2606 reserves .invalid: a name that resolves nowhere. */
  public static final String DEFAULT_SERVER_NAME = "lab.heartguard.invalid";

  private final String label;
  private final ServerDialog dialog;

  StartTlsProtocol(String label, ServerDialog dialog) {
    this.label = label;
    this.dialog = dialog;
  }

  /** "smtp", "xmpp-server", ...: as the command line spells it. */
  public String label() {
    return label;
  }

  /** By its {@link #label()}, case-insensitively; the exception names the choices. */
  public static StartTlsProtocol parse(String label) {
    String wanted = label.strip().toLowerCase(Locale.ROOT);
    return Stream.of(values()).filter(p -> p.label.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("STARTTLS protocol '" + label + "' is none of " + choices()));
  }

  /** "smtp, lmtp, imap, ..." */
  public static String choices() {
    return Stream.of(values()).map(StartTlsProtocol::label).collect(Collectors.joining(", "));
  }

  /**
   * Runs the dialog on a fresh connection. Returns right after the positive reply, having read nothing past the
   * client's STARTTLS command; throws with what the client did instead. Reads one byte at a time and never times
   * out by itself: bound {@code in} with a read timeout.
   *
   * @param serverName the host name the greeting announces
   */
  public void serve(InputStream in, OutputStream out, String serverName) throws IOException, StartTlsDialogException {
    dialog.serve(new Plaintext(in, out, serverName));
  }
}
