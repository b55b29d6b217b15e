package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budgets hold over every window of their length, not only over windows aligned to the clock. */
class ServeBudgetSlidingWindowTest {
  private static final byte[] SECRET = new byte[32];
  private static final long SOURCE_PER_SECOND = 40_000;
  private static final long SOURCE_PER_MINUTE = 300_000;
  private static final long GLOBAL_PER_SECOND = 200_000;
  private static final long GLOBAL_PER_MINUTE = 2_000_000;

  private record Served(long atMillis, int source, long bytes) {}

  @Test
  void twentySourcesNeverGetMoreThanABudgetInAnySecondOrMinute() throws Exception {
    AtomicLong now = new AtomicLong(999_500L); // half a second before a whole second, where fixed windows reset
    ServeBudget budget = new ServeBudget(new HoneypotOptions(SECRET, SOURCE_PER_SECOND, SOURCE_PER_MINUTE,
        GLOBAL_PER_SECOND, GLOBAL_PER_MINUTE), now::get);
    InetAddress[] sources = new InetAddress[20];
    for (int i = 0; i < sources.length; i++) {
      sources[i] = InetAddress.getByName("127.0.1." + (i + 1));
    }
    SplittableRandom random = new SplittableRandom(13);
    List<Served> served = new ArrayList<>();
    long end = now.get() + 5 * 60_000;
    while (now.get() < end) {
      for (int i = 0; i < sources.length; i++) {
        long bytes = 3 + random.nextInt(16_400);
        if (budget.tryServe(sources[i], bytes) == ServeBudget.Decision.SERVE) {
          served.add(new Served(now.get(), i, bytes));
        }
      }
      now.addAndGet(1 + random.nextInt(40));
    }

    assertThat(served.size()).isGreaterThan(100);
    assertThat(largestInAnyWindow(served, 1_000, -1)).isLessThanOrEqualTo(GLOBAL_PER_SECOND);
    assertThat(largestInAnyWindow(served, 60_000, -1)).isLessThanOrEqualTo(GLOBAL_PER_MINUTE);
    for (int i = 0; i < sources.length; i++) {
      assertThat(largestInAnyWindow(served, 1_000, i)).as("source %d per second", i).isLessThanOrEqualTo(SOURCE_PER_SECOND);
      assertThat(largestInAnyWindow(served, 60_000, i)).as("source %d per minute", i).isLessThanOrEqualTo(SOURCE_PER_MINUTE);
    }
  }

  @Test
  void oneSourceCannotDoubleItsSecondBudgetAcrossAWholeSecond() throws Exception {
    AtomicLong now = new AtomicLong(1_999_000L);
    ServeBudget budget = new ServeBudget(new HoneypotOptions(SECRET, 40_000, 1_000_000, 10_000_000, 10_000_000), now::get);
    InetAddress a = InetAddress.getByName("127.0.0.2");
    assertThat(budget.tryServe(a, 40_000)).isEqualTo(ServeBudget.Decision.SERVE);
    now.addAndGet(1_000); // a new second on the clock, but the first 40 000 bytes were served within this second
    assertThat(budget.tryServe(a, 40_000)).isEqualTo(ServeBudget.Decision.OVER_SOURCE_LIMIT);
  }

  /** The most bytes served within any closed window [t, t + length] that starts at a serve. */
  private static long largestInAnyWindow(List<Served> served, long length, int source) {
    long largest = 0;
    long sum = 0;
    int tail = 0;
    List<Served> mine = source < 0 ? served : served.stream().filter(s -> s.source() == source).toList();
    for (int head = 0; head < mine.size(); head++) {
      sum += mine.get(head).bytes();
      while (mine.get(head).atMillis() - mine.get(tail).atMillis() > length) {
        sum -= mine.get(tail).bytes();
        tail++;
      }
      largest = Math.max(largest, sum);
    }
    return largest;
  }
}
