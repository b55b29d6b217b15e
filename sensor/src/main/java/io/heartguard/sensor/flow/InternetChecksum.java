package io.heartguard.sensor.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones' complement sum of 16-bit words. Summed 32 bits at a time into a long
 * and folded at the end, which RFC 1071 section 2(C) allows: the sensor's hot path, so no allocation and one pass.
 */
final class InternetChecksum {
  private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private InternetChecksum() {}

  /** Adds the bytes {@code [from, to)} to {@code sum}, as 16-bit big-endian words starting at {@code from}. */
  static long add(long sum, byte[] b, int from, int to) {
    int i = from;
    for (int stop = to - 3; i < stop; i += 4) {
      sum += (int) INT_BE.get(b, i) & 0xffff_ffffL;
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
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return sum == 0xffff;
  }
}
