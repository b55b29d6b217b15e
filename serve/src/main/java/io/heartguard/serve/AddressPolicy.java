package io.heartguard.serve;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.Cidr;
import io.heartguard.address.Ip128;
import io.heartguard.address.IpText;
import io.heartguard.address.SpecialPurpose;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a public checker may connect to: a checker on the internet must not become a way into its own
 * network. The rule: refuse any address that other software could read as a special-purpose address
 * ({@link SpecialPurpose#REGISTRY}). Addresses reach the policy through the address grammar, which reads every form
 * inet_aton reads ({@code 0177.0.0.1} is loopback); an IPv4-mapped address is the IPv4 address it maps; NAT64 and
 * 6to4 addresses are judged by the IPv4 address they embed; IPv4-compatible, SIIT and Teredo addresses, whose
 * embedded IPv4 address a stack may reach directly, are refused whole. {@code allowed} opens chosen ranges again (a
 * lab on 127.0.0.1, an internal deployment).
 */
final class AddressPolicy {
  /** An allowed or trusted range, with the words a user sees and where it came from. */
  record Range(String cidr, String name, String rfc, Cidr block) {
    boolean contains(Ip128 address) {
      return block.contains(address);
    }

    Ip128 base() {
      return block.first();
    }
  }

  /** NAT64's well-known prefix (RFC 6052 section 2.1): the last 32 bits are an IPv4 address. */
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  /** 6to4 (RFC 3056 section 2): bits 16..47 are an IPv4 address. */
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

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
    return refusal(Ip128.of(address));
  }

  /** As {@link #refusal(InetAddress)}, for an address read by the address grammar. */
  Optional<String> refusal(Ip128 ip) {
    if (isAllowed(ip)) {
      return Optional.empty();
    }
    Optional<SpecialPurpose> direct = SpecialPurpose.lookup(ip);
    if (direct.isPresent()) {
      return Optional.of(direct.get().toString());
    }
    String carrier = NAT64.contains(ip) ? "NAT64" : SIX_TO_FOUR.contains(ip) ? "6to4" : null;
    if (carrier == null) {
      return Optional.empty();
    }
    Ip128 inner = Ip128.ofIpv4((int) (carrier.equals("NAT64") ? ip.low() : ip.high() >>> 16));
    if (isAllowed(inner)) {
      return Optional.empty();
    }
    return SpecialPurpose.lookup(inner).map(why -> why + " embedded in " + carrier);
  }

  private boolean isAllowed(Ip128 ip) {
    return allowed.stream().anyMatch(r -> r.contains(ip));
  }

  /**
   * Parses "a.b.c.d/n" or "x::y/n" (a literal alone is one address) with the address grammar, so an allow-list entry
   * means what inet_aton reads; never asks DNS.
   */
  static Range range(String cidr, String name, String rfc) {
    String quoted = "'" + AddressSyntaxException.cut(cidr) + "'";
    int slash = cidr.indexOf('/');
    String literal = slash < 0 ? cidr : cidr.substring(0, slash);
    boolean isLiteral;
    try {
      isLiteral = IpText.literal(literal).isPresent();
    } catch (AddressSyntaxException e) {
      isLiteral = false;
    }
    if (!isLiteral) {
      throw new IllegalArgumentException(quoted + " is not an address range; expected CIDR like 127.0.0.0/8 or ::1/128");
    }
    try {
      return new Range(cidr, name, rfc, Cidr.parse(cidr));
    } catch (AddressSyntaxException e) {
      throw new IllegalArgumentException(quoted + ": prefix length must be 0.." + (literal.indexOf(':') < 0 ? 32 : 128));
    }
  }
}
