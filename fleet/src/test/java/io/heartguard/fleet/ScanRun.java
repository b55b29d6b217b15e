package io.heartguard.fleet;

import io.heartguard.scan.cli.ScanCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code heartguard scan} in this JVM, as a coordinator, its messages passed on to the test's stderr. */
final class ScanRun {
  private ScanRun() {}

  static int scan(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ScanCommand());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(args);
    System.err.print(err);
    return code;
  }
}
