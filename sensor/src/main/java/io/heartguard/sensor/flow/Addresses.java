package io.heartguard.sensor.flow;

import io.heartguard.address.Ip128;
import io.heartguard.address.IpText;

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

  /** Dotted quad for IPv4; RFC 5952 text for IPv6: the address grammar's one writer, {@link IpText#format}. */
  static String format(long high, long low) {
    return IpText.format(new Ip128(high, low));
  }
}
