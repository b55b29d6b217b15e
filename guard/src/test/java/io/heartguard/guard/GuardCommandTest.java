package io.heartguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command's parsing and its one-line usage errors; running it is covered by the socket tests' server. */
class GuardCommandTest {

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new GuardCommand());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  void listenWithoutUpstreamIsAUsageError() {
    Run r = run("--listen", "127.0.0.1:8443");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("--listen and --upstream go together");
  }

  @Test
  void nothingToListenOnIsAUsageError() {
    assertThat(run().err()).startsWith("give --listen and --upstream, or --config FILE");
  }

  @Test
  void unknownPolicyAndActionAreNamed() {
    assertThat(run("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2", "--policy", "block-all").err())
        .startsWith("policy 'block-all' is not one of block-malformed, block-leak, restrict, monitor");
    assertThat(run("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2", "--action", "kill").err())
        .startsWith("action 'kill' is not one of drop, reset");
  }

  @Test
  void helpDocumentsTheConfigFormat() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new GuardCommand());
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("--policy=P[,P]", "--action=drop|reset", "--admin=ADDR:PORT",
        "One listener per line: LISTEN UPSTREAM [POLICY[,POLICY]] [ACTION]");
  }
}
