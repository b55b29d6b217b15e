package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A root filesystem as a directory: libraries, static programs, links that point out of the root, bad files. */
class RootFilesystemAuditTest {
  @TempDir
  Path root;

  private Path put(String inRoot, Path content) throws IOException {
    Path p = root.resolve(inRoot);
    Files.createDirectories(p.getParent());
    return Files.copy(content, p);
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
}
