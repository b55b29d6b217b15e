package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.FakeServers;
import org.junit.jupiter.api.Test;

/** What reaches the terminal from the network and from the command line: printable, bounded, and said once. */
class NetworkInputTest {
  private final ScanConsole scan = new ScanConsole();

  @Test
  void aCertificateSubjectWithTerminalEscapesIsPrintedAsEscapedText() throws Exception {
    // ESC [ 2 J clears the screen, ESC [ H moves the cursor home, BEL rings.
    try (var server = FakeServers.withCommonName("evil\u001b[2J\u0007\u001b[Hfake")) {
      assertThat(scan.run(server.target())).isZero();
    }
    assertThat(scan.out()).contains("certificate CN=evil\\x1b[2J\\x07\\x1b[Hfake,O=heartguard test")
        .doesNotContain("\u001b", "\u0007");
  }

  @Test
  void aHugeBadTargetIsNotEchoedBackWhole() {
    String huge = "bad!" + "x".repeat(100_000);
    assertThat(scan.run(huge)).isEqualTo(2);
    assertThat(scan.err()).hasSizeLessThan(600).contains("\u2026").endsWith("(see --help)" + System.lineSeparator());
    assertThat(scan.err().lines()).hasSize(1);
  }

  @Test
  void theWholeIpv4SpaceIsRefusedWithoutAllowLargeInOneLine() {
    assertThat(scan.run("0.0.0.0/0")).isEqualTo(2);
    assertThat(scan.err().lines()).singleElement().asString()
        .isEqualTo("scan: the targets are 3702257664 address-port pairs, more than 65536 (a /16 on one port): give"
            + " --allow-large to scan them all (see --help)");
    assertThat(scan.out()).isEmpty();
  }

  @Test
  void aBlockCoveringASpecialPurposeRangeLeavesItOutAndSaysSo() {
    // 126.0.0.0/7 is 126/8 (excluded here, so nothing is scanned) and loopback's 127/8, which the block covers.
    assertThat(scan.run("126.0.0.0/7", "--exclude", "126.0.0.0/8")).isEqualTo(2);
    assertThat(scan.err()).contains("scan: left out the special-purpose ranges the targets cover: 127.0.0.0/8")
        .contains("no targets left to check");
  }
}
