package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

class ReportCommandTest {
  private static final SharedStores stores = new SharedStores();

  @TempDir Path directory;

  @AfterAll
  static void closeStores() throws Exception {
    stores.close();
  }

  /** Runs {@code report} as the CLI would, capturing both streams. */
  private record Run(int exitCode, String out, String err) {
    static Run of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = new CommandLine(new ReportCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
      return new Run(code, out.toString(), err.toString());
    }
  }

  /** A port on 127.0.0.1 that nothing listens on: bound by us a moment ago, then released. */
  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anUnreachablePostgresServerIsOneLineAndExitTwo() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/x";
    Run run = Run.of("nightly", "--db", url);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: cannot open database " + url + ": connection refused" + System.lineSeparator());
    assertThat(run.out()).isEmpty();
  }

  @Test
  void thePasswordInADatabaseUrlIsNeverPrinted() throws Exception {
    String server = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/x?user=heartguard&password=";
    Run run = Run.of("nightly", "--db", server + "s3cret");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: cannot open database " + server + "***: connection refused" + System.lineSeparator());
  }

  @Test
  void anUnsupportedKindOfDatabaseIsOneLineAndExitTwo() {
    Run run = Run.of("nightly", "--db", "jdbc:mysql://127.0.0.1/x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: cannot open database jdbc:mysql://127.0.0.1/x: unsupported kind of database;"
        + " expected a file name, jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE" + System.lineSeparator());
  }

  @Test
  void aMissingSqliteFileIsReportedAndNotCreated() {
    Path missing = directory.resolve("typo.db");
    Run run = Run.of("nightly", "--db", missing.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: cannot open database " + missing + ": no such file" + System.lineSeparator());
    assertThat(missing).doesNotExist();
  }

  @Test
  void aFileThatIsNotADatabaseIsOneLine() throws Exception {
    Path text = Files.writeString(directory.resolve("notes.txt"), "not a database, just some text that is long enough\n".repeat(20));
    Run run = Run.of("nightly", "--db", text.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("report: cannot ").contains(text.toString()).contains("not a database")
        .hasLineCount(1);
  }

  @Test
  void aMissingJobArgumentIsAUsageError() {
    Run run = Run.of();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'JOB'");
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void anUnknownJobIsOneLineAndExitTwo(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    Run run = Run.of("no-such-job", "--db", stores.database(engine).location());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: no job named no-such-job in " + store.name() + System.lineSeparator());
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aStoredJobIsSummarizedAndWrittenAsHtml(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("weekly", "a.example <script>alert(1)</script>", 5))) {
      writer.write(Results.vulnerable("weekly", 0, "a.example"));
      writer.write(Results.vulnerable("weekly", 1, "<script>alert(1)</script>"));
      writer.write(Results.unresolved("weekly", 2, "gone.example"));
    }
    Path html = directory.resolve("weekly.html");
    Run run = Run.of("weekly", "--db", stores.database(engine).location(), "--html", html.toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("VULNERABLE                2", "INCONCLUSIVE              1", "total                     3")
        .endsWith("wrote " + html + System.lineSeparator());
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page).contains("<svg", "&lt;script&gt;alert(1)&lt;/script&gt;:443").doesNotContain("<script");
    try (var leftovers = Files.list(directory)) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("weekly.html");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void anHtmlFileInAMissingDirectoryIsOneLineAndExitTwo(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    store.createJob("html-nowhere", "x", 1);
    Path html = directory.resolve("no/such/dir/report.html");
    Run run = Run.of("html-nowhere", "--db", stores.database(engine).location(), "--html", html.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("report: cannot write --html " + html + ": no such directory" + System.lineSeparator());
  }
}
