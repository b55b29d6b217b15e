package io.heartguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.lab.EncryptedAttack;
import io.heartguard.testkit.RealOpenSslServers;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.tls.TlsSession;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard in front of the real OpenSSL 1.0.1f against {@code lab client --encrypted}: heartbeats inside a completed
 * handshake, where the guard sees only record lengths. Straight at 1.0.1f the attack leaks; through {@code block-leak}
 * the leak is cut at its first record header, before a byte of it is forwarded; {@code restrict} stops the requests.
 */
class GuardAgainstEncryptedAttackTest {
  @RegisterExtension static final RealOpenSslServers servers = RealOpenSslServers.vulnerableOnly();

  private static EncryptedAttack attack() {
    return new EncryptedAttack(ProtocolVersion.TLS1_2, TlsSession.allSuites(), null, 1, 0xffff, Duration.ofSeconds(10));
  }

  @Test
  void theEncryptedAttackLeaksStraightFrom101f() throws Exception {
    EncryptedAttack.Outcome outcome = attack().run(new java.net.InetSocketAddress(servers.vulnerable().host(), servers.vulnerable().port()),
        (round, buffer, offset, length) -> { });

    assertThat(outcome.bytesLeaked()).isEqualTo(0xffff - 17);
  }

  @Test
  void blockLeakCutsTheEncryptedLeakBeforeAByteOfItIsForwarded() throws Exception {
    try (GuardedLoopback guard = new GuardedLoopback(new Endpoint(servers.vulnerable().host(), servers.vulnerable().port()),
        EnumSet.of(Policy.BLOCK_LEAK), Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      AtomicLong leaked = new AtomicLong();
      EncryptedAttack.Outcome outcome = attack().run(guard.address(), (round, buffer, offset, length) -> leaked.addAndGet(length));

      assertThat(outcome.heartbeatBytesReceived()).as("heartbeat bytes the client got: %s", outcome.reason()).isZero();
      assertThat(leaked.get()).isZero();
      assertThat(outcome.reason()).isIn("server closed the connection", "connection broke: Connection reset");
      assertThat(guard.alerts).extracting((Alert a) -> a.rule().id(), Alert::recordAction)
          .contains(Tuple.tuple("heartbleed_encrypted_response_leak", RecordAction.RESET));
    }
  }

  @Test
  void restrictStopsTheEncryptedHeartbeatsBeforeTheServerSeesThem() throws Exception {
    try (GuardedLoopback guard = new GuardedLoopback(new Endpoint(servers.vulnerable().host(), servers.vulnerable().port()),
        EnumSet.of(Policy.RESTRICT), Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      EncryptedAttack.Outcome outcome = attack().run(guard.address(), (round, buffer, offset, length) -> {
        throw new IOException("restrict let " + length + " leaked bytes through");
      });

      assertThat(outcome.heartbeatBytesReceived()).isZero();
      assertThat(outcome.bytesLeaked()).isZero();
      assertThat(guard.alerts).extracting((Alert a) -> a.rule().id(), Alert::recordAction, Alert::direction)
          .containsExactly(Tuple.tuple("heartbeat_before_application_data", RecordAction.RESET,
              io.heartguard.detect.Direction.TO_SERVER));
    }
  }

  @Test
  void restrictWithDropSwallowsTheHeartbeatsAndTheServerNeverAnswersThem() throws Exception {
    try (GuardedLoopback guard = new GuardedLoopback(new Endpoint(servers.vulnerable().host(), servers.vulnerable().port()),
        EnumSet.of(Policy.RESTRICT), Action.DROP, GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      EncryptedAttack quick = new EncryptedAttack(ProtocolVersion.TLS1_2, TlsSession.allSuites(), null, 1, 0xffff,
          Duration.ofSeconds(2));
      EncryptedAttack.Outcome outcome = quick.run(guard.address(), (round, buffer, offset, length) -> {
        throw new IOException("restrict let " + length + " leaked bytes through");
      });

      // Both heartbeat records were dropped: neither the leak nor the control's echo comes, so the read times out.
      assertThat(outcome.heartbeatBytesReceived()).as(outcome.reason()).isZero();
      assertThat(outcome.reason()).isEqualTo("no answer within 2000 ms");
      assertThat(guard.alerts).extracting((Alert a) -> a.rule().id(), Alert::recordAction)
          .contains(Tuple.tuple("heartbeat_before_application_data", RecordAction.DROP));
    }
  }
}
