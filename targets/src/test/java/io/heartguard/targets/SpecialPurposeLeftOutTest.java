package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.address.Ip128;
import io.heartguard.address.SpecialPurpose;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A large block leaves out the special-purpose ranges it covers, as zmap's default blocklist does (docs/TARGETS.md). */
class SpecialPurposeLeftOutTest {
  private static TargetSpace space(String... targets) throws TargetSyntaxException {
    TargetSpace.Builder b = TargetSpace.builder().seed(7);
    for (String t : targets) {
      b.add(t);
    }
    return b.build();
  }

  private static java.util.List<String> leftOut(TargetSpace s) {
    return s.leftOut().stream().map(sp -> sp.range().toString()).toList();
  }

  @Test
  void theWholeIpv4SpaceLeavesOutEverySpecialPurposeRange() throws Exception {
    TargetSpace all = space("0.0.0.0/0");
    // 2^32 less the IPv4 registry: 0/8, 10/8, 127/8 (3 x 2^24), 100.64/10, 172.16/12, 169.254/16, 192.168/16,
    // 198.18/15, eight /24s, 224/4 and 240/4 (255.255.255.255 lies in 240/4).
    long special = 3L * (1 << 24) + (1 << 22) + (1 << 20) + 2L * (1 << 16) + (1 << 17) + 8 * 256 + 2L * (1 << 28);
    assertThat(all.numericSize()).isEqualTo((1L << 32) - special);
    assertThat(leftOut(all)).contains("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4",
        "255.255.255.255/32");
    try (TargetSource source = all.open()) {
      for (int i = 0; i < 20_000; i++) {
        Optional<ScanTarget> t = source.next();
        assertThat(SpecialPurpose.lookup(Ip128.of(t.orElseThrow().address()))).as(t.get().host()).isEmpty();
      }
    }
  }

  @Test
  void aTargetWrittenInsideASpecialRangeIsScanned() throws Exception {
    TargetSpace inside = space("127.0.0.1", "10.0.0.0/16", "[::1]", "224.0.0.0/4");
    assertThat(inside.numericSize()).isEqualTo(1 + (1 << 16) + 1 + (1 << 28) - 0);
    assertThat(inside.leftOut()).isEmpty();
  }

  @Test
  void aBlockCrossingARangeKeepsOnlyItsOtherPart() throws Exception {
    TargetSpace crossing = space("192.168.0.0/15");
    assertThat(crossing.numericSize()).isEqualTo(1 << 16);
    assertThat(leftOut(crossing)).containsExactly("192.168.0.0/16");
    assertThat(TargetSpaceTest.all(space("192.167.255.254-192.168.0.1"))).extracting(ScanTarget::host)
        .containsExactlyInAnyOrder("192.167.255.254", "192.167.255.255");
  }

  @Test
  void aJobStartedBeforeTheRuleIsRebuiltAsItWas() throws Exception {
    TargetSpace old = TargetSpace.builder().seed(7).leaveOutSpecialPurpose(false).add("192.168.0.0/15").build();
    assertThat(old.numericSize()).isEqualTo(1 << 17);
  }
}
