package io.heartguard.scan;

import java.time.Duration;

/** The moment a check must end by, on the monotonic clock. */
record Deadline(long endNanos) {
  static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  /** Milliseconds left, at least 1 while any time is left, 0 once passed (a socket timeout of 0 means "forever"). */
  int remainingMillis() {
    long nanos = endNanos - System.nanoTime();
    if (nanos <= 0) {
      return 0;
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000));
  }

  boolean expired() {
    return endNanos - System.nanoTime() <= 0;
  }
}
