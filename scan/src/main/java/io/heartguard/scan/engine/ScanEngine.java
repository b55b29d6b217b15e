package io.heartguard.scan.engine;

import io.heartguard.scan.Failure;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Verdict;
import io.heartguard.scan.starttls.StartTls;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link Scanner} over every target of a {@link TargetSource}, at most {@code concurrency} at once (one
 * virtual thread per check, a semaphore as the bound), and hands each result to a {@link ResultSink} as it
 * completes, in completion order. Targets are pulled only when a slot is free, so no more than {@code concurrency}
 * of them are held at once whatever the size of the source; each check is bounded by its own timeout, so a slow or
 * dead target holds one slot and never the others.
 *
 * <p>Optional politeness: a {@link RateLimiter} on new checks (and retries), and bounded retries, with doubling
 * back-off, of INCONCLUSIVE results that another try might change. Source and sink are interfaces: a list, a target
 * space or a queue in, a report or a database out.
 *
 * <p>Configure, then {@link #run} once. {@link #stop()} (a Ctrl-C) stops taking targets; the checks in flight get
 * {@link #grace} to finish and are then cancelled, and a cancelled check's result is dropped rather than stored, so
 * a resumed job checks that target again.
 */
public final class ScanEngine {
  public static final int DEFAULT_CONCURRENCY = 256;
  /** The position of a target outside the source's reproducible numbering: an address a host name resolved to. */
  public static final long UNNUMBERED = -1;
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);
  /** How often the taking loop looks at the stop flag while every slot is busy. */
  private static final long STOP_POLL_MILLIS = 50;

  private final Scanner scanner;
  private final ScanOptions options;
  private final int concurrency;
  private RateLimiter rate;
  private int retries;
  private Duration backoff = DEFAULT_BACKOFF;
  private Duration grace = DEFAULT_GRACE;
  private DoneTargets done = DoneTargets.NONE;

  private volatile boolean stopping;
  private volatile boolean abandoned;
  private final AtomicLong taken = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong checked = new AtomicLong();
  private final AtomicLong vulnerable = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();

  /** What a run did. {@code numbered} is how many numbered targets the source gave: a finished job's count. */
  public record Run(long taken, long numbered, long skipped, long checked, long retried, boolean exhausted) {}

  /** Counts so far, for a progress line; safe to read from any thread while the engine runs. */
  public record Progress(long taken, long skipped, long checked, long vulnerable) {
    /** Targets dealt with: checked, or skipped as done by an earlier run. */
    public long done() {
      return skipped + checked;
    }
  }

  public ScanEngine(Scanner scanner, ScanOptions options, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.scanner = scanner;
    this.options = options;
    this.concurrency = concurrency;
  }

  /** At most this many new checks a second, retries included; none by default. */
  public ScanEngine rate(RateLimiter limiter) {
    this.rate = limiter;
    return this;
  }

  /** Retries an INCONCLUSIVE result up to {@code count} times, after {@code firstBackoff}, then twice that, ... */
  public ScanEngine retries(int count, Duration firstBackoff) {
    if (count < 0) {
      throw new IllegalArgumentException("retries must be at least 0, got " + count);
    }
    if (firstBackoff.isNegative()) {
      throw new IllegalArgumentException("back-off cannot be negative, got " + firstBackoff);
    }
    this.retries = count;
    this.backoff = firstBackoff;
    return this;
  }

  /** How long checks in flight may take to finish after {@link #stop()}. */
  public ScanEngine grace(Duration time) {
    this.grace = time;
    return this;
  }

  /** Targets to take from the source without checking: those a resumed job already has results for. */
  public ScanEngine skipping(DoneTargets targets) {
    this.done = targets;
    return this;
  }

  /** Stops taking targets; {@link #run} returns once the checks in flight have finished or the grace is over. */
  public void stop() {
    stopping = true;
  }

  public Progress progress() {
    return new Progress(taken.get(), skipped.get(), checked.get(), vulnerable.get());
  }

  /**
   * Returns once the source is exhausted (or {@link #stop()} was called) and every check has finished. A sink
   * failure stops taking new targets; it is rethrown after the checks in flight have finished. The caller closes
   * source and sink.
   */
  public Run run(TargetSource source, ResultSink sink) throws IOException, InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    Delivery delivery = new Delivery(sink);
    long numbered = 0;
    boolean exhausted = false;
    ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    try {
      while (!stopping && !delivery.failed()) {
        if (!slots.tryAcquire(STOP_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          continue;
        }
        Optional<ScanTarget> next = stopping ? Optional.empty() : source.next();
        if (next.isEmpty()) {
          slots.release();
          exhausted = !stopping;
          break;
        }
        ScanTarget target = next.get();
        long position = target.isName() ? UNNUMBERED : numbered++;
        taken.incrementAndGet();
        if (done.contains(position, target)) {
          skipped.incrementAndGet();
          slots.release();
          continue;
        }
        if (target.address() == null) {
          slots.release();
          delivery.deliver(position, unresolved(target)); // nothing to connect to, nothing to retry
          continue;
        }
        if (rate != null) {
          rate.acquire();
        }
        checks.execute(() -> {
          try {
            delivery.deliver(position, checkWithRetries(target));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled after the grace: the result is dropped
          } finally {
            slots.release();
          }
        });
      }
    } finally {
      checks.shutdown();
      if (stopping && !checks.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        abandoned = true; // from here on results are dropped: a target is either stored whole or checked again
        checks.shutdownNow();
      }
      checks.close();
    }
    delivery.rethrow();
    return new Run(taken.get(), numbered, skipped.get(), checked.get(), retried.get(), exhausted && !delivery.failed());
  }

  /** The last result; when retried, timed from the first try's start to the last one's end, waits included. */
  private ScanResult checkWithRetries(ScanTarget target) throws InterruptedException {
    long start = System.nanoTime();
    ScanResult result = scanner.check(target, options);
    if (retries == 0 || !worthRetrying(result) || stopping) {
      return result;
    }
    for (int attempt = 1; attempt <= retries && worthRetrying(result) && !stopping; attempt++) {
      long wait = backoff.toMillis() << Math.min(attempt - 1, 16);
      if (wait > 0) {
        Thread.sleep(wait);
      }
      if (rate != null) {
        rate.acquire();
      }
      retried.incrementAndGet();
      result = scanner.check(target, options);
    }
    return result.withElapsedMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /**
   * An INCONCLUSIVE result another try might change, by its failure kind ({@link Failure#worthRetrying()}): a
   * timeout, a reset, a close. A refused connection, an alert or a protocol error is the server's answer (and on a
   * mostly closed space retrying refusals would double the work), so it is kept.
   */
  static boolean worthRetrying(ScanResult result) {
    return result.verdict() == Verdict.INCONCLUSIVE && result.failure().worthRetrying();
  }

  private ScanResult unresolved(ScanTarget target) {
    String protocol = options.starttls().forPort(target.port()).map(StartTls::protocolName).orElse(ScanResult.PLAIN_TLS);
    return new ScanResult(target, null, null, null, null, Verdict.INCONCLUSIVE, "could not resolve " + target.host(),
        List.of(), 0, null, null, List.of(), 0, protocol, Failure.UNRESOLVED);
  }

  /** Hands results to the sink one at a time and keeps its first failure. */
  private final class Delivery {
    private final ResultSink sink;
    private IOException failure;

    Delivery(ResultSink sink) {
      this.sink = sink;
    }

    synchronized void deliver(long position, ScanResult result) {
      if (failure != null || abandoned) {
        return;
      }
      try {
        sink.accept(position, result);
        checked.incrementAndGet();
        if (result.verdict() == Verdict.VULNERABLE) {
          vulnerable.incrementAndGet();
        }
      } catch (IOException e) {
        failure = e;
      }
    }

    synchronized boolean failed() {
      return failure != null;
    }

    synchronized void rethrow() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
