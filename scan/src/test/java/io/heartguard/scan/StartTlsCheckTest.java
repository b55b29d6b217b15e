package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.targets.ScanTarget;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The check through each STARTTLS dialog against in-test servers that play the protocol's part ({@link DialogScript})
 * and then behave like OpenSSL 1.0.1f or 1.0.1g ({@link ServerPolicy}): the dialog must not change the verdict, and
 * a refusal must never become one.
 */
class StartTlsCheckTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(3));
  private final HeartbleedCheck check = new HeartbleedCheck();

  private ScanResult scan(DialogScript script, ServerPolicy policy) throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(policy).withPrelude(script))) {
      // "localhost" so that XMPP has a name to address its stream to.
      return check.check(new ScanTarget("localhost:" + server.address().getPort(), "localhost", server.address().getPort()),
          OPTIONS.withStartTls(StartTlsMode.of(script.protocol())));
    }
  }

  static Stream<Arguments> dialogsAndServers() {
    return Stream.of(DialogScript.values()).filter(DialogScript::reachesTls)
        .flatMap(s -> Stream.of(Arguments.of(s, ServerPolicy.VULNERABLE), Arguments.of(s, ServerPolicy.PATCHED),
            Arguments.of(s, ServerPolicy.NO_HEARTBEAT)));
  }

  @ParameterizedTest(name = "{0} then {1}")
  @MethodSource("dialogsAndServers")
  void theVerdictThroughEachDialogIsTheServersOwn(DialogScript script, ServerPolicy policy) throws Exception {
    ScanResult result = scan(script, policy);

    Verdict expected = policy == ServerPolicy.VULNERABLE ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE;
    assertThat(result.verdict()).as(result.reason()).isEqualTo(expected);
    assertThat(result.reason()).isEqualTo(switch (policy) {
      case VULNERABLE -> "returned 16 bytes of memory from past the heartbeat request (CVE-2014-0160)";
      case PATCHED -> "well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix";
      default -> "no heartbeat extension negotiated";
    });
    assertThat(result.protocol()).isEqualTo(script.protocol().protocolName());
    assertThat(result.evidence().getFirst()).startsWith(script.protocol().protocolName() + " STARTTLS accepted: ");
    assertThat(result.tlsVersion()).hasToString("TLSv1.2");
  }

  @Test
  void vsftpdsOopsIsInconclusiveWithItsWords() throws Exception {
    ScanResult result = scan(DialogScript.FTP_500_OOPS, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: 500 OOPS: SSL: cannot load RSA certificate");
    assertThat(result.protocol()).isEqualTo("ftp");
    assertThat(result.tlsVersion()).isNull();
  }

  @Test
  void smtpWithoutStartTlsInItsEhloReplyIsInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.SMTP_WITHOUT_STARTTLS, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: no STARTTLS in the EHLO reply (3 lines)");
  }

  @Test
  void smtp454IsInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.SMTP_TLS_NOT_AVAILABLE, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: 454 4.7.0 TLS not available due to local problem");
  }

  @Test
  void postgresAnsweringNIsInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.POSTGRES_NO_SSL, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: answered 'N' to SSLRequest (ssl is off)");
  }

  @Test
  void mysqlWithoutClientSslIsInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.MYSQL_WITHOUT_SSL, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason())
        .isEqualTo("server does not offer STARTTLS: server 10.11.6-MariaDB does not set CLIENT_SSL in its capabilities");
  }

  @Test
  void ldapResultCodeOtherThanSuccessIsInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.LDAP_PROTOCOL_ERROR, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: resultCode 2 unsupported extended operation");
  }

  @Test
  void xmppFeaturesWithoutStartTlsAreInconclusive() throws Exception {
    ScanResult result = scan(DialogScript.XMPP_WITHOUT_STARTTLS, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: no <starttls/> among the stream features");
  }

  @Test
  void plaintextRightAfterThePositiveReplyIsNeverReadAsTls() throws Exception {
    ScanResult result = scan(DialogScript.SMTP_PLAINTEXT_AFTER_STARTTLS, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("server sent 32 bytes after its STARTTLS reply (220 2.0.0 Ready to start TLS),"
        + " before our ClientHello: 250 mx.test still in plaintext\\r\\n");
    assertThat(result.bytesLeaked()).isZero();
  }

  @Test
  void aPlaintextAnswerToTheClientHelloIsNotTlsAndNotALeak() throws Exception {
    ScanResult result = scan(DialogScript.SMTP_PLAINTEXT_INSTEAD_OF_TLS, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).startsWith("not TLS: ").endsWith("(first bytes 35303020352e352e32204572726f723a \"500 5.5.2 Error:\")");
    assertThat(result.bytesLeaked()).isZero();
  }

  @Test
  void aLineThatNeverEndsStopsAtTheLineBound() throws Exception {
    ScanResult result = scan(DialogScript.ENDLESS_LINE, ServerPolicy.VULNERABLE);

    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("a line longer than 8192 bytes from the server while waiting for the greeting");
  }

  @Test
  void aSilentServerEndsAtTheDeadline() throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.VULNERABLE).withPrelude(DialogScript.SILENT))) {
      ScanResult result = check.check(ScanTarget.parse(server.target()),
          ScanOptions.defaults().withTimeout(Duration.ofMillis(300)).withStartTls(StartTlsMode.of(StartTls.SMTP)));

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).isEqualTo("timed out waiting for the server while waiting for the greeting");
      assertThat(result.elapsedMillis()).isBetween(250L, 2_000L);
    }
  }

  @Test
  void eachVersionFallbackRunsTheDialogAgain() throws Exception {
    try (FakeServer server = FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED)
        .withMaxVersion(io.heartguard.wire.record.ProtocolVersion.TLS1_0, -1).withPrelude(DialogScript.POP3))) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS.withStartTls(StartTlsMode.of(StartTls.POP3)));

      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(result.tlsVersion()).hasToString("TLSv1.0");
      assertThat(server.connections()).isEqualTo(3);
      assertThat(result.evidence()).filteredOn(e -> e.startsWith("pop3 STARTTLS accepted")).hasSize(3);
    }
  }

  @Test
  void autoPicksTheDialogByPortAndPlainTlsElsewhere() throws Exception {
    try (FakeServer server = FakeServer.start(ServerPolicy.VULNERABLE)) {
      ScanResult result = check.check(ScanTarget.parse(server.target()), OPTIONS.withStartTls(StartTlsMode.AUTO));

      assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.protocol()).isEqualTo("tls");
    }
    assertThat(StartTlsMode.AUTO.forPort(587)).contains(StartTls.SMTP);
  }
}
