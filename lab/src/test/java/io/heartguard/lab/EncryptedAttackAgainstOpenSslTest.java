package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.testkit.RealOpenSslServers;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.tls.TlsSession;
import io.heartguard.wire.tls.TlsSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code lab client --encrypted} against the real OpenSSL 1.0.1f and 1.0.1g: inside a completed handshake, 1.0.1f
 * answers each malformed request with payload_length bytes, all but the 17 we sent from its memory; 1.0.1g discards
 * them and answers only the controls.
 */
class EncryptedAttackAgainstOpenSslTest {
  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.both();

  @Test
  void openSsl101fLeaksTheClaimedLengthLessWhatWasSentInEveryRoundAndSuiteFamily() throws Exception {
    for (TlsSuite suite : List.of(TlsSuite.ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsSuite.RSA_WITH_AES_256_CBC_SHA)) {
      List<Integer> leaks = new ArrayList<>();
      EncryptedAttack.Outcome outcome = new EncryptedAttack(ProtocolVersion.TLS1_2, List.of(suite), null, 3, 0xffff,
          Duration.ofSeconds(10)).run(openssl.vulnerable().address(),
              (round, buffer, offset, length) -> leaks.add(length));

      assertThat(outcome.reason()).isEqualTo("leaked memory in 3 of 3 rounds");
      assertThat(outcome.suite()).isEqualTo(suite.ianaName());
      assertThat(outcome.leaks()).isEqualTo(3);
      assertThat(leaks).containsExactly(0xffff - 17, 0xffff - 17, 0xffff - 17);
      assertThat(outcome.bytesLeaked()).isEqualTo(3L * (0xffff - 17));
    }
  }

  @Test
  void openSsl101gDiscardsEveryMalformedRequestAndAnswersEveryControl() throws Exception {
    EncryptedAttack.Outcome outcome = new EncryptedAttack(ProtocolVersion.TLS1_1, TlsSession.allSuites(), null, 3, 0xffff,
        Duration.ofSeconds(10)).run(openssl.fixed().address(), (round, buffer, offset, length) -> {
          throw new AssertionError("1.0.1g leaked " + length + " bytes");
        });

    assertThat(outcome.reason()).isEqualTo("every malformed request discarded");
    assertThat(outcome.rounds()).isEqualTo(3);
    assertThat(outcome.bytesLeaked()).isZero();
    assertThat(outcome.heartbeatBytesReceived()).as("three control answers, nothing more").isPositive().isLessThan(3 * 200);
  }
}
