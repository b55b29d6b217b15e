package io.heartguard.audit.pkg;

/**
 * Orders package versions the way dpkg does (deb-version(7): epoch, upstream version, revision; lib/dpkg/version.c
 * verrevcmp). Alpine's versions ("1.0.1g-r0") order the same way for the shapes OpenSSL packages use: the upstream
 * part compared like dpkg's, then "-rN" like a revision.
 */
public final class PackageVersion {
  private PackageVersion() {}

  public static int compare(String a, String b) {
    Parts x = Parts.of(a);
    Parts y = Parts.of(b);
    if (x.epoch != y.epoch) {
      return Long.compare(x.epoch, y.epoch);
    }
    int c = verrevcmp(x.upstream, y.upstream);
    return c != 0 ? c : verrevcmp(x.revision, y.revision);
  }

  /** The upstream part: no epoch, no revision ("1:1.0.1e-2+deb7u5" is "1.0.1e"; Alpine's "1.0.1g-r0" is "1.0.1g"). */
  public static String upstream(String version) {
    return Parts.of(version).upstream;
  }

  private record Parts(long epoch, String upstream, String revision) {
    static Parts of(String v) {
      long epoch = 0;
      int colon = v.indexOf(':');
      if (colon > 0 && colon <= 9 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
        epoch = Long.parseLong(v.substring(0, colon));
        v = v.substring(colon + 1);
      }
      int dash = v.lastIndexOf('-');
      return dash < 0 ? new Parts(epoch, v, "") : new Parts(epoch, v.substring(0, dash), v.substring(dash + 1));
    }
  }

  /** '~' sorts before everything, even the end of the string; letters before other characters (dpkg's order()). */
  private static int order(char c) {
    if (Character.isDigit(c)) {
      return 0;
    } else if (Character.isLetter(c)) {
      return c;
    } else if (c == '~') {
      return -1;
    } else if (c != 0) {
      return c + 256;
    }
    return 0;
  }

  private static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      int firstDiff = 0;
      while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
        int ac = i < a.length() ? order(a.charAt(i)) : 0;
        int bc = j < b.length() ? order(b.charAt(j)) : 0;
        if (ac != bc) {
          return Integer.compare(ac, bc);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      while (i < a.length() && Character.isDigit(a.charAt(i)) && j < b.length() && Character.isDigit(b.charAt(j))) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (i < a.length() && Character.isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < b.length() && Character.isDigit(b.charAt(j))) {
        return -1;
      }
      if (firstDiff != 0) {
        return Integer.signum(firstDiff);
      }
    }
    return 0;
  }
}
