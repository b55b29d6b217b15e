package io.heartguard.scan.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code --rate}: a token bucket of new connections per second. It holds at most a tenth of a second's tokens (at
 * least one), so a full bucket lets out a short burst, never a second's worth at once. The clock is a nanosecond
 * source so that tests drive it by hand.
 */
public final class RateLimiter {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double tokensPerNano;
  private final double capacity;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  public RateLimiter(double perSecond, LongSupplier nanoClock) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of connections per second, got " + perSecond);
    }
    this.tokensPerNano = perSecond / NANOS_PER_SECOND;
    this.capacity = Math.max(1, perSecond / 10);
    this.nanoClock = nanoClock;
    this.tokens = capacity;
    this.last = nanoClock.getAsLong();
  }

  public static RateLimiter perSecond(double perSecond) {
    return new RateLimiter(perSecond, System::nanoTime);
  }

  /** Takes a token and returns 0, or takes nothing and returns the nanoseconds until one is due. */
  public synchronized long tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * tokensPerNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
  }

  /** Waits until a token is due and takes it. */
  public void acquire() throws InterruptedException {
    for (long wait = tryAcquire(); wait > 0; wait = tryAcquire()) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
