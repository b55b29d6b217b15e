package io.heartguard.scan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(7 * SECOND);

  private int takenNow(RateLimiter limiter) {
    int taken = 0;
    while (limiter.tryAcquire() == 0) {
      taken++;
    }
    return taken;
  }

  @Test
  void aFullBucketLetsOutATenthOfASecondsTokensAndNoMore() {
    RateLimiter limiter = new RateLimiter(1000, now::get);

    assertThat(takenNow(limiter)).isEqualTo(100);
  }

  @Test
  void tokensComeBackAtTheRate() {
    RateLimiter limiter = new RateLimiter(1000, now::get);
    takenNow(limiter);

    now.addAndGet(SECOND / 100); // 10 ms at 1000/s: 10 tokens
    assertThat(takenNow(limiter)).isEqualTo(10);
  }

  @Test
  void anEmptyBucketSaysHowLongUntilTheNextToken() {
    RateLimiter limiter = new RateLimiter(4, now::get); // capacity 1: 4/s is 250 ms apart
    assertThat(limiter.tryAcquire()).isZero();

    assertThat(limiter.tryAcquire()).isEqualTo(SECOND / 4);
    now.addAndGet(SECOND / 4 - 1);
    assertThat(limiter.tryAcquire()).isEqualTo(1);
    now.addAndGet(1);
    assertThat(limiter.tryAcquire()).isZero();
  }

  @Test
  void overALongRunTheRateHolds() {
    RateLimiter limiter = new RateLimiter(50, now::get);
    takenNow(limiter); // the initial burst of 5
    int taken = 0;
    for (int ms = 0; ms < 10_000; ms++) {
      now.addAndGet(SECOND / 1000);
      taken += takenNow(limiter);
    }
    assertThat(taken).isEqualTo(500); // 10 s at 50/s
  }

  @Test
  void anIdleLimiterDoesNotSaveUpMoreThanItsBurst() {
    RateLimiter limiter = new RateLimiter(1000, now::get);
    now.addAndGet(3600 * SECOND);

    assertThat(takenNow(limiter)).isEqualTo(100);
  }

  @Test
  void aRateMustBePositive() {
    assertThatThrownBy(() -> new RateLimiter(0, now::get)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate must be a positive number of connections per second, got 0.0");
  }
}
