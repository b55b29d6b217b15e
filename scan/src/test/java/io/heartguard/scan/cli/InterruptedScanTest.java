package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.testkit.InterruptedCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on a scan of a few hundred targets in table mode: the table streams, so the rows found so far are on the
 * screen, and the scan says how to resume. The scan runs as its own process and gets a real SIGINT once its first row
 * is out. Its 300 targets are closed ports on 127.0.0.1, checked 20 a second so that it is still running then.
 */
class InterruptedScanTest {
  private static final List<String> SLOW_LOOPBACK_SCAN =
      List.of("127.0.0.1", "-p", "47000-47299", "--rate", "20", "--concurrency", "2", "--retries", "0", "--no-progress");

  private static InterruptedCommand.Ended interruptAfterFirstRow(List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(SLOW_LOOPBACK_SCAN);
    args.addAll(extra);
    return InterruptedCommand.afterFirstLine(ScanCommand.class, args, "127.0.0.1:");
  }

  @Test
  void ctrlCWithoutADatabaseSaysThatDbWouldAllowResuming() throws Exception {
    InterruptedCommand.Ended ended = interruptAfterFirstRow(List.of());

    assertThat(ended.out().stream().filter(l -> l.startsWith("127.0.0.1:"))).isNotEmpty();
    assertThat(ended.err()).contains("scan: stopped after ").contains("run it with --db FILE to keep its results and"
        + " resume it after a stop");
  }
}
