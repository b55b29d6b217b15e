package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.audit.pkg.PackageVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Package databases judged by the distributions' own advisories: DSA-2896-1 (Debian 7, 1.0.1e-2+deb7u5), USN-2165-1
 * (Ubuntu 12.04 1.0.1-4ubuntu5.12, 13.10 1.0.1e-3ubuntu1.2) and Alpine 2.6/2.7 (1.0.1g-r0).
 */
class PackageDatabaseAuditTest {
  @TempDir
  Path root;

  static String dpkgParagraph(String name, String version) {
    return "Package: " + name + "\nStatus: install ok installed\nPriority: important\nArchitecture: amd64\n"
        + "Multi-Arch: same\nSource: openssl\nVersion: " + version + "\nDescription: SSL shared libraries\n"
        + " libssl and libcrypto.\n\n";
  }

  private void write(String inRoot, String text) throws IOException {
    Path p = root.resolve(inRoot);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void debianWheezyIsFixedFromDeb7u5AsDsa2896Says() throws IOException {
    write("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 7 (wheezy)\"\nID=debian\nVERSION_ID=\"7\"\n");
    write("var/lib/dpkg/status", dpkgParagraph("libssl1.0.0", "1.0.1e-2+deb7u4") + dpkgParagraph("openssl", "1.0.1e-2+deb7u5")
        + "Package: curl\nStatus: install ok installed\nVersion: 7.26.0-1+wheezy8\n\n"
        + "Package: libssl-doc\nStatus: deinstall ok config-files\nSource: openssl\nVersion: 1.0.1e-2+deb7u4\n");

    Auditor.Report r = Audits.of(root);

    Finding old = Audits.at(r, "!libssl1.0.0");
    assertThat(old.kind()).isEqualTo(Finding.Kind.PACKAGE);
    assertThat(old.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(old.evidence()).contains("before 1.0.1e-2+deb7u5, the first fixed version for debian 7 (DSA-2896-1, "
        + "https://www.debian.org/security/2014/dsa-2896)");
    Finding patched = Audits.at(r, "!openssl");
    assertThat(patched.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(patched.version()).isEqualTo("1.0.1e-2+deb7u5");
    assertThat(r.findings()).hasSize(2); // curl is not openssl's; libssl-doc is not installed
  }

  @Test
  void ubuntuReleasesAreToldApartByTheirOwnFixedVersions() throws IOException {
    write("etc/os-release", "NAME=\"Ubuntu\"\nVERSION_ID=\"12.04\"\nID=ubuntu\n");
    write("var/lib/dpkg/status", dpkgParagraph("libssl1.0.0", "1.0.1-4ubuntu5.11") + dpkgParagraph("openssl", "1.0.1-4ubuntu5.12"));
    Auditor.Report precise = Audits.of(root);
    assertThat(Audits.at(precise, "!libssl1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(precise, "!openssl").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);

    // Without os-release, the upstream version in the package version picks the release's row (13.10's 1.0.1e).
    Files.delete(root.resolve("etc/os-release"));
    write("var/lib/dpkg/status", dpkgParagraph("libssl1.0.0", "1.0.1e-3ubuntu1.1") + dpkgParagraph("openssl", "1.0.1e-3ubuntu1.2"));
    Auditor.Report saucy = Audits.of(root);
    assertThat(Audits.at(saucy, "!libssl1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(saucy, "!openssl").evidence()).anyMatch(e -> e.contains("USN-2165-1") && e.contains("ubuntu 13.10"));
    assertThat(Audits.at(saucy, "!openssl").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
  }

  @Test
  void alpineApkDatabaseWithVulnerableAndFixedPackages() throws IOException {
    write("etc/alpine-release", "2.7.0\n");
    write("lib/apk/db/installed", "C:Q1abc=\nP:musl\nV:0.9.15-r2\no:musl\n\n"
        + "C:Q1def=\nP:libssl1.0\nV:1.0.1f-r0\no:openssl\nF:usr/lib\nR:libssl.so.1.0.0\n\n"
        + "C:Q1ghi=\nP:libcrypto1.0\nV:1.0.1g-r0\no:openssl\nF:lib\nR:libcrypto.so.1.0.0\n");
    Files.createDirectories(root.resolve("usr/lib"));
    Files.copy(Fixtures.libssl("1.0.1f"), root.resolve("usr/lib/libssl.so.1.0.0"));

    Auditor.Report r = Audits.of(root);

    assertThat(Audits.at(r, "!libssl1.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "!libcrypto1.0").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    Finding file = Audits.at(r, "/usr/lib/libssl.so.1.0.0");
    assertThat(file.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(file.evidence()).last().asString().isEqualTo("installed by libssl1.0 1.0.1f-r0 (VULNERABLE)");
  }

  @Test
  void anAffectedUpstreamWithNoAdvisoryRowIsInconclusive() throws IOException {
    write("etc/os-release", "ID=linuxmint\nVERSION_ID=\"17\"\n");
    write("var/lib/dpkg/status", dpkgParagraph("libssl1.0.0", "1.0.1f-1mint1"));
    Finding f = Audits.at(Audits.of(root), "!libssl1.0.0");
    assertThat(f.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(f.evidence()).last().asString().contains("no advisory row for linuxmint 17");
  }

  @Test
  void versionsOrderAsDpkgOrdersThem() {
    assertThat(PackageVersion.compare("1.0.1e-2+deb7u5", "1.0.1e-2+deb7u4")).isPositive();
    assertThat(PackageVersion.compare("1.0.1e-2+deb7u10", "1.0.1e-2+deb7u5")).isPositive();
    assertThat(PackageVersion.compare("1.0.1-4ubuntu5.12", "1.0.1-4ubuntu5.9")).isPositive();
    assertThat(PackageVersion.compare("1.0.1f", "1.0.1g")).isNegative();
    assertThat(PackageVersion.compare("1.0.1g~rc1", "1.0.1g")).isNegative(); // '~' sorts before the end
    assertThat(PackageVersion.compare("1:0.9.8", "1.0.1g")).isPositive(); // the epoch wins
    assertThat(PackageVersion.compare("1.0.1g-r1", "1.0.1g-r0")).isPositive();
    assertThat(PackageVersion.compare("1.0.1e-2+deb7u5", "1.0.1e-2+deb7u5")).isZero();
  }
}
