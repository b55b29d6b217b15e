package io.heartguard.scan.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol names {@code --starttls} takes and the well-known ports {@code auto} reads. */
class StartTlsTest {
  @Test
  void autoMapsEveryWellKnownPortOfTheIssueAndNothingElse() {
    Map<Integer, StartTls> table = Map.ofEntries(Map.entry(25, StartTls.SMTP), Map.entry(587, StartTls.SMTP),
        Map.entry(24, StartTls.LMTP), Map.entry(143, StartTls.IMAP), Map.entry(110, StartTls.POP3),
        Map.entry(21, StartTls.FTP), Map.entry(5222, StartTls.XMPP), Map.entry(5269, StartTls.XMPP_SERVER),
        Map.entry(389, StartTls.LDAP), Map.entry(5432, StartTls.POSTGRES), Map.entry(3306, StartTls.MYSQL),
        Map.entry(119, StartTls.NNTP), Map.entry(433, StartTls.NNTP), Map.entry(6667, StartTls.IRC),
        Map.entry(4190, StartTls.SIEVE));
    for (int port = 1; port <= 65535; port++) {
      assertThat(StartTlsMode.AUTO.forPort(port)).as("port %d", port).isEqualTo(java.util.Optional.ofNullable(table.get(port)));
    }
  }

  @Test
  void aFixedProtocolAppliesToEveryPortAndNoneToNone() {
    assertThat(StartTlsMode.of(StartTls.IMAP).forPort(443)).contains(StartTls.IMAP);
    assertThat(StartTlsMode.NONE.forPort(25)).isEmpty();
  }

  @Test
  void namesParseCaseInsensitivelyAndABadOneListsTheChoices() {
    assertThat(StartTlsMode.parse("XMPP-Server")).isEqualTo(StartTlsMode.of(StartTls.XMPP_SERVER));
    assertThat(StartTlsMode.parse("auto")).isEqualTo(StartTlsMode.AUTO);
    assertThat(StartTlsMode.parse("none")).isEqualTo(StartTlsMode.NONE);
    assertThatThrownBy(() -> StartTlsMode.parse("smtps")).hasMessage("'smtps' is not a STARTTLS protocol, expected auto,"
        + " none or one of smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc, sieve");
  }

  @Test
  void eachProtocolsDefaultPortIsItsFirstWellKnownPort() {
    assertThat(StartTls.SMTP.defaultPort()).isEqualTo(25);
    assertThat(StartTls.NNTP.wellKnownPorts()).containsExactly(119, 433);
    for (StartTls p : StartTls.values()) {
      assertThat(StartTls.forPort(p.defaultPort())).contains(p);
    }
  }
}
