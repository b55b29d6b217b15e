package io.heartguard.wire.openssl;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenSSL version as banners show it ("1.0.1e", "1.0.2-beta1", "0.9.8zh"), and whether the Heartbleed bug is in
 * it: CVE-2014-0160 affects 1.0.1 through 1.0.1f and 1.0.2-beta1; 1.0.1g fixed it, 0.9.8 and 1.0.0 never had the
 * heartbeat extension.
 */
public record OpenSslVersion(int major, int minor, int fix, String letters, String preRelease) {
  /**
   * "OpenSSL/1.0.1e", "OpenSSL 1.0.2-beta1", "openssl-1.0.1", "OpenSSL 1.0.1e-fips" — the shapes found in Server
   * headers and banners. Numbers are bounded (a banner is untrusted input and must not overflow parseInt), and the
   * letters must end the version, so "1.0.1efg" is no version rather than a wrong one.
   */
  private static final Pattern IN_BANNER = Pattern.compile(
      "(?i)openssl[/ _-]?v?(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})(?!\\d)([a-z]{0,2})(?![a-z])"
          + "(?:-(beta\\d{0,3}|pre\\d{0,3}|dev|alpha\\d{0,3})(?![a-z0-9]))?");

  public OpenSslVersion {
    letters = letters == null ? "" : letters.toLowerCase(java.util.Locale.ROOT);
    preRelease = preRelease == null ? "" : preRelease.toLowerCase(java.util.Locale.ROOT);
  }

  /** Finds the first OpenSSL version named in a banner, e.g. {@code Server: Apache/2.4.7 OpenSSL/1.0.1e}. */
  public static Optional<OpenSslVersion> findIn(String banner) {
    if (banner == null) {
      return Optional.empty();
    }
    Matcher m = IN_BANNER.matcher(banner);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new OpenSslVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), m.group(4), m.group(5)));
  }

  /** Whether this release shipped the Heartbleed bug. */
  public boolean hasHeartbleed() {
    if (major != 1 || minor != 0) {
      return false;
    }
    if (fix == 1) {
      // 1.0.1 and 1.0.1a..f; pre-releases of 1.0.1 (betas) carried the same code.
      return letters.isEmpty() || (letters.length() == 1 && letters.charAt(0) <= 'f');
    }
    // 1.0.2-beta1 was cut before the fix; beta2 and the 1.0.2 release have it.
    return fix == 2 && letters.isEmpty() && preRelease.equals("beta1");
  }

  /** Classifies a banner: AFFECTED, NOT_AFFECTED, or UNKNOWN when it names no OpenSSL version. */
  public static BannerExposure classify(String banner) {
    return findIn(banner)
        .map(v -> new BannerExposure(v.hasHeartbleed() ? BannerExposure.Exposure.AFFECTED : BannerExposure.Exposure.NOT_AFFECTED, v))
        .orElse(new BannerExposure(BannerExposure.Exposure.UNKNOWN, null));
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + fix + letters + (preRelease.isEmpty() ? "" : "-" + preRelease);
  }

  /**
   * What a banner says about Heartbleed. A banner is a hint, not a verdict: distributions backported the fix without
   * changing the version string (Debian's 1.0.1e-2+deb7u5, Red Hat's 1.0.1e-16.el6_5.7).
   */
  public record BannerExposure(Exposure exposure, OpenSslVersion version) {
    public enum Exposure { AFFECTED, NOT_AFFECTED, UNKNOWN }
  }
}
