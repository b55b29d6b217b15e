package io.heartguard.sensor.flow;

/** IP addresses held as two longs (IPv4 as IPv4-mapped IPv6) and printed the usual way. */
final class Addresses {
  static final long V4_MAPPED_HIGH = 0;
  static final long V4_MAPPED_PREFIX = 0xffffL << 32;

  private Addresses() {}

  static long v4Low(byte[] b, int off) {
    return V4_MAPPED_PREFIX | (((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8)
        | (b[off + 3] & 0xffL));
  }

  static long long64(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  static boolean isV4(long high, long low) {
    return high == 0 && (low >>> 32) == 0xffffL;
  }

  /** Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run compressed) for IPv6. */
  static String format(long high, long low) {
    if (isV4(high, low)) {
      return ((low >>> 24) & 0xff) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) ((high >>> (48 - 16 * i)) & 0xffff);
      groups[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xffff);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952 section 4.2.2: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      s.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        s.append(':');
      }
    }
    return s.toString();
  }
}
