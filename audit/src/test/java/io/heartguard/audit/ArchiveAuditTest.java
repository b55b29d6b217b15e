package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jars with native libraries inside, as Netty's tcnative ships OpenSSL under META-INF/native/. */
class ArchiveAuditTest {
  @TempDir
  Path dir;

  static byte[] zip(Object... nameAndContent) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (int i = 0; i < nameAndContent.length; i += 2) {
        z.putNextEntry(new ZipEntry((String) nameAndContent[i]));
        Object c = nameAndContent[i + 1];
        z.write(c instanceof Path p ? Files.readAllBytes(p) : (byte[]) c);
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void tcnativeStyleJarWithAStaticOpenSslInside() throws IOException {
    // A tcnative library links OpenSSL statically: the 1.0.1f program stands in for one.
    Path jar = Files.write(dir.resolve("netty-tcnative-1.1.30.Fork2-linux-x86_64.jar"), zip(
        "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes(),
        "META-INF/native/libnetty_tcnative_linux_x86_64.so", Fixtures.program("1.0.1f"),
        "io/netty/tcnative/jni/SSL.class", new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe}));

    Auditor.Report r = Audits.of(jar);

    Finding f = Audits.at(r, ".jar!META-INF/native/libnetty_tcnative_linux_x86_64.so");
    assertThat(f.kind()).isEqualTo(Finding.Kind.STATIC_COPY);
    assertThat(f.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(f.location().file()).isEqualTo(jar.toRealPath());
  }

  @Test
  void nestedJarInsideAnApplicationJarInsideARootFilesystem() throws IOException {
    byte[] inner = zip("META-INF/native/libssl.so.1.0.0", Fixtures.libssl("1.0.1f-no-heartbeats"),
        "META-INF/native/libcrypto.so.1.0.0", Fixtures.libcrypto("1.0.1f"));
    Path app = dir.resolve("root/srv/app.jar");
    Files.createDirectories(app.getParent());
    Files.write(app, zip("BOOT-INF/lib/netty-tcnative.jar", inner, "BOOT-INF/classes/App.class", new byte[] {1, 2, 3}));

    Auditor.Report r = Audits.of(dir.resolve("root"));

    assertThat(Audits.at(r, "app.jar!BOOT-INF/lib/netty-tcnative.jar!META-INF/native/libssl.so.1.0.0").verdict())
        .isEqualTo(Verdict.NOT_VULNERABLE);
    assertThat(Audits.at(r, "app.jar!BOOT-INF/lib/netty-tcnative.jar!META-INF/native/libcrypto.so.1.0.0").verdict())
        .isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void jarInsideAnImageLayer() throws IOException {
    byte[] jar = zip("META-INF/native/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    byte[] layer = new TarWriter().file("app/lib/tcnative.jar", jar).toBytes();
    Path tar = Images.dockerSave(dir.resolve("img.tar"), "example/jar:1", List.of(layer), true);
    Finding f = Audits.at(Audits.of(tar), "/app/lib/tcnative.jar!META-INF/native/libssl.so.1.0.0");
    assertThat(f.verdict()).isEqualTo(Verdict.VULNERABLE);
  }

  @Test
  void aCorruptJarIsANote() throws IOException {
    byte[] good = zip("META-INF/native/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    byte[] cut = java.util.Arrays.copyOf(good, 2000);
    Path root = dir.resolve("root");
    Files.createDirectories(root);
    Files.write(root.resolve("broken.jar"), cut);
    Auditor.Report r = Audits.of(root);
    assertThat(r.findings()).isEmpty();
    assertThat(r.notes()).singleElement().asString().startsWith(root.toRealPath().resolve("broken.jar") + ": ");
  }
}
