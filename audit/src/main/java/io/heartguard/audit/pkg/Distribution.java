package io.heartguard.audit.pkg;

import io.heartguard.audit.RootTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Which distribution release a root is: os-release(5)'s ID and VERSION_ID, or for releases older than os-release,
 * /etc/debian_version ("7.4") and /etc/alpine-release ("2.7.0"). Fields are null when unknown.
 */
public record Distribution(String id, String release) {
  private static final int MAX = 64 << 10;

  public static Distribution detect(RootTree root) throws IOException {
    for (String path : new String[] {"/etc/os-release", "/usr/lib/os-release"}) {
      byte[] b = root.readSmall(path, MAX);
      if (b != null) {
        String id = null;
        String version = null;
        for (String line : new String(b, StandardCharsets.UTF_8).split("\\n")) {
          if (line.startsWith("ID=")) {
            id = unquote(line.substring(3));
          } else if (line.startsWith("VERSION_ID=")) {
            version = unquote(line.substring(11));
          }
        }
        if (id != null) {
          return new Distribution(id, version);
        }
      }
    }
    byte[] alpine = root.readSmall("/etc/alpine-release", MAX);
    if (alpine != null) {
      return new Distribution("alpine", new String(alpine, StandardCharsets.UTF_8).strip());
    }
    byte[] debian = root.readSmall("/etc/debian_version", MAX);
    if (debian != null) {
      String v = new String(debian, StandardCharsets.UTF_8).strip();
      return new Distribution("debian", v.matches("\\d+(\\..*)?") ? v.split("\\.")[0] : null);
    }
    return new Distribution(null, null);
  }

  /** The distribution a package's version names when the root does not say ("1.0.1-4ubuntu5.11", "1.0.1e-2+deb7u4"). */
  public Distribution orGuessedFrom(String database, String version) {
    if (id != null) {
      return this;
    }
    if (database.equals("apk")) {
      return new Distribution("alpine", null);
    }
    return new Distribution(version.contains("ubuntu") ? "ubuntu" : "debian", null);
  }

  public String display() {
    return id == null ? "an unknown distribution" : id + (release == null ? "" : " " + release);
  }

  private static String unquote(String s) {
    String t = s.strip();
    return t.length() >= 2 && (t.startsWith("\"") || t.startsWith("'")) ? t.substring(1, t.length() - 1) : t;
  }
}
