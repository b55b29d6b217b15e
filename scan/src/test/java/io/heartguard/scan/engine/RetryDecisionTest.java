package io.heartguard.scan.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.Failure;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The engine retries an INCONCLUSIVE result by its failure kind, never by the words of its reason. */
class RetryDecisionTest {
  private static final int RETRIES = 2;

  /** How many times the engine checks one target (192.0.2.1, TEST-NET-1: the scanner is a fake) that fails so. */
  private static int checksOfATargetThatFails(Failure failure, String reason) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Scanner scanner = (t, o) -> {
      calls.incrementAndGet();
      return new ScanResult(t, null, null, null, null, Verdict.INCONCLUSIVE, reason, List.of(), 0, null, null,
          List.of(), 0, ScanResult.PLAIN_TLS, failure);
    };
    ScanTarget target = new ScanTarget("192.0.2.1:443", "192.0.2.1", InetAddress.getByName("192.0.2.1"), 443);
    new ScanEngine(scanner, ScanOptions.defaults(), 1).retries(RETRIES, Duration.ZERO)
        .run(new TargetList(List.of(target)), r -> {});
    return calls.get();
  }

  @ParameterizedTest
  @EnumSource(value = Failure.class, names = {"CONNECT_TIMEOUT", "TIMEOUT", "CLOSED", "RESET", "OTHER"})
  void aTransientFailureIsRetriedUpToTheBound(Failure failure) throws Exception {
    assertThat(checksOfATargetThatFails(failure, "fake")).isEqualTo(1 + RETRIES);
  }

  @ParameterizedTest
  @EnumSource(value = Failure.class,
      names = {"UNRESOLVED", "REFUSED", "UNREACHABLE", "ALERT", "PROTOCOL", "LIMIT", "STARTTLS", "INTERNAL"})
  void anAnswerIsNotRetried(Failure failure) throws Exception {
    assertThat(checksOfATargetThatFails(failure, "fake")).isEqualTo(1);
  }

  @Test
  void theKindDecidesWhateverTheReasonSays() throws Exception {
    // A STARTTLS server's text may say "Connection refused" about anything; only the kind counts.
    assertThat(checksOfATargetThatFails(Failure.TIMEOUT, "554 Connection refused by policy, then timed out"))
        .isEqualTo(1 + RETRIES);
    assertThat(checksOfATargetThatFails(Failure.REFUSED, "timed out?")).isEqualTo(1);
  }

  @Test
  void aVerdictIsNeverRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Scanner scanner = (t, o) -> {
      calls.incrementAndGet();
      return new ScanResult(t, null, null, null, null, Verdict.NOT_VULNERABLE, "well-formed heartbeat answered",
          List.of(), 0, null, null, List.of(), 0, ScanResult.PLAIN_TLS, Failure.NONE);
    };
    new ScanEngine(scanner, ScanOptions.defaults(), 1).retries(RETRIES, Duration.ZERO)
        .run(new TargetList(List.of(new ScanTarget("192.0.2.1:443", "192.0.2.1", InetAddress.getByName("192.0.2.1"), 443))),
            r -> {});

    assertThat(calls.get()).isEqualTo(1);
  }
}
