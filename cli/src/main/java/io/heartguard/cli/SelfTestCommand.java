package io.heartguard.cli;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.cli.ScanCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Checks the installation end to end without touching the network: starts the lab server in both modes on
 * 127.0.0.1 and scans each with the real scan command. The launcher also runs it once to train the JVM's start-up
 * cache on the same code path a user's scan takes.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
    description = "Scans an in-process lab server (vulnerable, then patched) on 127.0.0.1 and checks the verdicts.")
public final class SelfTestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean ok = true;
    try (LabServer vulnerable = LabServer.start(LabOptions.vulnerable().withoutLog());
        LabServer patched = LabServer.start(LabOptions.patched().withoutLog())) {
      ok &= expect(out, "vulnerable lab", vulnerable.address(), 1);
      ok &= expect(out, "patched lab", patched.address(), 0);
    }
    out.println(ok ? "selftest: ok" : "selftest: FAILED");
    return ok ? 0 : Main.EXIT_ERROR;
  }

  private static boolean expect(PrintWriter out, String what, InetSocketAddress address, int expectedExit) {
    StringWriter captured = new StringWriter();
    CommandLine scan = new CommandLine(new ScanCommand());
    scan.setOut(new PrintWriter(captured, true));
    scan.setErr(new PrintWriter(captured, true));
    int exit = scan.execute("--json", address.getAddress().getHostAddress() + ":" + address.getPort());
    boolean ok = exit == expectedExit;
    out.printf("selftest: %-15s exit %d (expected %d) %s%n", what, exit, expectedExit, ok ? "ok" : captured.toString().strip());
    return ok;
  }
}
