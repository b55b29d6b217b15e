package io.heartguard.targets;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address as an unsigned 128-bit number, so IPv4 and IPv6 share one number line and one interval arithmetic:
 * an IPv4 address a.b.c.d is the IPv4-mapped address ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2), which is also how
 * {@code ::ffff:192.0.2.1} written by a user is read. The ends of a {@link TargetSpec.Block}; {@link #toString()}
 * is the dotted quad or RFC 5952 text, {@link #toInetAddress()} the address to connect to.
 */
public record Ip128(long high, long low) implements Comparable<Ip128> {
  static final Ip128 ZERO = new Ip128(0, 0);
  static final Ip128 MAX = new Ip128(-1L, -1L);
  /** The ::ffff:0:0/96 prefix in the low word (RFC 4291 section 2.5.5.2). */
  private static final long V4_MAPPED = 0x0000_ffff_0000_0000L;

  static Ip128 ofIpv4(int address) {
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
  Ip128 plus(long offset) {
    long sum = low + offset;
    return new Ip128(Long.compareUnsigned(sum, low) < 0 ? high + 1 : high, sum);
  }

  /** The next address; undefined for {@link #MAX}, which callers check first. */
  Ip128 next() {
    return plus(1);
  }

  Ip128 previous() {
    return new Ip128(low == 0 ? high - 1 : high, low - 1);
  }

  /** The number of addresses from {@code first} to {@code last} inclusive, saturating at {@link Long#MAX_VALUE}. */
  static long count(Ip128 first, Ip128 last) {
    long borrow = Long.compareUnsigned(last.low, first.low) < 0 ? 1 : 0;
    long diffHigh = last.high - first.high - borrow;
    long diffLow = last.low - first.low;
    if (diffHigh != 0 || diffLow < 0 || diffLow == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return diffLow + 1;
  }

  /** ceil(log2(number of addresses from first to last)), 0..128, for messages about sizes too large to print. */
  static int log2Ceiling(Ip128 first, Ip128 last) {
    long borrow = Long.compareUnsigned(last.low, first.low) < 0 ? 1 : 0;
    long diffHigh = last.high - first.high - borrow;
    long diffLow = last.low - first.low;
    // count = diff + 1; bit length of diff is ceil(log2(count)) for count >= 2.
    return diffHigh != 0 ? 128 - Long.numberOfLeadingZeros(diffHigh) : 64 - Long.numberOfLeadingZeros(diffLow);
  }

  /** The block of {@code prefix} leading bits around this address, as its first and last address. */
  Ip128 maskFirst(int prefix) {
    return new Ip128(high & maskHigh(prefix), low & maskLow(prefix));
  }

  Ip128 maskLast(int prefix) {
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

  /** Dotted quad for IPv4; RFC 5952 section 4 text for IPv6 (lower case, longest zero run as "::"). */
  @Override
  public String toString() {
    if (isIpv4()) {
      return ((low >>> 24) & 0xff) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
      groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
    }
    // RFC 5952 section 4.2.2/4.2.3: shorten the longest run of two or more zero groups, the first one on a tie.
    int bestStart = -1;
    int bestLength = 1;
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
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }

  /**
   * Parses an IPv4 dotted quad, or returns null when the text is not shaped like one (not only digits and dots) so
   * the caller can try other forms.
   */
  static Ip128 parseIpv4(String text, String input) throws TargetSyntaxException {
    if (text.isEmpty() || !text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return null;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new TargetSyntaxException(
          "bad IPv4 address " + quoted(text, input) + ": expected four decimal octets like 192.0.2.1");
    }
    int address = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3) {
        throw new TargetSyntaxException(
            "bad IPv4 address " + quoted(text, input) + ": expected four decimal octets like 192.0.2.1");
      }
      if (part.length() > 1 && part.charAt(0) == '0') {
        // inet_aton reads 010 as octal 8, other tools as decimal 10: refuse rather than guess.
        throw new TargetSyntaxException("bad IPv4 address " + quoted(text, input)
            + ": octet " + part + " has a leading zero, which some tools read as octal");
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new TargetSyntaxException(
            "bad IPv4 address " + quoted(text, input) + ": octet " + octet + " is not in 0..255");
      }
      address = (address << 8) | octet;
    }
    return ofIpv4(address);
  }

  /** Parses IPv6 text (RFC 4291 section 2.2: hex groups, one "::", an optional dotted-quad tail). */
  static Ip128 parseIpv6(String text, String input) throws TargetSyntaxException {
    String expected = "bad IPv6 address " + quoted(text, input) + ": ";
    if (text.indexOf('%') >= 0) {
      throw new TargetSyntaxException(expected + "zone ids (%...) are not supported");
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      throw new TargetSyntaxException(expected + "\"::\" may appear only once");
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head, expected, doubleColon < 0 || tail.isEmpty());
    int[] tailGroups = doubleColon >= 0 ? groups(tail, expected, true) : new int[0];
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 && total != 8) {
      throw new TargetSyntaxException(expected + "expected 8 groups of hex digits, or \"::\" for zeros; found " + total);
    }
    if (doubleColon >= 0 && total > 7) {
      throw new TargetSyntaxException(expected + "\"::\" stands for at least one zero group, but 8 groups are given");
    }
    int[] all = new int[8];
    System.arraycopy(headGroups, 0, all, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
    long high = 0;
    long low = 0;
    for (int i = 0; i < 4; i++) {
      high = (high << 16) | all[i];
      low = (low << 16) | all[4 + i];
    }
    return new Ip128(high, low);
  }

  /** Splits colon-separated hex groups; a dotted quad may end the address and counts as two groups. */
  private static int[] groups(String part, String expected, boolean mayEndWithIpv4) throws TargetSyntaxException {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] texts = part.split(":", -1);
    int[] out = new int[texts.length + 1];
    int n = 0;
    for (int i = 0; i < texts.length; i++) {
      String g = texts[i];
      if (i == texts.length - 1 && mayEndWithIpv4 && g.indexOf('.') >= 0) {
        Ip128 v4 = parseIpv4(g, g);
        if (v4 == null) {
          throw new TargetSyntaxException(expected + "\"" + g + "\" is not a dotted quad");
        }
        out[n++] = (int) (v4.low >>> 16) & 0xffff;
        out[n++] = (int) v4.low & 0xffff;
        continue;
      }
      if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(Ip128::isHexDigit)) {
        throw new TargetSyntaxException(expected + "group \"" + g + "\" is not 1 to 4 hex digits");
      }
      out[n++] = Integer.parseInt(g, 16);
    }
    return java.util.Arrays.copyOf(out, n);
  }

  static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** "x" alone when x is the whole input, else "x" in "input", so a message names the bad part and its context. */
  static String quoted(String token, String input) {
    return token.equals(input) ? "\"" + token + "\"" : "\"" + token + "\" in \"" + input + "\"";
  }
}
