package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A root filesystem as a directory: libraries, static programs, links that point out of the root, bad files. */
class RootFilesystemAuditTest {
  @TempDir
  Path root;

  private Path put(String inRoot, Path content) throws IOException {
    return Fixtures.copy(content, root, inRoot);
  }

  @Test
  void findsSharedLibrariesAndStaticCopiesWithTheirVerdicts() throws IOException {
    put("usr/lib/x86_64-linux-gnu/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    put("usr/lib/x86_64-linux-gnu/libcrypto.so.1.0.0", Fixtures.libcrypto("1.0.1f"));
    put("opt/mitigated/lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f-no-heartbeats"));
    put("usr/local/bin/openssl", Fixtures.program("1.0.1f"));
    put("usr/local/bin/openssl-fixed", Fixtures.program("1.0.1g"));
    Files.writeString(root.resolve("usr/local/bin/script.sh"), "#!/bin/sh\necho OpenSSL 1.0.1f 6 Jan 2014\n");

    Auditor.Report r = Audits.of(root);

    assertThat(Audits.at(r, "/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "/usr/lib/x86_64-linux-gnu/libcrypto.so.1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "/opt/mitigated/lib/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    Finding program = Audits.at(r, "/usr/local/bin/openssl");
    assertThat(program.kind()).isEqualTo(Finding.Kind.STATIC_COPY);
    assertThat(program.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "/usr/local/bin/openssl-fixed").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    // A script that prints the banner is not a copy of OpenSSL: only ELF files are.
    assertThat(r.findings()).hasSize(5);
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void symbolicLinksAreNotFollowedOutOfTheRoot() throws IOException {
    // An absolute link in a root filesystem means the root's own /usr, never the auditing host's.
    Files.createDirectories(root.resolve("usr/lib"));
    Files.createSymbolicLink(root.resolve("usr/lib/libssl.so"), Fixtures.libssl("1.0.1f").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("host-usr"), Path.of("/usr"));
    Files.createSymbolicLink(root.resolve("loop-a"), root.resolve("loop-b"));
    Files.createSymbolicLink(root.resolve("loop-b"), root.resolve("loop-a"));

    Auditor.Report r = Audits.of(root);

    assertThat(r.findings()).isEmpty();
    assertThat(r.notes()).isEmpty();
  }

  @Test
  void packageFileListsResolveAbsoluteLinksInsideTheRoot() throws IOException {
    // Merged /usr: /lib is a link to usr/lib; dpkg lists /lib/... ; the file is found at /usr/lib/...
    put("usr/lib/x86_64-linux-gnu/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    Files.createSymbolicLink(root.resolve("lib"), Path.of("/usr/lib"));
    Files.createDirectories(root.resolve("var/lib/dpkg/info"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"7\"\n");
    Files.writeString(root.resolve("var/lib/dpkg/status"), PackageDatabaseAuditTest.dpkgParagraph(
        "libssl1.0.0", "1.0.1e-2+deb7u5"));
    Files.writeString(root.resolve("var/lib/dpkg/info/libssl1.0.0:amd64.list"),
        "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libssl.so.1.0.0\n");

    Auditor.Report r = Audits.of(root);

    Finding file = Audits.at(r, "/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0");
    assertThat(file.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(file.evidence()).last().asString()
        .isEqualTo("distribution-patched: installed by libssl1.0.0 1.0.1e-2+deb7u5, at or after its fixed version");
  }

  @Test
  void badFilesAreOneLineNotesOrInconclusiveAndTheWalkGoesOn() throws IOException {
    byte[] lib = Files.readAllBytes(Fixtures.libssl("1.0.1f"));
    Files.createDirectories(root.resolve("a/lib"));
    Files.write(root.resolve("a/lib/libssl.so.1.0.0"), Arrays.copyOf(lib, 4096)); // truncated, named like libssl
    Files.write(root.resolve("a/lib/libfoo.so"), Arrays.copyOf(lib, 100)); // truncated, any other name
    new ProcessBuilder("mkfifo", root.resolve("a/fifo").toString()).start().onExit().join(); // must not block
    put("z/lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));

    Auditor.Report r = Audits.of(root);

    Finding truncated = Audits.at(r, "/a/lib/libssl.so.1.0.0");
    assertThat(truncated.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(truncated.evidence().get(0)).startsWith("named like an OpenSSL library but could not be read: truncated ELF");
    assertThat(r.notes()).singleElement().asString().contains("/a/lib/libfoo.so: truncated ELF").doesNotContain("\n");
    assertThat(Audits.at(r, "/z/lib/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void permissionDeniedIsInconclusiveForALibraryAndANoteOtherwise(@TempDir Path classPath) throws Exception {
    Path lib = put("usr/lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    Path other = put("usr/bin/tool", Fixtures.program("1.0.1f"));
    Files.setPosixFilePermissions(lib, java.util.Set.of());
    Files.setPosixFilePermissions(other, java.util.Set.of());
    open(root);

    // Root reads every file whatever its mode, so as root the audit runs as "nobody" (setpriv), from a copy of
    // its class path that "nobody" can read.
    Audits.Run run = "root".equals(System.getProperty("user.name")) ? asNobody(root, classPath) : Audits.command(root.toString());

    assertThat(run.out()).containsPattern("INCONCLUSIVE +shared-library +- +" + java.util.regex.Pattern.quote(
        root.toRealPath().resolve("usr/lib/libssl.so.1.0.0").toString()));
    assertThat(run.out()).contains("named like an OpenSSL library but could not be read: permission denied");
    assertThat(run.err()).isEqualTo("note: " + root.toRealPath().resolve("usr/bin/tool") + ": permission denied: "
        + root.toRealPath().resolve("usr/bin/tool") + "\n");
    assertThat(run.exitCode()).isEqualTo(3);
  }

  /**
   * Makes the directories inside {@code dir}, and those above it up to but never including the system's temporary
   * directory, searchable by everyone (a @TempDir is 700). /tmp itself must keep its 1777: other programs on this
   * machine (MariaDB, for one) write there.
   */
  private static void open(Path dir) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    for (Path d = dir.toAbsolutePath().normalize(); d != null && d.startsWith(tmp) && !d.equals(tmp); d = d.getParent()) {
      if (Files.getOwner(d).getName().equals(System.getProperty("user.name"))) {
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  private static Audits.Run asNobody(Path target, Path cp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv installed");
    List<String> entries = new java.util.ArrayList<>();
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path from = Path.of(e);
      Path to = cp.resolve(i++ + "-" + from.getFileName());
      if (Files.isDirectory(from)) {
        try (var s = Files.walk(from)) {
          for (Path p : s.toList()) {
            Files.copy(p, to.resolve(from.relativize(p).toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } else if (Files.exists(from)) {
        Files.copy(from, to);
      }
      entries.add(to.toString());
    }
    open(cp);
    try (var s = Files.walk(cp)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
        "-cp", String.join(java.io.File.pathSeparator, entries), AuditCommand.class.getName(), target.toString())
        .start();
    p.getOutputStream().close();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return new Audits.Run(p.waitFor(), out, err.join());
  }
}
