package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.testkit.LoopbackPorts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code heartguard scan --shard K/N} over 127.0.1.0/28 on a port where nothing listens (every check a quick refusal,
 * loopback only): the three shards of one seed check the sixteen targets once between them. A job keeping its
 * shard needs --db: store's ScanJobTest.
 */
class ShardCommandTest {
  private static int closedPort;

  @BeforeAll
  static void findAClosedPort() throws IOException {
    closedPort = LoopbackPorts.free(1)[0]; // closed again at once: nothing listens there now
  }

  private final ScanConsole scan = new ScanConsole();

  @Test
  void theShardsOfOneSeedCheckEveryTargetOnceBetweenThem() {
    List<String> union = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      assertThat(scan.shardOfClosedBlock(closedPort, k + "/3")).as(scan.err()).isEqualTo(3); // refusals only: INCONCLUSIVE
      List<String> part = scan.csvAddresses();
      sizes.add(part.size());
      union.addAll(part);
    }

    assertThat(union).doesNotHaveDuplicates().hasSize(16)
        .allSatisfy(a -> assertThat(a).startsWith("127.0.1."));
    assertThat(sizes).allSatisfy(n -> assertThat(n).isBetween(4, 7)); // 16 targets over 17 - 1 cycle positions
  }

  @Test
  void aShardNeedsAGivenSeed() {
    assertThat(scan.run("--shard", "1/2", "127.0.1.0/28")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: --shard 1/2 needs --seed, the same on every machine, so that the"
        + " shards split one order (see --help)" + System.lineSeparator());
  }

  @Test
  void aShardOutsideOneToNIsAUsageError() {
    assertThat(scan.run("--seed", "1", "--shard", "3/2", "127.0.1.0/28")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: bad shard \"3/2\": expected K/N with 1 <= K <= N, like 2/4"
        + " (see --help)" + System.lineSeparator());
  }
}
