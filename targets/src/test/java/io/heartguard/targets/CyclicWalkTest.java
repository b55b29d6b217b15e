package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CyclicWalkTest {
  /** Walks every index, failing on one out of range or seen before; returns the order. */
  static long[] walkOnce(long size, long seed, int shard, int shards, BitSet seen) {
    CyclicWalk walk = new CyclicWalk(size, new SplittableRandom(seed), shard, shards);
    long[] order = new long[(int) size];
    int n = 0;
    for (long i = walk.next(); i >= 0; i = walk.next()) {
      // Plain checks in the loop: an assertion object per index would dominate the run time.
      if (i >= size || seen.get((int) i)) {
        throw new AssertionError("index " + i + (i >= size ? " is outside 0.." + (size - 1) : " was visited twice"));
      }
      seen.set((int) i);
      order[n++] = i;
    }
    assertThat(walk.next()).as("an exhausted walk stays exhausted").isEqualTo(-1);
    return java.util.Arrays.copyOf(order, n);
  }

  @ParameterizedTest(name = "size {0}")
  @ValueSource(longs = {1, 2, 3, 255, 256, 65536})
  void visitsEveryIndexExactlyOnce(long size) {
    BitSet seen = new BitSet();
    long[] order = walkOnce(size, 20140407L, 0, 1, seen);
    assertThat(order).hasSize((int) size);
    assertThat(seen.cardinality()).isEqualTo((int) size);
  }

  @Property(tries = 200, seed = "20140407")
  void visitsEveryIndexOfAnySizeExactlyOnce(@ForAll @LongRange(min = 1, max = 200_000) long size, @ForAll long seed) {
    BitSet seen = new BitSet();
    walkOnce(size, seed, 0, 1, seen);
    assertThat(seen.cardinality()).isEqualTo((int) size);
  }

  @Property(tries = 100, seed = "20140408")
  void theShardsOfOneSeedSplitTheSpaceExactly(
      @ForAll @LongRange(min = 1, max = 50_000) long size, @ForAll @IntRange(min = 1, max = 9) int shards, @ForAll long seed) {
    BitSet seen = new BitSet(); // shared: an index seen by two shards fails in walkOnce
    for (int shard = 0; shard < shards; shard++) {
      walkOnce(size, seed, shard, shards, seen);
    }
    assertThat(seen.cardinality()).isEqualTo((int) size);
  }

  @ParameterizedTest(name = "size {0}")
  @ValueSource(longs = {256, 65536})
  void theOrderIsNotSequentialAndASeedRepeatsIt(long size) {
    long[] first = walkOnce(size, 7, 0, 1, new BitSet());
    long[] again = walkOnce(size, 7, 0, 1, new BitSet());
    long[] other = walkOnce(size, 8, 0, 1, new BitSet());
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(first).isNotEqualTo(LongStream.range(0, size).toArray());
    // Not merely rotated or reversed: fewer than a tenth of neighbours in the walk are neighbours in the space.
    long adjacent = 0;
    for (int i = 1; i < first.length; i++) {
      adjacent += Math.abs(first[i] - first[i - 1]) == 1 ? 1 : 0;
    }
    assertThat(adjacent).isLessThan(size / 10);
  }

  @Property(tries = 50, seed = "20140409")
  void aLargeWalkUsesAPrimeJustAboveItsSize(@ForAll @LongRange(min = 1L << 33, max = 1L << 40) long size, @ForAll long seed) {
    // Above 2^31 the walk multiplies through the split path; its first steps must stay in range and differ.
    CyclicWalk walk = new CyclicWalk(size, new SplittableRandom(seed), 0, 1);
    assertThat(walk.prime()).isGreaterThan(size).isLessThan(size + 10_000);
    long a = walk.next();
    long b = walk.next();
    assertThat(a).isBetween(0L, size - 1);
    assertThat(b).isBetween(0L, size - 1).isNotEqualTo(a);
  }

  @Property(tries = 100, seed = "20140410")
  void multiplyModAgreesWithBigInteger(
      @ForAll @LongRange(min = 2, max = (1L << 42) - 1) long m, @ForAll long x, @ForAll long y) {
    long a = Math.floorMod(x, m);
    long b = Math.floorMod(y, m);
    long expected = java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
        .mod(java.math.BigInteger.valueOf(m)).longValueExact();
    assertThat(CyclicWalk.multiplyMod(a, b, m)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void isPrimeAgreesWithASieveBelowAMillion() {
    int limit = 1_000_000;
    BitSet composite = new BitSet(limit);
    for (int i = 2; (long) i * i < limit; i++) {
      if (!composite.get(i)) {
        for (int j = i * i; j < limit; j += i) {
          composite.set(j);
        }
      }
    }
    int disagreements = 0;
    for (int n = 0; n < limit; n++) {
      disagreements += CyclicWalk.isPrime(n) == (n >= 2 && !composite.get(n)) ? 0 : 1;
    }
    assertThat(disagreements).isZero();
    // Carmichael numbers and a strong pseudoprime to base 2 fool weaker tests.
    assertThat(CyclicWalk.isPrime(561)).isFalse();
    assertThat(CyclicWalk.isPrime(3_215_031_751L)).isFalse();
    assertThat(CyclicWalk.isPrime((1L << 40) + 15)).isTrue(); // the first prime above 2^40
  }
}
