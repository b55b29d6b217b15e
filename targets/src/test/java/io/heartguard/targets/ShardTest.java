package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --shard K/N}: the N shards of one seed partition the space, shard K taking positions K-1, K-1+N, ... */
class ShardTest {
  private static List<String> walk(TargetSpace space) throws Exception {
    List<String> order = new ArrayList<>();
    try (TargetSource source = space.open()) {
      for (Optional<ScanTarget> t = source.next(); t.isPresent(); t = source.next()) {
        order.add(t.get().authority());
      }
    }
    return order;
  }

  /** 10.0.0.0 and the {@code count - 1} addresses after it, as a range. */
  private static String block(int count) {
    long last = (10L << 24) + count - 1;
    return "10.0.0.0-" + (last >>> 24) + "." + ((last >>> 16) & 255) + "." + ((last >>> 8) & 255) + "." + (last & 255);
  }

  private static TargetSpace.Builder space(int addresses, int ports, long seed) throws TargetSyntaxException {
    return TargetSpace.builder().add(block(addresses)).ports(PortList.parse("8000-" + (8000 + ports - 1))).seed(seed);
  }

  @Property(tries = 100, seed = "20140407")
  void theShardsTogetherYieldEveryTargetExactlyOnce(@ForAll @IntRange(min = 1, max = 600) int addresses,
      @ForAll @IntRange(min = 1, max = 3) int ports, @ForAll @IntRange(min = 1, max = 12) int count,
      @ForAll long seed) throws Exception {
    Set<String> whole = new HashSet<>(walk(space(addresses, ports, seed).build()));
    List<String> union = new ArrayList<>();
    long hinted = 0;
    for (int k = 1; k <= count; k++) {
      TargetSpace part = space(addresses, ports, seed).shard(new Shard(k, count)).build();
      union.addAll(walk(part));
      hinted += part.open().sizeHint().orElseThrow();
    }

    assertThat(whole).hasSize(addresses * ports);
    assertThat(union).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(whole);
    assertThat(hinted).as("the shards' size hints add up to the whole").isEqualTo(addresses * ports);
  }

  @Test
  void shardKTakesEveryNthPositionOfTheWholeOrderStartingAtKMinusOne() throws Exception {
    List<String> whole = walk(space(256, 1, 42).build());
    for (int k = 1; k <= 3; k++) {
      List<String> expected = new ArrayList<>();
      for (int i = k - 1; i < whole.size(); i += 3) {
        expected.add(whole.get(i));
      }
      // 256 addresses: the first prime above is 257, so no position is skipped and the interleave is exact.
      assertThat(walk(space(256, 1, 42).shard(new Shard(k, 3)).build())).as("shard %d/3", k).isEqualTo(expected);
    }
  }

  @Test
  void kSlashNParsesCountedFromOne() throws TargetSyntaxException {
    Shard shard = Shard.parse("2/4");

    assertThat(shard).isEqualTo(new Shard(2, 4));
    assertThat(shard.index()).isEqualTo(1);
    assertThat(shard).hasToString("2/4");
    assertThat(Shard.parse("1/1").isWhole()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0/4", "5/4", "-1/4", "1/0"})
  void aShardOutsideOneToNIsRefused(String text) {
    assertThatThrownBy(() -> Shard.parse(text)).isInstanceOf(TargetSyntaxException.class)
        .hasMessage("bad shard \"" + text + "\": expected K/N with 1 <= K <= N, like 2/4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "2/", "/4", "a/b", "2/4/8", "2:4", ""})
  void aShardNotWrittenKSlashNIsRefused(String text) {
    assertThatThrownBy(() -> Shard.parse(text)).isInstanceOf(TargetSyntaxException.class)
        .hasMessage("bad shard \"" + text + "\": expected K/N, shard K of N counted from 1, like 2/4");
  }

  @Test
  void theSpaceReportsItsShard() throws TargetSyntaxException {
    assertThat(space(4, 1, 1).build().shard()).isEqualTo(Shard.WHOLE);
    assertThat(space(4, 1, 1).shard(new Shard(3, 5)).build().shard()).isEqualTo(new Shard(3, 5));
  }
}
