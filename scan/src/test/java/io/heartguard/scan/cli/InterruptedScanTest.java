package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.testkit.InterruptedCommand;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on a scan of a few hundred targets in table mode: the table streams, so the rows found so far are on the
 * screen, and the scan says how to resume: the {@link SlowLoopbackScan}, stopped by a real SIGINT once its first row
 * is out.
 */
class InterruptedScanTest {
  @Test
  void ctrlCWithoutADatabaseSaysThatDbWouldAllowResuming() throws Exception {
    InterruptedCommand.Ended ended = SlowLoopbackScan.interruptedAfterFirstRow();

    assertThat(ended.out().stream().filter(l -> l.startsWith("127.0.0.1:"))).isNotEmpty();
    assertThat(ended.err()).contains("scan: stopped after ").contains("run it with --db FILE to keep its results and"
        + " resume it after a stop");
  }
}
