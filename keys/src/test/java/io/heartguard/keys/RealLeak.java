package io.heartguard.keys;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real 1.0.1f leak vendored in fixtures/leaks (see its README): found from any module's working directory. */
public final class RealLeak {
  private RealLeak() {}

  public static Path path() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("fixtures/leaks/openssl-1.0.1f-leak.bin");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no fixtures/leaks above " + Path.of("").toAbsolutePath());
  }
}
