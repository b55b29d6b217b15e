package io.heartguard.scan.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each dialog against a real server from Debian's packages, started on 127.0.0.1 by bin/start-starttls-servers.sh
 * (the same port table): dovecot, vsftpd, slapd, PostgreSQL, MariaDB, prosody, postfix, inn2. They run OpenSSL 3 or GnuTLS, which negotiate no heartbeat: these tests prove the dialog
 * and the NOT_VULNERABLE path; the VULNERABLE path through each dialog is in StartTlsCheckTest. With CI=true a server
 * that is not listening fails the test; elsewhere it is skipped.
 */
class RealStartTlsServersTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(10));

  @ParameterizedTest(name = "{0} on {1} ({2})")
  @CsvSource({
      "imap, 11143, dovecot",
      "pop3, 11110, dovecot",
      "lmtp, 11024, dovecot",
      "sieve, 14190, dovecot",
      "ftp, 11021, vsftpd",
      "ldap, 11389, slapd",
      "postgres, 15432, postgresql",
      "mysql, 13306, mariadb",
      "xmpp, 15222, prosody",
      "xmpp-server, 15269, prosody",
      "smtp, 11025, postfix",
      "nntp, 11119, inn2"})
  void aRealServerIsReachedThroughItsDialogAndNegotiatesNoHeartbeat(String protocol, int port, String server) {
    requireListening(port, server);
    // "localhost": XMPP addresses its stream to the name, and prosody serves the VirtualHost "localhost".
    ScanResult result = new HeartbleedCheck().check(new ScanTarget("localhost:" + port, "localhost", port),
        OPTIONS.withStartTls(StartTlsMode.of(StartTls.parse(protocol))));

    assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(result.reason()).isEqualTo("no heartbeat extension negotiated");
    assertThat(result.protocol()).isEqualTo(protocol);
    assertThat(result.evidence().getFirst()).startsWith(protocol + " STARTTLS accepted: ");
    assertThat(result.certificate().subject()).isEqualTo("CN=localhost");
  }

  @Test
  void aRealPostgresWithSslOffAnswersNAndIsInconclusive() {
    // bin/start-postgres.sh's cluster (the store's tests) runs with ssl off; it is not this test's to start.
    Assumptions.assumeTrue(listening(55432), "the store's PostgreSQL (bin/start-postgres.sh) is not running");
    ScanResult result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:55432"),
        OPTIONS.withStartTls(StartTlsMode.of(StartTls.POSTGRES)));

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: answered 'N' to SSLRequest (ssl is off)");
  }

  private static void requireListening(int port, String server) {
    if (listening(port)) {
      return;
    }
    String message = server + " is not listening on 127.0.0.1:" + port + "; run bin/start-starttls-servers.sh";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
