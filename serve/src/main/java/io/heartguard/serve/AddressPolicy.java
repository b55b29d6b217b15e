package io.heartguard.serve;

import io.heartguard.targets.Ip128;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses a public checker may connect to. By default every special-purpose range of the IANA registries
 * (RFC 6890 and its updates) is refused: a checker on the internet must not become a way into its own network.
 * {@code allowed} opens chosen ranges again (a lab on 127.0.0.1, an internal deployment). IPv6 addresses that embed
 * an IPv4 one (IPv4-mapped, NAT64, 6to4) are judged by the embedded address too.
 */
final class AddressPolicy {
  /** A refused range, with the words a user sees and the RFC that reserves it. */
  record Range(String cidr, String name, String rfc, Ip128 base, int prefix) {
    boolean contains(Ip128 address) {
      return masked(address, prefix).equals(base);
    }
  }

  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  /**
   * Every range here is refused unless allowed; IPv4 sits at ::ffff:0:0/96 on the 128-bit line (RFC 4291 2.5.5.2).
   * The first match names the refusal, so a range comes before any range that contains it.
   */
  static final List<Range> REFUSED = List.of(
      range("0.0.0.0/8", "\"this network\" address", "RFC 791, RFC 6890"),
      range("10.0.0.0/8", "private address", "RFC 1918"),
      range("100.64.0.0/10", "shared (carrier-grade NAT) address", "RFC 6598"),
      range("127.0.0.0/8", "loopback address", "RFC 1122"),
      range("169.254.0.0/16", "link-local address", "RFC 3927"),
      range("172.16.0.0/12", "private address", "RFC 1918"),
      range("192.0.0.0/24", "IETF protocol assignment", "RFC 6890"),
      range("192.0.2.0/24", "documentation address (TEST-NET-1)", "RFC 5737"),
      range("192.168.0.0/16", "private address", "RFC 1918"),
      range("198.18.0.0/15", "benchmarking address", "RFC 2544"),
      range("198.51.100.0/24", "documentation address (TEST-NET-2)", "RFC 5737"),
      range("203.0.113.0/24", "documentation address (TEST-NET-3)", "RFC 5737"),
      range("224.0.0.0/4", "multicast address", "RFC 5771"),
      range("255.255.255.255/32", "limited broadcast address", "RFC 919"),
      range("240.0.0.0/4", "reserved address", "RFC 1112"),
      range("::/128", "unspecified address", "RFC 4291"),
      range("::1/128", "loopback address", "RFC 4291"),
      range("100::/64", "discard-only address", "RFC 6666"),
      range("2001:db8::/32", "documentation address", "RFC 3849"),
      range("fc00::/7", "unique local (private) address", "RFC 4193"),
      range("fe80::/10", "link-local address", "RFC 4291"),
      range("ff00::/8", "multicast address", "RFC 4291"));

  /** NAT64's well-known prefix (RFC 6052 section 2.1): the last 32 bits are an IPv4 address. */
  private static final Range NAT64 = range("64:ff9b::/96", "NAT64", "RFC 6052");
  /** 6to4 (RFC 3056 section 2): bits 16..47 are an IPv4 address. */
  private static final Range SIX_TO_FOUR = range("2002::/16", "6to4", "RFC 3056");

  private final List<Range> allowed;

  private AddressPolicy(List<Range> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** A policy opening {@code cidrs} (address literals with an optional /prefix); a bad one is a one-line error. */
  static AddressPolicy allowing(List<String> cidrs) {
    List<Range> open = new ArrayList<>();
    for (String cidr : cidrs) {
      open.add(range(cidr.strip(), "allowed", "--allow"));
    }
    return new AddressPolicy(open);
  }

  /** Why this address must not be connected to, as "private address (10.0.0.0/8, RFC 1918)"; empty when it may be. */
  Optional<String> refusal(InetAddress address) {
    Ip128 ip = Ip128.of(address);
    for (Range open : allowed) {
      if (open.contains(ip)) {
        return Optional.empty();
      }
    }
    Optional<String> direct = refusalOf(ip);
    if (direct.isPresent()) {
      return direct;
    }
    Ip128 embedded = null;
    if (NAT64.contains(ip)) {
      embedded = ipv4(ip.low() & 0xffff_ffffL);
    } else if (SIX_TO_FOUR.contains(ip)) {
      embedded = ipv4((ip.high() >>> 16) & 0xffff_ffffL);
    }
    if (embedded != null) {
      Ip128 inner = embedded;
      if (allowed.stream().anyMatch(r -> r.contains(inner))) {
        return Optional.empty();
      }
      return refusalOf(inner).map(why -> why + " embedded in " + (NAT64.contains(ip) ? NAT64 : SIX_TO_FOUR).name());
    }
    return Optional.empty();
  }

  private static Optional<String> refusalOf(Ip128 ip) {
    for (Range r : REFUSED) {
      if (r.contains(ip)) {
        return Optional.of(r.name() + " (" + r.cidr() + ", " + r.rfc() + ")");
      }
    }
    return Optional.empty();
  }

  private static Ip128 ipv4(long address) {
    return new Ip128(0, 0x0000_ffff_0000_0000L | address);
  }

  /** Parses "a.b.c.d/n" or "x::y/n" (a literal alone is one address); never asks DNS. */
  static Range range(String cidr, String name, String rfc) {
    int slash = cidr.indexOf('/');
    String literal = slash < 0 ? cidr : cidr.substring(0, slash);
    if (literal.isEmpty() || !LITERAL.matcher(literal).matches()) {
      throw new IllegalArgumentException("'" + cidr + "' is not an address range; expected CIDR like 127.0.0.0/8 or ::1/128");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(literal); // only digits, dots and colons: parsed, never resolved
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + cidr + "' is not an address range; expected CIDR like 127.0.0.0/8 or ::1/128");
    }
    int bits = address.getAddress().length * 8;
    int length;
    try {
      length = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0 || length > bits) {
      throw new IllegalArgumentException("'" + cidr + "': prefix length must be 0.." + bits);
    }
    int prefix = bits == 32 ? 96 + length : length;
    return new Range(cidr, name, rfc, masked(Ip128.of(address), prefix), prefix);
  }

  private static Ip128 masked(Ip128 ip, int prefix) {
    long highMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
    long lowMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    return new Ip128(ip.high() & highMask, ip.low() & lowMask);
  }
}
