package io.heartguard.address;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address as an unsigned 128-bit number, so IPv4 and IPv6 share one number line and one interval arithmetic:
 * an IPv4 address a.b.c.d is the IPv4-mapped address ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2), which is also how
 * {@code ::ffff:192.0.2.1} written by a user is read. {@link IpText#parse} reads the text other software reads (IPv4 as
 * {@code inet_aton} does, IPv6 per RFC 4291), {@link #toString()} writes the dotted quad or RFC 5952 text, and
 * {@link #toInetAddress()} is the address to connect to.
 */
public record Ip128(long high, long low) implements Comparable<Ip128> {
  public static final Ip128 ZERO = new Ip128(0, 0);
  public static final Ip128 MAX = new Ip128(-1L, -1L);
  /** The ::ffff:0:0/96 prefix in the low word (RFC 4291 section 2.5.5.2). */
  private static final long V4_MAPPED = 0x0000_ffff_0000_0000L;

  public static Ip128 ofIpv4(int address) {
    return new Ip128(0, V4_MAPPED | (address & 0xffff_ffffL));
  }

  public boolean isIpv4() {
    return high == 0 && (low & 0xffff_ffff_0000_0000L) == V4_MAPPED;
  }

  @Override
  public int compareTo(Ip128 other) {
    int c = Long.compareUnsigned(high, other.high);
    return c != 0 ? c : Long.compareUnsigned(low, other.low);
  }

  /** This address plus a non-negative offset; the caller keeps the sum inside the block it came from. */
  public Ip128 plus(long offset) {
    long sum = low + offset;
    return new Ip128(Long.compareUnsigned(sum, low) < 0 ? high + 1 : high, sum);
  }

  /** The next address; undefined for {@link #MAX}, which callers check first. */
  public Ip128 next() {
    return plus(1);
  }

  public Ip128 previous() {
    return new Ip128(low == 0 ? high - 1 : high, low - 1);
  }

  /** The number of addresses from {@code first} to {@code last} inclusive, saturating at {@link Long#MAX_VALUE}. */
  public static long count(Ip128 first, Ip128 last) {
    long borrow = Long.compareUnsigned(last.low, first.low) < 0 ? 1 : 0;
    long diffHigh = last.high - first.high - borrow;
    long diffLow = last.low - first.low;
    if (diffHigh != 0 || diffLow < 0 || diffLow == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return diffLow + 1;
  }

  /** ceil(log2(number of addresses from first to last)), 0..128, for messages about sizes too large to print. */
  public static int log2Ceiling(Ip128 first, Ip128 last) {
    long borrow = Long.compareUnsigned(last.low, first.low) < 0 ? 1 : 0;
    long diffHigh = last.high - first.high - borrow;
    long diffLow = last.low - first.low;
    // count = diff + 1; bit length of diff is ceil(log2(count)) for count >= 2.
    return diffHigh != 0 ? 128 - Long.numberOfLeadingZeros(diffHigh) : 64 - Long.numberOfLeadingZeros(diffLow);
  }

  /** The block of {@code prefix} leading bits around this address, as its first and last address. */
  public Ip128 maskFirst(int prefix) {
    return new Ip128(high & maskHigh(prefix), low & maskLow(prefix));
  }

  public Ip128 maskLast(int prefix) {
    return new Ip128(high | ~maskHigh(prefix), low | ~maskLow(prefix));
  }

  private static long maskHigh(int prefix) {
    return prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
  }

  private static long maskLow(int prefix) {
    return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
  }

  /** The address as Java sees it, built from bytes: no name service is asked. */
  public InetAddress toInetAddress() {
    byte[] bytes;
    if (isIpv4()) {
      bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        bytes[i] = (byte) (low >>> (24 - 8 * i));
      }
    } else {
      bytes = new byte[16];
      for (int i = 0; i < 8; i++) {
        bytes[i] = (byte) (high >>> (56 - 8 * i));
        bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
      }
    }
    try {
      return InetAddress.getByAddress(toString(), bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  public static Ip128 of(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return ofIpv4(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (b[i] & 0xff);
      low = (low << 8) | (b[8 + i] & 0xff);
    }
    return new Ip128(high, low);
  }

  /** Dotted quad for IPv4; RFC 5952 section 4 text for IPv6: see {@link IpText#format}. */
  @Override
  public String toString() {
    return IpText.format(this);
  }
}
