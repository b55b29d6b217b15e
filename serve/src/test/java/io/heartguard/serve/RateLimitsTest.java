package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstOfTheRateIsGrantedThenTheNextWaitsForOneTokensRefill() {
    RateLimits limits = new RateLimits(6, 100); // 6 a minute: one token every 10 s
    for (int i = 0; i < 6; i++) {
      assertThat(limits.take("client", 0)).isZero();
    }
    assertThat(limits.take("client", 0)).isEqualTo(10);
    assertThat(limits.take("client", 4 * SECOND)).isEqualTo(6);
    assertThat(limits.take("client", 10 * SECOND)).isZero();
    assertThat(limits.take("other", 10 * SECOND)).as("keys are independent").isZero();
  }

  @Test
  void theMapKeepsAtMostItsBoundEvictingTheLeastRecentlyUsed() {
    RateLimits limits = new RateLimits(1, 3);
    limits.take("a", 0);
    limits.take("b", 0);
    limits.take("c", 0);
    assertThat(limits.take("a", 0)).as("a is spent and now most recent").isPositive();
    limits.take("d", 0); // evicts b
    assertThat(limits.size()).isEqualTo(3);
    assertThat(limits.take("b", 0)).as("b was evicted: a new full bucket").isZero();
  }
}
