package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Container images written by the test in docker save's format and as OCI layouts: layers applied in order, a file
 * replaced by a later layer, a whiteout and an opaque directory (OCI image-spec layer.md), package databases inside.
 */
class ImageAuditTest {
  @TempDir
  Path dir;

  /** Bottom layer: a vulnerable Debian 7 with its libssl, an app with a static copy, and an old library tree. */
  static byte[] baseLayer() throws IOException {
    return new TarWriter()
        .directory("etc").file("etc/os-release", "ID=debian\nVERSION_ID=\"7\"\n")
        .directory("usr/lib/x86_64-linux-gnu")
        .file("usr/lib/x86_64-linux-gnu/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"))
        .file("usr/lib/x86_64-linux-gnu/libcrypto.so.1.0.0", Fixtures.libcrypto("1.0.1f"))
        .symlink("usr/lib/x86_64-linux-gnu/libssl.so", "libssl.so.1.0.0")
        .directory("opt/old").file("opt/old/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"))
        .directory("opt/app").file("opt/app/server", Fixtures.program("1.0.1f"))
        .directory("var/lib/dpkg/info")
        .file("var/lib/dpkg/status", PackageDatabaseAuditTest.dpkgParagraph("libssl1.0.0", "1.0.1e-2+deb7u4"))
        .file("var/lib/dpkg/info/libssl1.0.0:amd64.list", "/usr/lib/x86_64-linux-gnu/libcrypto.so.1.0.0\n")
        .toBytes();
  }

  /** Upper layer: the upgrade. libssl replaced by 1.0.1g, /opt/old whited out, /opt/app made opaque and rebuilt. */
  static byte[] upgradeLayer() throws IOException {
    return new TarWriter()
        .file("usr/lib/x86_64-linux-gnu/libssl.so.1.0.0", Fixtures.libssl("1.0.1g"))
        .file("opt/.wh.old", new byte[0])
        .directory("opt/app").file("opt/app/.wh..wh..opq", new byte[0])
        .file("opt/app/server-1.0.1g", Fixtures.program("1.0.1g"))
        .file("var/lib/dpkg/status", PackageDatabaseAuditTest.dpkgParagraph("libssl1.0.0", "1.0.1e-2+deb7u5"))
        .toBytes();
  }

  private static void assertUpgradedImage(Auditor.Report r) {
    assertThat(r.notes()).isEmpty();
    assertThat(Audits.at(r, "/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0").version()).isEqualTo("1.0.1g");
    assertThat(Audits.at(r, "/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(Audits.none(r, f -> f.location().display().contains("/opt/old/"))).as("whiteout applied").isTrue();
    assertThat(Audits.none(r, f -> f.location().display().endsWith("/opt/app/server"))).as("opaque directory").isTrue();
    assertThat(Audits.at(r, "/opt/app/server-1.0.1g").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    // The upper layer's dpkg status (deb7u5, DSA-2896-1) speaks for the libcrypto whose banner still says 1.0.1f.
    Finding crypto = Audits.at(r, "/usr/lib/x86_64-linux-gnu/libcrypto.so.1.0.0");
    assertThat(crypto.version()).isEqualTo("1.0.1f");
    assertThat(crypto.verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(crypto.evidence()).last().asString().startsWith("distribution-patched: installed by libssl1.0.0 1.0.1e-2+deb7u5");
    assertThat(Audits.at(r, "!libssl1.0.0").verdict()).isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(AuditCommand.exitCode(r.findings())).isZero();
  }

  @ParameterizedTest(name = "gzip layers: {0}")
  @ValueSource(booleans = {false, true})
  void dockerSaveTarballLayersAppliedInOrderWithWhiteouts(boolean gzip) throws IOException {
    Path tar = Images.dockerSave(dir.resolve("app.tar"), "example/app:1", List.of(baseLayer(), upgradeLayer()), gzip);
    Auditor.Report r = Audits.of(tar);
    assertUpgradedImage(r);
    assertThat(Audits.at(r, "/opt/app/server-1.0.1g").location().file()).isEqualTo(tar.toRealPath());
  }

  @Test
  void dockerSaveBaseLayerAloneIsVulnerable() throws IOException {
    Path tar = Images.dockerSave(dir.resolve("base.tar"), "example/base:1", List.of(baseLayer()), false);
    Auditor.Report r = Audits.of(tar);
    assertThat(Audits.at(r, "/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "/opt/old/libssl.so.1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "/opt/app/server").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(Audits.at(r, "!libssl1.0.0").verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(AuditCommand.exitCode(r.findings())).isEqualTo(1);
  }

  @ParameterizedTest(name = "gzip layers: {0}")
  @ValueSource(booleans = {false, true})
  void ociLayoutDirectory(boolean gzip) throws IOException {
    Path layout = Images.ociLayout(dir.resolve("layout"), "example/app:1", List.of(baseLayer(), upgradeLayer()), gzip);
    assertUpgradedImage(Audits.of(layout));
  }

  @Test
  void ociLayoutInATar() throws IOException {
    Path layout = Images.ociLayout(dir.resolve("layout"), "example/app:1", List.of(baseLayer(), upgradeLayer()), true);
    TarWriter tar = new TarWriter();
    try (var files = Files.walk(layout)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        tar.file(layout.relativize(p).toString(), p);
      }
    }
    Path file = Files.write(dir.resolve("oci.tar"), tar.toBytes());
    assertUpgradedImage(Audits.of(file));
  }

  @Test
  void aDamagedLayerIsANoteAndTheOtherTargetsAreStillAudited() throws IOException {
    byte[] layer = baseLayer();
    layer[0] ^= 0x55; // the first header's checksum no longer adds up
    Path tar = Images.dockerSave(dir.resolve("bad.tar"), "example/bad:1", List.of(layer), false);
    Auditor.Report r = Audits.of(tar, Fixtures.libssl("1.0.1f"));
    assertThat(r.notes()).singleElement().asString().contains("bad.tar").contains("header checksum");
    assertThat(r.findings()).singleElement().extracting(Finding::verdict).isEqualTo(Verdict.VULNERABLE);
  }
}
