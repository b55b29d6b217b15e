package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void showsDoneOfTotalThePercentTheRateVulnerableAndTheTimeLeft() {
    String line = ProgressLine.format(new ProgressLine.Counts(1200, 65536, 2), 4 * SECOND);

    // 1200 in 4 s is 300/s; 64336 left at 300/s is 214 s
    assertThat(line).isEqualTo("1200/65536 (1.8%)  300/s  2 vulnerable  ETA 3m34s");
  }

  @Test
  void anUnknownTotalShowsNoPercentAndNoEta() {
    assertThat(ProgressLine.format(new ProgressLine.Counts(50, -1, 0), 10 * SECOND))
        .isEqualTo("50 done  5/s  0 vulnerable");
  }

  @Test
  void beforeAnythingIsDoneTheEtaIsUnknown() {
    assertThat(ProgressLine.format(new ProgressLine.Counts(0, 10, 0), 0)).isEqualTo("0/10 (0.0%)  0/s  0 vulnerable  ETA ?");
  }

  @Test
  void whenAllIsDoneTheEtaIsZero() {
    assertThat(ProgressLine.format(new ProgressLine.Counts(10, 10, 1), SECOND))
        .isEqualTo("10/10 (100.0%)  10/s  1 vulnerable  ETA 0s");
  }

  @Test
  void durationsAreSecondsThenMinutesThenHours() {
    assertThat(ProgressLine.duration(42)).isEqualTo("42s");
    assertThat(ProgressLine.duration(185)).isEqualTo("3m05s");
    assertThat(ProgressLine.duration(7620)).isEqualTo("2h07m");
  }
}
