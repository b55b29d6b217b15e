package io.heartguard.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.sensor.Sensor;
import io.heartguard.testkit.RealOpenSslServers;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case straight at real OpenSSL 1.0.1f, to prove that the attack is real: it leaks there (or 1.0.1f refuses
 * it, as recorded in the case); the same bytes at 1.0.1g leak nothing, so what the oracle counts is Heartbleed;
 * and the run, written as a pcap, must make the sensor raise a request, answered or leak alert.
 */
class RealOpenSslTest {
  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.both();

  static Stream<Attack> attacks() {
    return Attack.all().stream();
  }

  static Stream<Attack> leakingAttacks() {
    return attacks().filter(a -> a.realOpenSsl() == Attack.OnRealOpenSsl.LEAKS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void straightAtOpenSsl101fTheAttackLeaksOrIsRefusedAsRecorded(Attack attack) throws Exception {
    AttackClient.Outcome outcome = attack.runAgainst(openssl.vulnerable().address()).outcome();
    System.out.printf("direct 1.0.1f %s: leaked %d bytes, %d honest answers, %d heartbeat records, %s%n",
        attack.name(), outcome.leakedBytes(), outcome.honestAnswers(), outcome.heartbeatRecords(), outcome.ended());

    if (attack.realOpenSsl() == Attack.OnRealOpenSsl.LEAKS) {
      assertThat(outcome.leakedBytes()).as("bytes 1.0.1f sent that %s never sent it", attack.name()).isPositive();
    } else {
      assertThat(outcome.leakedBytes()).as("1.0.1f refuses %s", attack.name()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leakingAttacks")
  void straightAtOpenSsl101gTheSameBytesLeakNothing(Attack attack) throws Exception {
    AttackClient.Outcome outcome = attack.runAgainst(openssl.fixed().address()).outcome();

    assertThat(outcome.leakedBytes()).as("1.0.1g is fixed").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void theCaptureOfTheDirectRunMakesTheSensorAlert(Attack attack) throws Exception {
    Attack.Run run = attack.runAgainst(openssl.vulnerable().address());
    // Kept in memory only: the capture holds what 1.0.1f leaked, which is never written out by default.
    byte[] pcap = TcpCapture.of(run.segments(), 50_000);

    List<Alert> alerts = Sensor.alertsOf(attack.name(), new ByteArrayInputStream(pcap));
    List<String> rules = alerts.stream().map(a -> a.rule().id() + " " + a.direction().eveName()).toList();
    System.out.printf("sensor %s: %s%n", attack.name(), rules);

    if (attack.realOpenSsl() == Attack.OnRealOpenSsl.LEAKS) {
      assertThat(alerts).as("sensor alerts on %s (1.0.1f leaked %d bytes)", attack.name(),
              run.outcome().leakedBytes())
          .extracting(a -> a.rule().id())
          .anyMatch(id -> id.contains("request") || id.contains("answered") || id.contains("leak"));
    } else {
      // 1.0.1f refused or skipped the bytes: whatever the sensor says of the attempt, it must not invent a leak.
      assertThat(alerts).as("no leak claimed on %s, where 1.0.1f leaked nothing", attack.name())
          .allSatisfy(a -> assertThat(a.bytesLeaked()).isZero());
    }
  }
}
