package io.heartguard.scan.engine;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Target;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Runs a {@link Scanner} over every target of a {@link TargetSource}, at most {@code concurrency} at once (one
 * virtual thread per check, a semaphore as the bound), and hands each result to a {@link ResultSink} as it
 * completes. Results arrive in completion order, not source order.
 */
public final class ScanEngine {
  public static final int DEFAULT_CONCURRENCY = 16;

  private final Scanner scanner;
  private final ScanOptions options;
  private final int concurrency;

  public ScanEngine(Scanner scanner, ScanOptions options, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.scanner = scanner;
    this.options = options;
    this.concurrency = concurrency;
  }

  /**
   * Returns once the source is exhausted and every check has finished. A sink failure stops taking new targets; it
   * is rethrown after the checks in flight have finished. The caller closes source and sink.
   */
  public void run(TargetSource source, ResultSink sink) throws IOException, InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    Object sinkLock = new Object();
    IOException[] sinkFailure = new IOException[1];
    try (ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor()) {
      while (true) {
        slots.acquire();
        synchronized (sinkLock) {
          if (sinkFailure[0] != null) {
            break;
          }
        }
        Target target = source.next();
        if (target == null) {
          break;
        }
        checks.execute(() -> {
          try {
            ScanResult result = scanner.check(target, options);
            synchronized (sinkLock) {
              if (sinkFailure[0] == null) {
                sink.accept(result);
              }
            }
          } catch (IOException e) {
            synchronized (sinkLock) {
              sinkFailure[0] = e;
            }
          } finally {
            slots.release();
          }
        });
      }
    }
    if (sinkFailure[0] != null) {
      throw sinkFailure[0];
    }
  }
}
