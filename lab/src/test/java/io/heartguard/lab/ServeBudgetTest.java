package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServeBudgetTest {
  private static final byte[] SECRET = new byte[32];

  @Test
  void aSourceOverItsSecondBudgetIsRefusedUntilItsServedBytesAreASecondOld() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000L);
    ServeBudget budget = new ServeBudget(new HoneypotOptions(SECRET, 40_000, 1_000_000, 10_000_000, 10_000_000), now::get);
    InetAddress a = InetAddress.getByName("127.0.0.2");
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.SERVE);
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.SERVE);
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.OVER_SOURCE_LIMIT); // 49 209 > 40 000
    now.addAndGet(999);
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.OVER_SOURCE_LIMIT);
    now.addAndGet(1); // a second later, but the 50 ms slot of the first bytes still counts whole
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.OVER_SOURCE_LIMIT);
    now.addAndGet(50);
    assertThat(budget.tryServe(a, 16_403)).isEqualTo(ServeBudget.Decision.SERVE);
  }

  @Test
  void theGlobalCapBindsAllSourcesTogether() throws Exception {
    AtomicLong now = new AtomicLong(60_000L);
    ServeBudget budget = new ServeBudget(new HoneypotOptions(SECRET, 1_000_000, 1_000_000, 1_000_000, 30_000), now::get);
    assertThat(budget.tryServe(InetAddress.getByName("127.0.0.2"), 16_403)).isEqualTo(ServeBudget.Decision.SERVE);
    assertThat(budget.tryServe(InetAddress.getByName("127.0.0.3"), 16_403)).isEqualTo(ServeBudget.Decision.OVER_GLOBAL_LIMIT);
    now.addAndGet(60_000); // the one-second slot of the first bytes still counts whole
    assertThat(budget.tryServe(InetAddress.getByName("127.0.0.3"), 16_403)).isEqualTo(ServeBudget.Decision.OVER_GLOBAL_LIMIT);
    now.addAndGet(1_000);
    assertThat(budget.tryServe(InetAddress.getByName("127.0.0.3"), 16_403)).isEqualTo(ServeBudget.Decision.SERVE);
  }
}
