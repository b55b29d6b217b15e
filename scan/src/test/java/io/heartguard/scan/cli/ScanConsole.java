package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code heartguard scan} run in process as the jar runs it (one-line errors), with what it prints caught for the test
 * to read; each run starts with both empty.
 */
final class ScanConsole {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = OneLineErrors.install(new CommandLine(new ScanCommand()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  /**
   * {@code --shard} of 127.0.1.0/28 on {@code closedPort}, where nothing listens (every check a quick refusal), as CSV
   * with seed 9 and {@code more} options.
   */
  int shardOfClosedBlock(int closedPort, String shard, String... more) {
    List<String> args = new ArrayList<>(List.of("--csv", "--no-progress", "--seed", "9", "--retries", "0",
        "--connect-timeout", "500ms", "-p", String.valueOf(closedPort), "--shard", shard));
    args.addAll(List.of(more));
    args.add("127.0.1.0/28");
    return run(args.toArray(String[]::new));
  }

  /** The address column of the last run's CSV rows (RFC 4180 rows; the fourth field is the address). */
  List<String> csvAddresses() {
    String[] rows = out().split("\r\n");
    assertThat(rows[0]).isEqualTo(CsvReport.HEADER);
    return Arrays.stream(rows).skip(1).map(r -> r.split(",")[3]).toList();
  }
}
