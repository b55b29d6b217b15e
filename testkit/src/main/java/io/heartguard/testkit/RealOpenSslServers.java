package io.heartguard.testkit;

import io.heartguard.testkit.RealOpenSsl.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@code s_server -www} of 1.0.1f, vulnerable, and of 1.0.1g, fixed (or of 1.0.1f alone), started once for
 * a test class and stopped after it, sharing one key and certificate in a directory of their own:
 * {@code @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.both();}
 */
public final class RealOpenSslServers implements BeforeAllCallback, AfterAllCallback {
  private final List<Release> releases;
  private final Map<Release, RealOpenSsl> started = new EnumMap<>(Release.class);
  private Path dir;

  private RealOpenSslServers(List<Release> releases) {
    this.releases = releases;
  }

  /** 1.0.1f and 1.0.1g, to show that what leaks from the first is Heartbleed. */
  public static RealOpenSslServers both() {
    return new RealOpenSslServers(List.of(Release.V1_0_1F, Release.V1_0_1G));
  }

  /** 1.0.1f alone. */
  public static RealOpenSslServers vulnerableOnly() {
    return new RealOpenSslServers(List.of(Release.V1_0_1F));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("heartguard-openssl");
    for (Release release : releases) {
      started.put(release, RealOpenSsl.startServer(release, dir));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      for (RealOpenSsl server : started.values()) {
        server.close();
      }
      started.clear();
    } finally {
      deleteDirectory();
    }
  }

  /** 1.0.1f, which answers a heartbeat with as many bytes as it claims (CVE-2014-0160). */
  public RealOpenSsl vulnerable() {
    return server(Release.V1_0_1F);
  }

  /** 1.0.1g, which discards a heartbeat that claims more than it carries. */
  public RealOpenSsl fixed() {
    return server(Release.V1_0_1G);
  }

  private RealOpenSsl server(Release release) {
    RealOpenSsl server = started.get(release);
    if (server == null) {
      throw new IllegalStateException("no " + release + " s_server started for this test class");
    }
    return server;
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
