package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine;

/** Runs audits the way users do and finds findings in the result. */
final class Audits {
  private Audits() {}

  /** What one command-line run printed, and its exit code. */
  record Run(int exitCode, String out, String err) {}

  static Run command(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AuditCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Auditor.Report of(java.nio.file.Path... targets) {
    Auditor auditor = new Auditor();
    for (java.nio.file.Path t : targets) {
      auditor.audit(t);
    }
    return auditor.report();
  }

  /** The one finding whose location ends with {@code suffix}. */
  static Finding at(Auditor.Report report, String suffix) {
    List<Finding> matches = report.findings().stream().filter(f -> f.location().display().endsWith(suffix)).toList();
    assertThat(matches).as("findings at ...%s in %s", suffix, report.findings()).hasSize(1);
    return matches.get(0);
  }

  static boolean none(Auditor.Report report, Predicate<Finding> p) {
    return report.findings().stream().noneMatch(p);
  }
}
