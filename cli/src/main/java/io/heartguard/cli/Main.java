package io.heartguard.cli;

import io.heartguard.clienttest.ClientTestCommand;
import io.heartguard.fleet.WorkerCommand;
import io.heartguard.guard.GuardCommand;
import io.heartguard.keys.KeysCommand;
import io.heartguard.lab.LabCommand;
import io.heartguard.scan.cli.ScanCommand;
import io.heartguard.sensor.SensorCommand;
import io.heartguard.serve.ServeCommand;
import io.heartguard.store.ReportCommand;
import io.heartguard.wire.PeerText;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code heartguard} command. Each part brings its own subcommand; this class only gathers them and gives
 * every one the same manners: usage errors and failures are one line on stderr (a stack trace only with --debug),
 * and exit code 2.
 */
@Command(
    name = "heartguard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Finds, watches for and blocks Heartbleed (CVE-2014-0160).",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  nothing vulnerable / nothing found",
      "  1  something vulnerable, or an attack or leak found",
      "  2  usage error, or the check could not run",
      "  3  nothing vulnerable, but some result was inconclusive"
    })
public final class Main implements Runnable {
  /** Usage errors and failures to run: one convention for every subcommand. */
  public static final int EXIT_ERROR = 2;

  /**
   * Every part's subcommand, in the order help lists them. Built lazily: picocli reads a command's annotations (and
   * loads the classes its options name) when it is added, and a one-target scan should not pay for the proxy's,
   * the sensor's and the database's classes; that is most of a cold start.
   */
  private static final Map<String, Supplier<Object>> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("scan", ScanCommand::new);
    PARTS.put("worker", WorkerCommand::new);
    PARTS.put("lab", LabCommand::new);
    PARTS.put("sensor", SensorCommand::new);
    PARTS.put("guard", GuardCommand::new);
    PARTS.put("client-test", ClientTestCommand::new);
    PARTS.put("serve", ServeCommand::new);
    PARTS.put("report", ReportCommand::new);
    PARTS.put("audit", io.heartguard.audit.AuditCommand::new);
    PARTS.put("keys", KeysCommand::new);
    PARTS.put("selftest", SelfTestCommand::new);
    PARTS.put("help", CommandLine.HelpCommand::new);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    boolean debug = Arrays.asList(args).contains("--debug");
    String part = args.length > 0 ? args[0] : "";
    if (!part.isEmpty() && !part.startsWith("-") && !PARTS.containsKey(part)) {
      // picocli would let a --help after it win and print the top-level help with exit 0.
      System.err.println("heartguard: unknown command '" + PeerText.printable(part, 40) + "'; the commands are "
          + String.join(", ", PARTS.keySet()) + " (see heartguard --help)");
      return EXIT_ERROR;
    }
    CommandLine cli = commandLine(part);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (debug) {
        e.printStackTrace(err);
      } else {
        err.println(commandLine.getCommandName() + ": " + oneLine(e));
      }
      err.flush();
      return EXIT_ERROR;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      CommandLine commandLine = e.getCommandLine();
      PrintWriter err = commandLine.getErr();
      err.println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return EXIT_ERROR;
    });
    return cli.execute(args);
  }

  /**
   * The command with the part named {@code part} only (a one-target scan loads no other part), or with every part
   * when {@code part} is none of them (help lists them all).
   */
  static CommandLine commandLine(String part) {
    CommandLine cli = new CommandLine(new Main());
    if (PARTS.containsKey(part) && !part.equals("help")) {
      cli.addSubcommand(part, PARTS.get(part).get());
    } else {
      PARTS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    return cli;
  }

  /** The message a user can act on: the exception's own words, not its class name, on one line. */
  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"heartguard " + (v != null ? v : "0.1.0-SNAPSHOT")};
    }
  }
}
