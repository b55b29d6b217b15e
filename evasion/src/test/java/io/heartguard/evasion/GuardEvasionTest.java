package io.heartguard.evasion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.guard.Action;
import io.heartguard.guard.Endpoint;
import io.heartguard.guard.GuardServer;
import io.heartguard.guard.GuardedLoopback;
import io.heartguard.guard.Policy;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.testkit.RealOpenSslServers;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case through the guard, in process on 127.0.0.1, in front of real OpenSSL 1.0.1f and in front of the lab's
 * emulated 1.0.1f, under the default policy and under {@code block-malformed} and {@code block-leak} alone. The goal
 * of issue 12: not one leaked byte reaches the client, and the guard raises an alert that blocked something.
 */
class GuardEvasionTest {
  /** The policies the issue requires to hold on their own. */
  enum Policies {
    DEFAULT(Policy.DEFAULT), BLOCK_MALFORMED(EnumSet.of(Policy.BLOCK_MALFORMED)), BLOCK_LEAK(EnumSet.of(Policy.BLOCK_LEAK));

    final Set<Policy> set;

    Policies(Set<Policy> set) {
      this.set = set;
    }

    @Override
    public String toString() {
      return this == DEFAULT ? "default policy" : Policy.describe(set);
    }
  }

  enum Behind {
    OPENSSL_1_0_1F, LAB;

    @Override
    public String toString() {
      return this == LAB ? "lab 1.0.1f" : "real 1.0.1f";
    }
  }

  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.vulnerableOnly();
  private static LabServer lab;

  @BeforeAll
  static void startLab() throws Exception {
    lab = LabServer.start(LabOptions.vulnerable().withoutLog());
  }

  @AfterAll
  static void stopLab() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  static Stream<Arguments> runs() {
    return Attack.all().stream().flatMap(attack -> Stream.of(Behind.values()).flatMap(behind ->
        Stream.of(Policies.values()).map(policies -> Arguments.of(attack, policies, behind))));
  }

  @ParameterizedTest(name = "{0} through the guard ({1}) to {2}")
  @MethodSource("runs")
  void noLeakedByteReachesTheClientAndTheGuardBlocksWithAnAlert(Attack attack, Policies policies, Behind behind)
      throws Exception {
    Endpoint upstream = behind == Behind.LAB ? Endpoint.of(lab.address()) : Endpoint.of(openssl.vulnerable().address());
    if (behind == Behind.LAB) {
      // The lab emulates 1.0.1f only in part (no SSLv2-compatible hello, no odd record versions). Where it refuses a
      // case itself, it may close before the attack reaches the guard, so there would be nothing to judge.
      int direct = attack.runAgainst(lab.address()).outcome().leakedBytes();
      System.out.printf("direct lab %s %s: leaked %d bytes%n", attack.name(), policies, direct);
      assumeTrue(direct > 0, "the lab leaks nothing on " + attack.name() + " without the guard");
    }
    try (GuardedLoopback guard = new GuardedLoopback(upstream, policies.set, Action.RESET,
        GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      AttackClient.Outcome outcome = attack.runAgainst(guard.address()).outcome();
      List<String> alerts = guard.alerts.stream().map(a -> a.rule().id() + "=" + a.recordAction()).toList();
      System.out.printf("guard %s %s %s: leaked %d bytes, %s, alerts %s%n", attack.name(), policies, behind,
          outcome.leakedBytes(), outcome.ended(), alerts);

      assertThat(outcome.leakedBytes()).as("leaked bytes through the guard (alerts %s)", alerts).isZero();
      assertThat(guard.alerts).as("alerts").extracting(Alert::recordAction)
          .anyMatch(taken -> taken != RecordAction.FORWARD);
    }
  }
}
