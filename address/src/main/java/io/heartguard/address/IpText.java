package io.heartguard.address;

import java.util.Arrays;
import java.util.Optional;

/**
 * The text of IP addresses, read the way other software reads it and written one way. IPv4 is read exactly as glibc's
 * {@code inet_aton} reads it, so {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1} and {@code 2130706433} are all
 * 127.0.0.1, as they are to browsers, curl and the C library; reading them otherwise would let a policy judge one
 * address while a connection goes to another. IPv6 is RFC 4291 section 2.2, written as RFC 5952 section 4.
 */
public final class IpText {
  private static final String IPV4 = "IPv4 address";
  private static final String IPV6 = "IPv6 address";

  private IpText() {}

  /** An IPv4 or IPv6 literal; anything else is an {@link AddressSyntaxException}. */
  public static Ip128 parse(String text) {
    return literal(text).orElseThrow(() -> new AddressSyntaxException("address", text, true,
        "expected an IPv4 address like 192.0.2.1 or an IPv6 address like 2001:db8::1"));
  }

  /**
   * The address this text is, or empty when it has the shape of a host name. Text with a colon is IPv6; text that
   * ends in a number (WHATWG URL Standard, "ends in a number checker": the last label is decimal digits or 0x and
   * hex digits) is IPv4 and must parse as one, for no resolver would look it up as a name. Malformed addresses throw.
   */
  public static Optional<Ip128> literal(String text) {
    if (text.indexOf(':') >= 0) {
      return Optional.of(parseIpv6(text));
    }
    return endsInNumber(text) ? Optional.of(parseIpv4(text)) : Optional.empty();
  }

  /** Whether the last label (after one trailing dot) is a number: such text is an IPv4 address or nothing. */
  public static boolean endsInNumber(String text) {
    String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    String last = t.substring(t.lastIndexOf('.') + 1);
    if (last.isEmpty()) {
      return false;
    }
    if (last.chars().allMatch(IpText::isDigit)) {
      return true;
    }
    return (last.startsWith("0x") || last.startsWith("0X")) && last.chars().skip(2).allMatch(IpText::isHexDigit);
  }

  /**
   * IPv4 as glibc's {@code inet_aton} (resolv/inet_addr.c, {@code __inet_aton_exact}) reads it: one to four parts
   * separated by dots, each a C integer ({@code 0x} hex, a leading {@code 0} octal, else decimal, as {@code strtoul}
   * with base 0); every part but the last is one octet, the last fills the remaining bytes ({@code a}: 32 bits,
   * {@code a.b}: 8+24, {@code a.b.c}: 8+8+16). Unlike inet_aton, nothing may follow the address, not even blanks.
   */
  public static Ip128 parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (Arrays.asList(parts).contains("")) {
      throw new AddressSyntaxException(IPV4, text, true, "empty part before or after a dot; expected a number like 192.0.2.1");
    }
    if (parts.length > 4) {
      throw new AddressSyntaxException(IPV4, text, true, "expected at most four parts like 192.0.2.1");
    }
    long address = 0;
    for (int i = 0; i < parts.length; i++) {
      long value = cNumber(parts[i], text);
      boolean lastPart = i == parts.length - 1;
      long max = lastPart ? 0xffff_ffffL >>> (8 * i) : 0xff;
      if (value > max) {
        throw new AddressSyntaxException(IPV4, text, true, lastPart && i < 3
            ? "the last part " + AddressSyntaxException.cut(parts[i]) + " is not in 0.." + max + " (it fills the " + (4 - i) + " bytes left)"
            : "octet " + AddressSyntaxException.cut(parts[i]) + " is not in 0..255");
      }
      address = lastPart ? (address << (8 * (4 - i))) | value : (address << 8) | value;
    }
    return Ip128.ofIpv4((int) address);
  }

  /** One part of an inet_aton address, as strtoul(part, &end, 0) with nothing left over; capped past 32 bits. */
  private static long cNumber(String part, String text) {
    int radix = 10;
    int start = 0;
    if (part.length() > 1 && part.charAt(0) == '0') {
      boolean hex = part.charAt(1) == 'x' || part.charAt(1) == 'X';
      radix = hex ? 16 : 8;
      start = hex ? 2 : 1;
    }
    if (start == part.length()) {
      throw new AddressSyntaxException(IPV4, text, true, "part " + part + " has no hex digits after 0x");
    }
    long value = 0;
    for (int i = start; i < part.length(); i++) {
      int digit = Character.digit(part.charAt(i), radix);
      if (digit < 0 || part.charAt(i) > 'f') {
        String base = radix == 16 ? "a hex" : radix == 8 ? "an octal (it starts with 0)" : "a decimal";
        throw new AddressSyntaxException(IPV4, text, true, "part " + AddressSyntaxException.cut(part) + " is not " + base + " number");
      }
      value = Math.min(value * radix + digit, 1L << 33); // large enough to fail every range check, never overflows
    }
    return value;
  }

  /**
   * IPv6 text (RFC 4291 section 2.2): eight groups of one to four hex digits, one "::" for one or more zero groups,
   * and optionally the last two groups as a dotted quad (written as inet_pton writes it: four decimal octets without
   * leading zeros). Zone ids are refused: an address to check is global.
   */
  public static Ip128 parseIpv6(String text) {
    if (text.indexOf('%') >= 0) {
      throw new AddressSyntaxException(IPV6, text, true, "zone ids (%...) are not supported");
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      throw new AddressSyntaxException(IPV6, text, true, "\"::\" may appear only once");
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head, text, doubleColon < 0 || tail.isEmpty());
    int[] tailGroups = doubleColon >= 0 ? groups(tail, text, true) : new int[0];
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 && total != 8) {
      throw new AddressSyntaxException(IPV6, text, true,
          "expected 8 groups of hex digits, or \"::\" for zeros; found " + total);
    }
    if (doubleColon >= 0 && total > 7) {
      throw new AddressSyntaxException(IPV6, text, true,
          "\"::\" stands for at least one zero group, but 8 groups are given");
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

  /** Colon-separated hex groups; a dotted quad may end the address and counts as two groups. */
  private static int[] groups(String part, String text, boolean mayEndWithIpv4) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] texts = part.split(":", -1);
    int[] out = new int[texts.length + 1];
    int n = 0;
    for (int i = 0; i < texts.length; i++) {
      String g = texts[i];
      if (i == texts.length - 1 && mayEndWithIpv4 && g.indexOf('.') >= 0) {
        int v4 = dottedQuad(g, text);
        out[n++] = (v4 >>> 16) & 0xffff;
        out[n++] = v4 & 0xffff;
        continue;
      }
      if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(IpText::isHexDigit)) {
        throw new AddressSyntaxException(IPV6, text, true, "group " + AddressSyntaxException.quoted(g) + " is not 1 to 4 hex digits");
      }
      out[n++] = Integer.parseInt(g, 16);
    }
    return Arrays.copyOf(out, n);
  }

  /** RFC 4291 section 2.2 form 3 and RFC 3986's IPv4address: four decimal octets, no leading zeros. */
  private static int dottedQuad(String g, String text) {
    String[] octets = g.split("\\.", -1);
    boolean ok = octets.length == 4;
    int value = 0;
    for (int i = 0; ok && i < 4; i++) {
      String o = octets[i];
      ok = !o.isEmpty() && o.length() <= 3 && o.chars().allMatch(IpText::isDigit) && (o.length() == 1 || o.charAt(0) != '0')
          && Integer.parseInt(o) <= 255;
      value = ok ? (value << 8) | Integer.parseInt(o) : 0;
    }
    if (!ok) {
      throw new AddressSyntaxException(IPV6, text, true, AddressSyntaxException.quoted(g) + " is not a dotted quad of four decimal octets");
    }
    return value;
  }

  /** Dotted quad for IPv4; RFC 5952 section 4 for IPv6: lower case, no leading zeros, the longest run of zeros as "::". */
  public static String format(Ip128 ip) {
    long high = ip.high();
    long low = ip.low();
    if (ip.isIpv4()) {
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

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  public static boolean isHexDigit(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
