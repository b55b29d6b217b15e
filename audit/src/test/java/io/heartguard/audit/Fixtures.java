package io.heartguard.audit;

import java.nio.file.Path;

/** The real OpenSSL builds vendored in fixtures/openssl (see its README): found from the module's directory up. */
final class Fixtures {
  private Fixtures() {}

  static Path openssl() {
    return io.heartguard.testkit.Fixtures.path("openssl");
  }

  static Path libssl(String build) {
    return openssl().resolve("lib").resolve(build).resolve("libssl.so.1.0.0");
  }

  static Path libcrypto(String build) {
    return openssl().resolve("lib").resolve(build).resolve("libcrypto.so.1.0.0");
  }

  /** The statically linked openssl program of "1.0.1f" or "1.0.1g". */
  static Path program(String version) {
    return openssl().resolve("bin").resolve("openssl-" + version);
  }

  /** Copies {@code content} to {@code inRoot} under {@code root}, making the directories on the way. */
  static Path copy(Path content, Path root, String inRoot) throws java.io.IOException {
    Path p = root.resolve(inRoot);
    java.nio.file.Files.createDirectories(p.getParent());
    return java.nio.file.Files.copy(content, p);
  }

  /** This machine's own OpenSSL 3 (Debian's libssl3). */
  static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
  static final Path SYSTEM_LIBCRYPTO = Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
}
