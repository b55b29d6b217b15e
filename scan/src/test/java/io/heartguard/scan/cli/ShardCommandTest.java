package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code heartguard scan --shard K/N} over 127.0.1.0/28 on a port where nothing listens (every check a quick refusal,
 * loopback only): the three shards of one seed check the sixteen targets once between them. A job keeping its
 * shard needs --db: store's ScanJobTest.
 */
class ShardCommandTest {
  private static int closedPort;

  @BeforeAll
  static void findAClosedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort(); // closed again at once: nothing listens there now
    }
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = OneLineErrors.install(new CommandLine(new ScanCommand()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  /** The address column of the CSV rows (RFC 4180 rows; the fourth field is the address). */
  private List<String> csvAddresses() {
    String[] rows = out.toString().split("\r\n");
    assertThat(rows[0]).isEqualTo(CsvReport.HEADER);
    return Arrays.stream(rows).skip(1).map(r -> r.split(",")[3]).toList();
  }

  private int shard(String shard, String... more) {
    List<String> args = new ArrayList<>(List.of("--csv", "--no-progress", "--seed", "9", "--retries", "0",
        "--connect-timeout", "500ms", "-p", String.valueOf(closedPort), "--shard", shard));
    args.addAll(List.of(more));
    args.add("127.0.1.0/28");
    return run(args.toArray(String[]::new));
  }

  @Test
  void theShardsOfOneSeedCheckEveryTargetOnceBetweenThem() {
    List<String> union = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      assertThat(shard(k + "/3")).as(err.toString()).isEqualTo(3); // refusals only: INCONCLUSIVE
      List<String> part = csvAddresses();
      sizes.add(part.size());
      union.addAll(part);
    }

    assertThat(union).doesNotHaveDuplicates().hasSize(16)
        .allSatisfy(a -> assertThat(a).startsWith("127.0.1."));
    assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(4, 7)); // 16 targets over 17 - 1 cycle positions
  }

  @Test
  void aShardNeedsAGivenSeed() {
    assertThat(run("--shard", "1/2", "127.0.1.0/28")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: --shard 1/2 needs --seed, the same on every machine, so that the"
        + " shards split one order (see --help)" + System.lineSeparator());
  }

  @Test
  void aShardOutsideOneToNIsAUsageError() {
    assertThat(run("--seed", "1", "--shard", "3/2", "127.0.1.0/28")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: bad shard \"3/2\": expected K/N with 1 <= K <= N, like 2/4"
        + " (see --help)" + System.lineSeparator());
  }
}
