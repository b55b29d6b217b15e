package io.heartguard.address;

import java.util.List;
import java.util.Optional;

/**
 * The special-purpose addresses: the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its
 * updates) entry by entry, plus multicast and the deprecated forms that software may still route inside a network.
 * A public checker refuses them (serve's address policy) and a large scan leaves them out (zmap's default blocklist
 * is the IPv4 half of this list), so both read one list.
 *
 * @param name what a user is told: "private address", "loopback address"
 * @param rfc the document that reserves the range
 */
public record SpecialPurpose(Cidr range, String name, String rfc) {
  /** In lookup order: a range comes before any range that contains it, so the first match is the most specific. */
  public static final List<SpecialPurpose> REGISTRY = List.of(
      of("0.0.0.0/8", "\"this network\" address", "RFC 791, RFC 6890"),
      of("10.0.0.0/8", "private address", "RFC 1918"),
      of("100.64.0.0/10", "shared (carrier-grade NAT) address", "RFC 6598"),
      of("127.0.0.0/8", "loopback address", "RFC 1122"),
      of("169.254.0.0/16", "link-local address", "RFC 3927"),
      of("172.16.0.0/12", "private address", "RFC 1918"),
      of("192.0.0.0/24", "IETF protocol assignment", "RFC 6890"),
      of("192.0.2.0/24", "documentation address (TEST-NET-1)", "RFC 5737"),
      of("192.31.196.0/24", "AS112 DNS sink address", "RFC 7535"),
      of("192.52.193.0/24", "AMT relay address", "RFC 7450"),
      of("192.88.99.0/24", "deprecated 6to4 relay anycast address", "RFC 7526"),
      of("192.168.0.0/16", "private address", "RFC 1918"),
      of("192.175.48.0/24", "AS112 DNS sink address", "RFC 7534"),
      of("198.18.0.0/15", "benchmarking address", "RFC 2544"),
      of("198.51.100.0/24", "documentation address (TEST-NET-2)", "RFC 5737"),
      of("203.0.113.0/24", "documentation address (TEST-NET-3)", "RFC 5737"),
      of("224.0.0.0/4", "multicast address", "RFC 5771"),
      of("255.255.255.255/32", "limited broadcast address", "RFC 919"),
      of("240.0.0.0/4", "reserved address", "RFC 1112"),
      of("::/128", "unspecified address", "RFC 4291"),
      of("::1/128", "loopback address", "RFC 4291"),
      // RFC 4291 section 2.5.5.1: deprecated; a stack that still reads it tunnels to the embedded IPv4 address.
      of("::/96", "IPv4-compatible address", "RFC 4291"),
      // RFC 2765 section 2.1 (SIIT): ::ffff:0:a.b.c.d is translated to a.b.c.d.
      of("::ffff:0:0:0/96", "IPv4-translated (SIIT) address", "RFC 2765"),
      of("64:ff9b:1::/48", "local-use IPv4/IPv6 translation address", "RFC 8215"),
      of("100::/64", "discard-only address", "RFC 6666"),
      of("100:0:0:1::/64", "dummy IPv6 prefix", "RFC 9780"),
      // Teredo (RFC 4380 section 4) carries its server's and, inverted, its client's IPv4 address: refused whole.
      of("2001::/32", "Teredo address", "RFC 4380"),
      of("2001::/23", "IETF protocol assignment", "RFC 2928"),
      of("2001:db8::/32", "documentation address", "RFC 3849"),
      of("2620:4f:8000::/48", "AS112 DNS sink address", "RFC 7534"),
      of("3fff::/20", "documentation address", "RFC 9637"),
      of("5f00::/16", "SRv6 SID", "RFC 9602"),
      of("fc00::/7", "unique local (private) address", "RFC 4193"),
      of("fe80::/10", "link-local address", "RFC 4291"),
      of("fec0::/10", "deprecated site-local address", "RFC 3879"),
      of("ff00::/8", "multicast address", "RFC 4291"));

  private static SpecialPurpose of(String cidr, String name, String rfc) {
    return new SpecialPurpose(Cidr.parse(cidr), name, rfc);
  }

  /** The most specific entry holding this address, or empty for a global unicast address. */
  public static Optional<SpecialPurpose> lookup(Ip128 address) {
    for (SpecialPurpose s : REGISTRY) {
      if (s.range().contains(address)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** "private address (10.0.0.0/8, RFC 1918)". */
  @Override
  public String toString() {
    return name + " (" + range + ", " + rfc + ")";
  }
}
