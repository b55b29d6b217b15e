package io.heartguard.store;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heartguard report JOB}: what a stored scan found, as a summary and optionally as an HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Summarizes a scan job stored with heartguard scan --db.",
        "Counts by verdict, port, protocol and TLS version, and the vulnerable servers.",
        "With --html, also writes a self-contained HTML page with charts (no script, no external files)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:report printed",
        "2:usage error, database that cannot be opened, or no such job"})
public final class ReportCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int ERROR = 2;
  /** Vulnerable servers listed; the counts always cover all of them. */
  static final int LISTED = 100;

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "JOB", description = "the job name given to heartguard scan --job")
  private String job;

  @Option(names = "--db", paramLabel = "FILE|URL", defaultValue = "heartguard.db",
      description = "a SQLite file, jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE (default: ${DEFAULT-VALUE})")
  private String db;

  @Option(names = "--html", paramLabel = "FILE", description = "also write the report as one HTML page to FILE")
  private Path html;

  public ReportCommand() {}

  /** Standalone entry point; {@code heartguard} runs this command as its {@code report} subcommand instead. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ReportCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ResultStore store = ResultStore.openExisting(db)) {
      JobSummary summary = store.summarize(job, LISTED);
      if (html != null) {
        writeHtml(HtmlReport.render(summary, store.name()));
      }
      TextReport.print(summary, store.name(), out);
      if (html != null) {
        out.println();
        out.println("wrote " + html);
      }
      out.flush();
      return OK;
    } catch (StoreException | IllegalArgumentException e) {
      err.println(spec.qualifiedName() + ": " + e.getMessage());
      err.flush();
      return ERROR;
    }
  }

  /** Writes beside the target and renames, so a reader never sees half a page. */
  private void writeHtml(String page) throws StoreException {
    Path target = html.toAbsolutePath();
    try {
      Path temporary = Files.createTempFile(target.getParent(), ".heartguard-report", ".html");
      try {
        Files.writeString(temporary, page, StandardCharsets.UTF_8);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      String why = e instanceof NoSuchFileException ? "no such directory"
          : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
      throw new StoreException("cannot write --html " + html + ": " + why, e);
    }
  }
}
