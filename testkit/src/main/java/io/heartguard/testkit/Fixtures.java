package io.heartguard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's vendored test material (fixtures/: captures, real OpenSSL builds, a real leak, each with its README
 * and licence), found from any module's working directory upward, so that a plain clone runs its tests.
 */
public final class Fixtures {
  private Fixtures() {}

  /** {@code fixtures/RELATIVE}, which must exist. */
  public static Path path(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("fixtures").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no fixtures/" + relative + " above " + Path.of("").toAbsolutePath());
  }
}
