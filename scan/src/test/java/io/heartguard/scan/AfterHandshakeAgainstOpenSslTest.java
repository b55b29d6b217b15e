package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.targets.ScanTarget;
import io.heartguard.testkit.RealOpenSsl;
import io.heartguard.testkit.RealOpenSslServers;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scan --after-handshake} against the real OpenSSL 1.0.1f and 1.0.1g {@code s_server}: the same two-heartbeat
 * oracle, sent encrypted inside a completed handshake, with the same positive evidence both ways; and over SMTP
 * STARTTLS, with the lab's SMTP dialog in front of the real 1.0.1f (s_server itself speaks no STARTTLS).
 */
class AfterHandshakeAgainstOpenSslTest {
  private static final ScanOptions AFTER_HANDSHAKE = ScanOptions.defaults().withTimeout(Duration.ofSeconds(10))
      .withVersions(ScanOptions.ALL_VERSIONS.subList(0, 3)).withAfterHandshake(true);

  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.both();

  @Test
  void openSsl101fLeaksInsideTheEncryptedSessionAtEveryVersion() {
    for (ProtocolVersion version : List.of(ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_0)) {
      ScanResult result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + openssl.vulnerable().port()),
          AFTER_HANDSHAKE.withVersions(List.of(version)));

      assertThat(result.verdict()).as("%s: %s %s", version, result.reason(), result.evidence()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.tlsVersion()).isEqualTo(version);
      assertThat(result.reason()).isEqualTo("returned 16 bytes of memory from past the heartbeat request"
          + " (CVE-2014-0160), after the handshake, encrypted");
      assertThat(result.bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
      assertThat(result.evidence()).anyMatch(e -> e.startsWith("handshake completed, " + version))
          .anyMatch(e -> e.startsWith("after the handshake, encrypted, sent a heartbeat request"));
      assertThat(result.certificate().subject()).isEqualTo("CN=localhost");
    }
  }

  @Test
  void openSsl101gAnswersTheControlAndDiscardsTheProbeInsideTheSession() {
    ScanResult result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + openssl.fixed().port()),
        AFTER_HANDSHAKE);

    assertThat(result.verdict()).as("%s %s", result.reason(), result.evidence()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(result.reason()).isEqualTo("well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix,"
        + " after the handshake, encrypted");
    assertThat(result.tlsVersion()).isEqualTo(ProtocolVersion.TLS1_2);
    assertThat(result.bytesLeaked()).isZero();
  }

  @Test
  void openSsl101fBehindAnSmtpStartTlsDialogLeaksAfterTheHandshake() throws Exception {
    try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread front = Thread.ofVirtual().start(() -> smtpThenRelay(relay, openssl.vulnerable()));
      ScanResult result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + relay.getLocalPort()),
          AFTER_HANDSHAKE.withStartTls(StartTlsMode.of(StartTls.SMTP)));
      front.join();

      assertThat(result.verdict()).as("%s %s", result.reason(), result.evidence()).isEqualTo(Verdict.VULNERABLE);
      assertThat(result.protocol()).isEqualTo("smtp");
      assertThat(result.evidence()).anyMatch(e -> e.startsWith("smtp STARTTLS accepted"))
          .anyMatch(e -> e.startsWith("after the handshake, encrypted, sent"));
    }
  }

  /** One client: the lab's SMTP greeting and STARTTLS, then every byte both ways to and from the real server. */
  private static void smtpThenRelay(ServerSocket relay, RealOpenSsl server) {
    try (Socket client = relay.accept(); Socket upstream = new Socket(server.host(), server.port())) {
      client.setSoTimeout(10_000);
      StartTlsProtocol.parse("smtp").serve(client.getInputStream(), client.getOutputStream(), "mx.example");
      Thread up = Thread.ofVirtual().start(() -> pipe(client, upstream));
      pipe(upstream, client);
      up.join();
    } catch (Exception e) {
      throw new AssertionError("the STARTTLS relay failed", e);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] chunk = new byte[16384];
      for (int n; (n = in.read(chunk)) > 0; ) {
        out.write(chunk, 0, n);
      }
      to.shutdownOutput();
    } catch (java.io.IOException closed) {
      // the other side closed: the relay ends with it
    }
  }
}
