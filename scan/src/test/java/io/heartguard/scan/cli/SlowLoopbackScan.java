package io.heartguard.scan.cli;

import io.heartguard.testkit.InterruptedCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * A scan of 300 closed ports on 127.0.0.1 in table mode, run as its own process and checked 20 a second so that it is
 * still running when it gets a real SIGINT, once its first row is out.
 */
final class SlowLoopbackScan {
  private static final List<String> ARGS =
      List.of("127.0.0.1", "-p", "47000-47299", "--rate", "20", "--concurrency", "2", "--retries", "0", "--no-progress");

  private SlowLoopbackScan() {}

  static InterruptedCommand.Ended interruptedAfterFirstRow(String... extra) throws Exception {
    List<String> args = new ArrayList<>(ARGS);
    args.addAll(List.of(extra));
    return InterruptedCommand.afterFirstLine(ScanCommand.class, args, "127.0.0.1:");
  }
}
