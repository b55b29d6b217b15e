package io.heartguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one command's manners: every part is reachable, errors are one line and exit 2, selftest passes. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void helpListsEveryPart() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("scan", "lab", "sensor", "guard", "client-test", "report", "keys", "selftest");
  }

  @Test
  void usageErrorIsTwoLinesOnStderrWithExitTwo() {
    assertThat(run("scan", "--timeout", "soon", "127.0.0.1:1")).isEqualTo(Main.EXIT_ERROR);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text.lines()).hasSize(2);
    assertThat(text).startsWith("heartguard scan: ").contains("Try 'heartguard scan --help'").doesNotContain("\tat ");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertThat(run("bleed")).isEqualTo(Main.EXIT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("heartguard: ").doesNotContain("\tat ");
  }

  @Test
  void anUnknownCommandWithHelpSaysSoInOneLineAndExitsTwo() {
    assertThat(run("nosuchcommand", "--help")).isEqualTo(Main.EXIT_ERROR);
    assertThat(out.size()).isZero();
    // One line naming every command (the list grows with the parts, so it is read back rather than spelled out).
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heartguard: unknown command 'nosuchcommand'; the commands are scan, ")
        .contains(" worker, ", " lab, ", " sensor, ", " guard, ", " audit, ", " keys, ")
        .endsWith(", help (see heartguard --help)" + System.lineSeparator())
        .containsOnlyOnce(System.lineSeparator());
  }

  @Test
  void failureToRunIsOneLineWithoutStackTrace() {
    assertThat(run("sensor", "-r", "/nonexistent/capture.pcap")).isEqualTo(Main.EXIT_ERROR);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("/nonexistent/capture.pcap").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void selftestFindsTheVulnerableLabAndClearsThePatchedOne() {
    assertThat(run("selftest")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("vulnerable lab  exit 1 (expected 1) ok", "patched lab     exit 0 (expected 0) ok", "selftest: ok");
  }

  @Test
  void oneLineJoinsAMultiLineMessageAndFallsBackToTheCause() {
    assertThat(Main.oneLine(new RuntimeException("first\n  second"))).isEqualTo("first second");
    assertThat(Main.oneLine(new RuntimeException(new IllegalStateException("inner")))).contains("inner");
  }
}
