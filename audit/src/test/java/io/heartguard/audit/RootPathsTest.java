package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Links resolve inside the audited root: absolute targets restart at the root, ".." stops there, loops end. */
class RootPathsTest {
  private static String resolve(String path, Map<String, String> links) throws IOException {
    return RootPaths.resolve(path, links::get);
  }

  @Test
  void absoluteTargetsStartAgainAtTheRoot() throws IOException {
    assertThat(resolve("/lib/x86_64-linux-gnu/libssl.so.1.0.0", Map.of("/lib", "/usr/lib")))
        .isEqualTo("/usr/lib/x86_64-linux-gnu/libssl.so.1.0.0");
    assertThat(resolve("/usr/lib/libssl.so", Map.of("/usr/lib/libssl.so", "libssl.so.1.0.0")))
        .isEqualTo("/usr/lib/libssl.so.1.0.0");
  }

  @Test
  void dotDotStopsAtTheRoot() throws IOException {
    assertThat(resolve("/a/link", Map.of("/a/link", "../../../../etc/shadow"))).isEqualTo("/etc/shadow");
  }

  @Test
  void aLinkLoopIsAnErrorAfterFortyLinks() {
    assertThatThrownBy(() -> resolve("/a/b", Map.of("/a", "/c", "/c", "/a")))
        .isInstanceOf(IOException.class).hasMessage("symbolic link loop at /a/b (more than 40 links)");
  }
}
