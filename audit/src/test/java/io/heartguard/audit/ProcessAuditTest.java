package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.audit.proc.ProcessAudit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --processes against real processes: a child JVM that maps a copy of the 1.0.1f libraries, and one whose library
 * is deleted and rewritten after it mapped it (what a package upgrade does) and so needs a restart.
 */
class ProcessAuditTest {
  @TempDir
  Path dir;

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws IOException, InterruptedException {
    for (Process p : children) {
      p.getOutputStream().close();
      p.destroy();
      p.waitFor();
    }
  }

  private Process holding(Path... libraries) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LibraryHolder.class.getName()));
    for (Path l : libraries) {
      command.add(l.toString());
    }
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    children.add(p);
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(line).as("the child mapped its libraries").isEqualTo("loaded");
    return p;
  }

  private Path copyOf(String build) throws IOException {
    Path lib = Files.createDirectories(dir.resolve(build));
    Files.copy(Fixtures.libcrypto(build), lib.resolve("libcrypto.so.1.0.0"));
    Files.copy(Fixtures.libssl(build), lib.resolve("libssl.so.1.0.0"));
    return lib;
  }

  private static Auditor.Report audit(Process p) throws IOException {
    Auditor auditor = new Auditor();
    new ProcessAudit(Path.of("/proc"), auditor::add, auditor::note).audit(Set.of(p.pid()));
    return auditor.report();
  }

  @Test
  void aProcessMappingTheVulnerableLibraryIsNamedWithItsUser() throws IOException {
    Path lib = copyOf("1.0.1f");
    Process child = holding(lib.resolve("libcrypto.so.1.0.0"), lib.resolve("libssl.so.1.0.0"));

    Auditor.Report r = audit(child);

    Finding ssl = Audits.at(r, lib.resolve("libssl.so.1.0.0").toString());
    assertThat(ssl.kind()).isEqualTo(Finding.Kind.PROCESS);
    assertThat(ssl.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(ssl.version()).isEqualTo("1.0.1f");
    assertThat(ssl.process().pid()).isEqualTo(child.pid());
    assertThat(ssl.process().command()).isEqualTo("java");
    assertThat(ssl.process().user()).isEqualTo(System.getProperty("user.name"));
    assertThat(ssl.process().restartNeeded()).isFalse();
    assertThat(Audits.at(r, lib.resolve("libcrypto.so.1.0.0").toString()).verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void aLibraryReplacedOnDiskAfterTheProcessMappedItNeedsARestart() throws IOException {
    Path lib = copyOf("1.0.1f");
    Process child = holding(lib.resolve("libcrypto.so.1.0.0"), lib.resolve("libssl.so.1.0.0"));
    // The upgrade: the old file is deleted and the fixed one written at the same path.
    Files.delete(lib.resolve("libssl.so.1.0.0"));
    Files.copy(Fixtures.libssl("1.0.1g"), lib.resolve("libssl.so.1.0.0"));

    Auditor.Report r = audit(child);

    Finding ssl = Audits.at(r, lib.resolve("libssl.so.1.0.0").toString());
    assertThat(ssl.process().restartNeeded()).isTrue();
    // Judged by the copy the process still maps (read through /proc/PID/map_files), not by the new file.
    assertThat(ssl.version()).isEqualTo("1.0.1f");
    assertThat(ssl.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(ssl.evidence()).contains("the mapped file was deleted since the process mapped it",
        "restart needed: the process keeps the old copy until it restarts");
    assertThat(Audits.at(r, lib.resolve("libcrypto.so.1.0.0").toString()).process().restartNeeded()).isFalse();
  }

  @Test
  void aFixedLibraryReplacedOnDiskStillNeedsARestartButIsNotVulnerable() throws IOException {
    Path lib = copyOf("1.0.1g");
    Process child = holding(lib.resolve("libcrypto.so.1.0.0"), lib.resolve("libssl.so.1.0.0"));
    Files.delete(lib.resolve("libssl.so.1.0.0"));
    Files.copy(Fixtures.libssl("1.0.1g"), lib.resolve("libssl.so.1.0.0"));

    Auditor.Report r = audit(child);

    // The unchanged 1.0.1g libcrypto is current and fine: not listed.
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
      assertThat(f.process().restartNeeded()).isTrue();
    });
    assertThat(r.notes()).contains("1 mappings of OpenSSL libraries are current and not vulnerable; not listed");

    // In SARIF it is a warning of its own rule, so a dashboard shows the restart still owed.
    Audits.Run sarif = Audits.command("--sarif", "--pid", Long.toString(child.pid()));
    assertThat(sarif.exitCode()).isZero();
    var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sarif.out()).path("runs").get(0).path("results");
    assertThat(results).singleElement().satisfies(res -> {
      assertThat(res.path("ruleId").asText()).isEqualTo("heartguard/restart-needed");
      assertThat(res.path("level").asText()).isEqualTo("warning");
      assertThat(res.path("message").path("text").asText()).contains("mapped by pid " + child.pid() + " java", "restart needed");
    });
  }

  @Test
  void noHeartbeatsBuildMappedIsNotListed() throws IOException {
    Path lib = copyOf("1.0.1f-no-heartbeats");
    Process child = holding(lib.resolve("libcrypto.so.1.0.0"), lib.resolve("libssl.so.1.0.0"));
    Auditor.Report r = audit(child);
    assertThat(r.findings()).isEmpty();
    assertThat(r.notes()).contains("2 mappings of OpenSSL libraries are current and not vulnerable; not listed");
  }

  @Test
  void theWholeHostIsAuditedWithoutPidsAndFindsTheChild() throws IOException {
    Path lib = copyOf("1.0.1f");
    Process child = holding(lib.resolve("libcrypto.so.1.0.0"), lib.resolve("libssl.so.1.0.0"));
    Audits.Run run = Audits.command("--processes");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).containsPattern("VULNERABLE +process +1\\.0\\.1f +" + java.util.regex.Pattern.quote(
        lib.resolve("libssl.so.1.0.0").toString()) + " +pid " + child.pid() + " java \\(");
  }

  @Test
  void aTcnativeLibraryWithoutOpenSslInItIsNotAFinding() throws IOException {
    // tcnative built on BoringSSL has no OpenSSL banner; zlib under tcnative's name stands in for it.
    Path lib = copyOf("1.0.1f");
    Path tcnative = Files.copy(Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1"), dir.resolve("libnetty_tcnative_linux_x86_64.so"));
    Process child = holding(tcnative, lib.resolve("libcrypto.so.1.0.0"));

    Auditor.Report r = audit(child);

    assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.location().file()).isEqualTo(lib.resolve("libcrypto.so.1.0.0")));
    assertThat(r.notes()).isEmpty();
  }
}
