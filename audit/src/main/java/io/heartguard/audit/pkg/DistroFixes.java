package io.heartguard.audit.pkg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each distribution fixed Heartbleed in its own openssl package, from its own advisory: the cited data file
 * distro-fixes.txt beside this class.
 */
public final class DistroFixes {
  /** One row: the first fixed version of the openssl source package in one release. */
  public record Fix(String distro, String release, String fixedVersion, String advisory, String source) {}

  private static final List<Fix> FIXES = load();

  private DistroFixes() {}

  public static List<Fix> all() {
    return FIXES;
  }

  /**
   * The row that decides an installed version: the distribution's row for this release when the release is known,
   * else the row whose fixed version has the same upstream version (Ubuntu's releases each shipped a different
   * upstream, so "1.0.1-4ubuntu5.11" can only be 12.04's).
   */
  public static Optional<Fix> forRelease(String distro, String release, String installedVersion) {
    if (distro == null) {
      return Optional.empty();
    }
    List<Fix> ofDistro = FIXES.stream().filter(f -> f.distro().equals(distro)).toList();
    if (release != null) {
      Optional<Fix> exact = ofDistro.stream()
          .filter(f -> release.equals(f.release()) || release.startsWith(f.release() + ".")).findFirst();
      if (exact.isPresent()) {
        return exact;
      }
    }
    String upstream = PackageVersion.upstream(installedVersion);
    return ofDistro.stream().filter(f -> PackageVersion.upstream(f.fixedVersion()).equals(upstream)).findFirst();
  }

  private static List<Fix> load() {
    try (InputStream in = DistroFixes.class.getResourceAsStream("distro-fixes.txt")) {
      if (in == null) {
        throw new IllegalStateException("distro-fixes.txt is missing from the audit module's resources");
      }
      List<Fix> rows = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] f = t.split("\\s+");
        if (f.length != 5) {
          throw new IllegalStateException("distro-fixes.txt: expected 5 columns, got " + f.length + ": " + t);
        }
        rows.add(new Fix(f[0], f[1], f[2], f[3], f[4]));
      }
      return List.copyOf(rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
