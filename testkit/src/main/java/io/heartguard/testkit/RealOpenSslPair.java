package io.heartguard.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The vulnerable 1.0.1f and the fixed 1.0.1g {@code s_server -www}, started once for a test class and stopped after
 * it, sharing one key and certificate in a directory of their own:
 * {@code @RegisterExtension static final RealOpenSslPair openssl = new RealOpenSslPair();}
 */
public final class RealOpenSslPair implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private RealOpenSsl vulnerable;
  private RealOpenSsl fixed;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("heartguard-openssl");
    vulnerable = RealOpenSsl.startServer(RealOpenSsl.Release.V1_0_1F, dir);
    fixed = RealOpenSsl.startServer(RealOpenSsl.Release.V1_0_1G, dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      for (RealOpenSsl server : new RealOpenSsl[] {vulnerable, fixed}) {
        if (server != null) {
          server.close();
        }
      }
    } finally {
      deleteDirectory();
    }
  }

  /** 1.0.1f, which answers a heartbeat with as many bytes as it claims (CVE-2014-0160). */
  public RealOpenSsl vulnerable() {
    return vulnerable;
  }

  /** 1.0.1g, which discards a heartbeat that claims more than it carries. */
  public RealOpenSsl fixed() {
    return fixed;
  }

  private void deleteDirectory() throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
