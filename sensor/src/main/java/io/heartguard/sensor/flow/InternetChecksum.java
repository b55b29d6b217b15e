package io.heartguard.sensor.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones' complement sum of 16-bit words. Summed as 32-bit words into longs and
 * folded at the end, which RFC 1071 section 2(C) allows: the sensor's hot path, so no allocation and one pass. It
 * reads 8 bytes at a time in the machine's own byte order into two sums, so that the adds do not wait on each other
 * and no load swaps bytes, and swaps the folded sum once: RFC 1071 section 2(B), the sum does not depend on byte
 * order (bench/RESULTS-sensor.md).
 */
final class InternetChecksum {
  private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_NATIVE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

  private InternetChecksum() {}

  /** Adds the bytes {@code [from, to)} to {@code sum}, as 16-bit big-endian words starting at {@code from}. */
  static long add(long sum, byte[] b, int from, int to) {
    int i = from;
    long high = 0;
    long low = 0;
    for (int stop = to - 7; i < stop; i += 8) {
      long words = (long) LONG_NATIVE.get(b, i);
      high += words >>> 32;
      low += words & 0xffff_ffffL;
    }
    long folded = fold(high + low); // each under 2^32 per 8 bytes: no overflow below 2^34 bytes
    sum += BIG_ENDIAN ? folded : ((folded & 0xff) << 8) | (folded >>> 8);
    if (to - i >= 4) {
      sum += (int) INT_BE.get(b, i) & 0xffff_ffffL;
      i += 4;
    }
    if (to - i >= 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
      i += 2;
    }
    if (i < to) {
      sum += (b[i] & 0xff) << 8; // an odd last byte is padded with zero (RFC 793 section 3.1)
    }
    return sum;
  }

  /** Adds the four 32-bit halves of an address held as two longs. */
  static long add(long sum, long high, long low) {
    return sum + (high >>> 32) + (high & 0xffff_ffffL) + (low >>> 32) + (low & 0xffff_ffffL);
  }

  /** Whether a sum that includes its checksum field verifies: all ones once folded. */
  static boolean verifies(long sum) {
    return fold(sum) == 0xffff;
  }

  /** The end-around carries added back until 16 bits are left. */
  private static long fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return sum;
  }
}
