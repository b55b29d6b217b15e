package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The space against a brute-force model: random ranges (some with their own port) and random exclusions inside
 * 10.0.0.0/22, compared pair by pair with the set a naive loop computes. Checks that exclusions remove exactly their
 * addresses, overlaps come once, explicit ports replace the list, and the size is exact when port lists do not mix.
 */
class TargetSpaceModelTest {
  /** A range in 10.0.0.0/22 as offsets, and a port of its own or 0 for the scan's list. */
  record Range(int first, int last, int port) {
    String text() {
      String r = address(first) + "-" + address(last);
      return port == 0 ? r : r + ":" + port;
    }
  }

  static String address(int offset) {
    return "10.0." + (offset >> 8) + "." + (offset & 0xff);
  }

  @Provide
  Arbitrary<Range> targets() {
    Arbitrary<Integer> start = Arbitraries.integers().between(0, 1023);
    Arbitrary<Integer> length = Arbitraries.integers().between(1, 300);
    Arbitrary<Integer> port = Arbitraries.of(0, 0, 443, 8443);
    return Combinators.combine(start, length, port).as((s, l, p) -> new Range(s, Math.min(1023, s + l - 1), p));
  }

  @Provide
  Arbitrary<Range> exclusions() {
    return Combinators.combine(Arbitraries.integers().between(0, 1023), Arbitraries.integers().between(1, 200))
        .as((s, l) -> new Range(s, Math.min(1023, s + l - 1), 0));
  }

  @Property(tries = 200, seed = "20140407")
  void theSpaceIsExactlyTheTargetsMinusTheExclusions(
      @ForAll @Size(min = 1, max = 6) List<@From("targets") Range> targets,
      @ForAll @Size(max = 5) List<@From("exclusions") Range> excluded,
      @ForAll long seed) throws TargetSyntaxException {
    PortList ports = PortList.of(443, 465);
    TargetSpace.Builder b = TargetSpace.builder().seed(seed).ports(ports);
    Set<String> expected = new HashSet<>();
    for (Range t : targets) {
      b.add(t.text());
      for (int a = t.first(); a <= t.last(); a++) {
        for (int port : t.port() == 0 ? new int[] {443, 465} : new int[] {t.port()}) {
          expected.add(address(a) + ":" + port);
        }
      }
    }
    for (Range x : excluded) {
      b.exclude(x.text());
      for (int a = x.first(); a <= x.last(); a++) {
        expected.remove(address(a) + ":443");
        expected.remove(address(a) + ":465");
        expected.remove(address(a) + ":8443");
      }
    }
    TargetSpace space = b.build();
    List<String> walked = new ArrayList<>(TargetSpaceTest.authorities(space));
    assertThat(walked).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(space.size()).isGreaterThanOrEqualTo(expected.size());
    boolean mixed = targets.stream().anyMatch(t -> t.port() == 443) && targets.stream().anyMatch(t -> t.port() == 0);
    if (!mixed) {
      assertThat(space.size()).as("exact unless one address has overlapping port lists").isEqualTo(expected.size());
    }
  }
}
