package io.heartguard.targets;

import io.heartguard.address.Ip128;
import java.util.OptionalInt;

/**
 * One target as the user wrote it: a block of addresses (one address, a CIDR block or a range) or a host name,
 * either with the port the user wrote after it, if any. {@code input} keeps the text for reports. The syntax is
 * described in docs/TARGETS.md.
 */
public sealed interface TargetSpec permits TargetSpec.Block, TargetSpec.Name {
  String input();

  /** The port written on the target ({@code host:8443}, {@code https://host/}); absent means the scan's port list. */
  OptionalInt port();

  /** Addresses {@code first..last} inclusive, never resolved: a literal, a CIDR block or a range. */
  record Block(String input, Ip128 first, Ip128 last, OptionalInt port) implements TargetSpec {
    public Block {
      if (first.compareTo(last) > 0 || first.isIpv4() != last.isIpv4()) {
        throw new IllegalArgumentException(first + "-" + last + " is not a block of one family");
      }
    }

    /** How many addresses, saturating at {@link Long#MAX_VALUE}. */
    public long addressCount() {
      return Ip128.count(first, last);
    }

    public boolean isIpv4() {
      return first.isIpv4();
    }
  }

  /** A host name, resolved only when the walk reaches it; kept in lower case without a trailing root dot. */
  record Name(String input, String name, OptionalInt port) implements TargetSpec {}

  /**
   * Parses one target: {@code 192.0.2.1}, {@code 2001:db8::1}, {@code 10.0.0.0/8}, {@code 2001:db8::/120},
   * {@code 192.0.2.1-192.0.2.50}, {@code 192.0.2.1-50}, {@code example.com}, any of these but IPv6 followed by
   * {@code :port}, IPv6 forms in brackets followed by {@code :port} ({@code [2001:db8::1]:8443}), and
   * {@code https://host[:port][/path]} (port 443 when the URL names none).
   */
  static TargetSpec parse(String text) throws TargetSyntaxException {
    return TargetParser.target(text);
  }

  /**
   * Parses an exclusion: an address, CIDR block or range, never a name (exclusions are applied without asking the
   * name service) and never a port (an exclusion removes the address on every port).
   */
  static Block parseExclusion(String text) throws TargetSyntaxException {
    return TargetParser.exclusion(text);
  }
}
