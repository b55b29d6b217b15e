package io.heartguard.scan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.scan.Failure;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanEngineTest {
  private static final InetAddress TEST_NET = address("192.0.2.1");

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no name service is asked
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** 192.0.2.1 (TEST-NET-1, never connected to: the scanners here are fakes) on ports 1..count. */
  private static List<ScanTarget> targets(int count) {
    List<ScanTarget> list = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      list.add(new ScanTarget("192.0.2.1:" + i, "192.0.2.1", TEST_NET, i));
    }
    return list;
  }

  private static ScanResult result(ScanTarget target) {
    return inconclusive(target, Failure.OTHER, "fake");
  }

  @Test
  void everyTargetReachesTheSinkOnce() throws Exception {
    List<ScanTarget> seen = new ArrayList<>();
    new ScanEngine((t, o) -> result(t), ScanOptions.defaults(), 4).run(new TargetList(targets(50)), r -> seen.add(r.target()));

    assertThat(seen).containsExactlyInAnyOrderElementsOf(targets(50));
  }

  @Test
  void noMoreThanTheConcurrencyRunAtOnceAndAllOfItIsUsed() throws Exception {
    int concurrency = 3;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch full = new CountDownLatch(concurrency);
    Scanner scanner = (t, o) -> {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      full.countDown();
      try {
        full.await(5, TimeUnit.SECONDS); // the first three meet here, proving they run together
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      return result(t);
    };
    AtomicInteger delivered = new AtomicInteger();
    new ScanEngine(scanner, ScanOptions.defaults(), concurrency).run(new TargetList(targets(20)), r -> delivered.incrementAndGet());

    assertThat(peak.get()).isEqualTo(concurrency);
    assertThat(delivered.get()).isEqualTo(20);
  }

  @Test
  void theSinkIsNeverCalledFromTwoThreadsAtOnce() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    ResultSink sink = r -> {
      if (inside.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      Thread.yield();
      inside.decrementAndGet();
    };
    new ScanEngine((t, o) -> result(t), ScanOptions.defaults(), 16).run(new TargetList(targets(200)), sink);

    assertThat(overlaps.get()).isZero();
  }

  @Test
  void aSinkFailureStopsTheRunAndIsRethrown() {
    AtomicInteger checked = new AtomicInteger();
    Scanner scanner = (t, o) -> {
      checked.incrementAndGet();
      return result(t);
    };
    ResultSink failing = r -> {
      throw new IOException("database down");
    };

    assertThatThrownBy(() -> new ScanEngine(scanner, ScanOptions.defaults(), 1).run(new TargetList(targets(100)), failing))
        .isInstanceOf(IOException.class).hasMessage("database down");
    assertThat(checked.get()).isLessThan(100);
  }

  private static ScanResult result(ScanTarget target, Verdict verdict, String reason) {
    return new ScanResult(target, null, null, null, null, verdict, reason, List.of(), 0, null, null, List.of(), 0,
        ScanResult.PLAIN_TLS, Failure.NONE);
  }

  private static ScanResult inconclusive(ScanTarget target, Failure failure, String reason) {
    return new ScanResult(target, null, null, null, null, Verdict.INCONCLUSIVE, reason, List.of(), 0, null, null,
        List.of(), 0, ScanResult.PLAIN_TLS, failure);
  }

  @Test
  void anInconclusiveTimeoutIsRetriedUpToTheBoundAndTheLastResultKept() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Scanner scanner = (t, o) -> inconclusive(t, Failure.TIMEOUT, "timed out after " + calls.incrementAndGet());
    List<ScanResult> seen = new ArrayList<>();
    ScanEngine engine = new ScanEngine(scanner, ScanOptions.defaults(), 1).retries(2, Duration.ZERO);

    ScanEngine.Run run = engine.run(new TargetList(targets(1)), seen::add);

    assertThat(calls.get()).isEqualTo(3);
    assertThat(run.retried()).isEqualTo(2);
    assertThat(seen).singleElement().extracting(ScanResult::reason).isEqualTo("timed out after 3");
  }

  @Test
  void aRetriedResultIsTimedFromTheFirstTryToTheLastIncludingTheWaits() throws Exception {
    // Each fake try reports 0 ms; the engine waits 40 ms and 80 ms between the three tries.
    Scanner scanner = (t, o) -> inconclusive(t, Failure.TIMEOUT, "timed out");
    List<ScanResult> seen = new ArrayList<>();

    new ScanEngine(scanner, ScanOptions.defaults(), 1).retries(2, Duration.ofMillis(40)).run(new TargetList(targets(1)), seen::add);

    assertThat(seen).singleElement().extracting(ScanResult::elapsedMillis).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LONG)
        .isGreaterThanOrEqualTo(120);
  }

  @Test
  void aRetryStopsAtTheFirstConclusiveResult() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Scanner scanner = (t, o) -> calls.incrementAndGet() == 1
        ? inconclusive(t, Failure.RESET, "connection reset") : result(t, Verdict.VULNERABLE, "leaked");
    List<ScanResult> seen = new ArrayList<>();

    new ScanEngine(scanner, ScanOptions.defaults(), 1).retries(5, Duration.ZERO).run(new TargetList(targets(1)), seen::add);

    assertThat(calls.get()).isEqualTo(2);
    assertThat(seen).singleElement().extracting(ScanResult::verdict).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void aRefusedConnectionIsAnAnswerAndNotRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Scanner scanner = (t, o) -> {
      calls.incrementAndGet();
      return inconclusive(t, Failure.REFUSED, "connect failed: Connection refused");
    };

    new ScanEngine(scanner, ScanOptions.defaults(), 4).retries(3, Duration.ZERO).run(new TargetList(targets(10)), r -> {});

    assertThat(calls.get()).isEqualTo(10);
  }

  @Test
  void anUnresolvedNameIsInconclusiveWithoutACheck() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<ScanResult> seen = new ArrayList<>();
    ScanTarget unresolved = new ScanTarget("nowhere.invalid", "nowhere.invalid", null, 443);

    new ScanEngine((t, o) -> {
      calls.incrementAndGet();
      return result(t);
    }, ScanOptions.defaults(), 2).retries(3, Duration.ZERO).run(new TargetList(List.of(unresolved)), seen::add);

    assertThat(calls.get()).isZero();
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(r.reason()).isEqualTo("could not resolve nowhere.invalid");
      assertThat(r.protocol()).isEqualTo("tls");
    });
  }

  @Test
  void positionsNumberAddressesAndLeaveANamesAddressesUnnumbered() throws Exception {
    List<ScanTarget> list = new ArrayList<>();
    list.add(new ScanTarget("localhost", "localhost", address("127.0.0.1"), 443));
    list.addAll(targets(3));
    List<Long> positions = new ArrayList<>();
    ResultSink sink = new ResultSink() {
      @Override
      public void accept(ScanResult result) {
        throw new AssertionError("the engine passes positions");
      }

      @Override
      public void accept(long position, ScanResult result) {
        positions.add(position);
      }
    };

    ScanEngine.Run run = new ScanEngine((t, o) -> result(t), ScanOptions.defaults(), 1).run(new TargetList(list), sink);

    assertThat(positions).containsExactly(ScanEngine.UNNUMBERED, 0L, 1L, 2L);
    assertThat(run.numbered()).isEqualTo(3);
    assertThat(run.exhausted()).isTrue();
  }

  @Test
  void doneTargetsAreTakenButNotChecked() throws Exception {
    List<ScanTarget> checked = new ArrayList<>();
    ScanEngine.Run run = new ScanEngine((t, o) -> result(t), ScanOptions.defaults(), 1)
        .skipping((position, target) -> position % 2 == 0)
        .run(new TargetList(targets(6)), r -> checked.add(r.target()));

    assertThat(checked).extracting(ScanTarget::port).containsExactly(2, 4, 6);
    assertThat(run.skipped()).isEqualTo(3);
    assertThat(run.numbered()).isEqualTo(6);
  }

  @Test
  void theSourceIsNeverReadMoreThanTheConcurrencyAhead() throws Exception {
    int concurrency = 4;
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger maxAhead = new AtomicInteger();
    TargetList list = new TargetList(targets(200));
    io.heartguard.targets.TargetSource counting = new io.heartguard.targets.TargetSource() {
      @Override
      public java.util.Optional<ScanTarget> next() {
        maxAhead.accumulateAndGet(taken.incrementAndGet() - finished.get(), Math::max);
        return list.next();
      }

      @Override
      public java.util.OptionalLong sizeHint() {
        return list.sizeHint();
      }
    };

    new ScanEngine((t, o) -> result(t), ScanOptions.defaults(), concurrency).run(counting, r -> finished.incrementAndGet());

    assertThat(finished.get()).isEqualTo(200);
    assertThat(maxAhead.get()).isLessThanOrEqualTo(concurrency + 1); // + 1: the final call that finds it exhausted
  }

  @Test
  void stopTakesNoMoreTargetsAndLetsTheOnesInFlightFinish() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoRunning = new CountDownLatch(2);
    Scanner scanner = (t, o) -> {
      twoRunning.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return result(t);
    };
    ScanEngine engine = new ScanEngine(scanner, ScanOptions.defaults(), 2).grace(Duration.ofSeconds(5));
    List<ScanResult> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread stopper = Thread.ofVirtual().start(() -> {
      try {
        twoRunning.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      engine.stop();
      release.countDown();
    });

    ScanEngine.Run run = engine.run(new TargetList(targets(100)), seen::add);
    stopper.join();

    assertThat(seen).hasSize(2);
    assertThat(run.taken()).isEqualTo(2);
    assertThat(run.exhausted()).isFalse();
  }

  @Test
  void aCheckStillRunningAfterTheGraceIsCancelledAndItsResultDropped() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Scanner hanging = (t, o) -> {
      running.countDown();
      try {
        new CountDownLatch(1).await(); // a target that never answers; only the cancel ends it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inconclusive(t, Failure.OTHER, "interrupted");
    };
    ScanEngine engine = new ScanEngine(hanging, ScanOptions.defaults(), 1).grace(Duration.ofMillis(50));
    Thread.ofVirtual().start(() -> {
      try {
        running.await();
        engine.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<ScanResult> seen = new ArrayList<>();

    ScanEngine.Run run = engine.run(new TargetList(targets(5)), seen::add);

    assertThat(seen).isEmpty(); // not stored: a resumed job checks it again
    assertThat(run.checked()).isZero();
  }
}
