package io.heartguard.scan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Target;
import io.heartguard.scan.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanEngineTest {
  private static List<Target> targets(int count) {
    List<Target> list = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      list.add(Target.parse("192.0.2.1:" + i));
    }
    return list;
  }

  private static ScanResult result(Target target) {
    return new ScanResult(target, null, null, null, null, Verdict.INCONCLUSIVE, "fake", List.of(), 0, null, null, List.of(), 0);
  }

  @Test
  void everyTargetReachesTheSinkOnce() throws Exception {
    List<Target> seen = new ArrayList<>();
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
}
