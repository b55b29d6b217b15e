package io.heartguard.audit;

import io.heartguard.wire.PeerText;
import io.heartguard.audit.proc.ProcessAudit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heartguard audit}: finds vulnerable OpenSSL on disks, in container images and in running processes. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Finds OpenSSL affected by Heartbleed (CVE-2014-0160) in root filesystems, container images (docker save"
            + " tarballs, OCI layouts), single libraries, programs and jars, and in running processes.",
        "Reads ELF headers, symbols and read-only data (not just file names), and dpkg and apk package databases"
            + " against the distributions' own advisories (docs/audit.md)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:nothing vulnerable",
        "1:something VULNERABLE",
        "2:usage error",
        "3:nothing vulnerable, but some finding INCONCLUSIVE"})
public final class AuditCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "a directory (a root filesystem), a docker save tarball, an OCI layout (directory or tar),"
          + " or one library, program or jar")
  private List<Path> paths = new ArrayList<>();

  @Option(names = "--processes", description = "audit the running processes: vulnerable OpenSSL libraries mapped,"
      + " and libraries deleted or replaced since the process started (restart needed); reads /proc")
  private boolean processes;

  @Option(names = "--pid", paramLabel = "PID", description = "only this process (repeatable; implies --processes)")
  private List<Long> pids = new ArrayList<>();

  @Option(names = "--json", description = "one JSON document: findings, notes and counts (docs/audit.md)")
  private boolean json;

  @Option(names = "--sarif", description = "SARIF 2.1.0, for CI and code-scanning dashboards")
  private boolean sarif;

  @Option(names = "--debug", description = "print the stack trace of an unexpected failure")
  private boolean debug;

  public AuditCommand() {}

  /** Standalone entry point; {@code heartguard} runs this command as its {@code audit} subcommand instead. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AuditCommand()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    if (json && sarif) {
      throw new ParameterException(spec.commandLine(), "--json and --sarif exclude each other; choose one");
    }
    boolean auditProcesses = processes || !pids.isEmpty();
    if (paths.isEmpty() && !auditProcesses) {
      throw new ParameterException(spec.commandLine(), "name at least one PATH, or --processes");
    }
    Auditor auditor = new Auditor();
    for (Path p : paths) {
      auditor.audit(p);
    }
    if (auditProcesses) {
      new ProcessAudit(Path.of("/proc"), auditor::add, auditor::note).audit(new LinkedHashSet<>(pids));
    }
    Auditor.Report report = auditor.report();
    List<Finding> sorted = new ArrayList<>(report.findings());
    // Worst first: what to fix, then what to look at, then what is fine.
    List<Verdict> order = List.of(Verdict.VULNERABLE, Verdict.INCONCLUSIVE, Verdict.NOT_VULNERABLE);
    sorted.sort(Comparator.comparing((Finding f) -> order.indexOf(f.verdict())).thenComparing(f -> f.location().display()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Jackson.json(out, sorted, report.notes());
    } else if (sarif) {
      Jackson.sarif(out, sorted, report.notes(), version());
    } else {
      new AuditTable(out).print(sorted);
      PrintWriter err = spec.commandLine().getErr();
      report.notes().forEach(n -> err.println("note: " + PeerText.printable(n)));
      err.flush();
    }
    out.flush();
    return exitCode(sorted);
  }

  /** 1 when anything is VULNERABLE, else 3 when anything is INCONCLUSIVE, else 0: the scan's convention. */
  public static int exitCode(List<Finding> findings) {
    if (findings.stream().anyMatch(f -> f.verdict() == Verdict.VULNERABLE)) {
      return 1;
    }
    return findings.stream().anyMatch(f -> f.verdict() == Verdict.INCONCLUSIVE) ? 3 : 0;
  }

  private static String version() {
    String v = AuditCommand.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT";
  }

  /** Keeps Jackson out of a table run: the JSON and SARIF writers are loaded only from here. */
  private static final class Jackson {
    static void json(PrintWriter out, List<Finding> findings, List<String> notes) throws IOException {
      AuditJson.write(out, findings, notes);
    }

    static void sarif(PrintWriter out, List<Finding> findings, List<String> notes, String version) throws IOException {
      AuditSarif.write(out, findings, notes, version);
    }
  }
}
