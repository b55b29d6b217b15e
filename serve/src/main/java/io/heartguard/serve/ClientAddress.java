package io.heartguard.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * Who a request comes from, for the per-client rate limit. The connecting address, unless it is one of the
 * operator's trusted reverse proxies: then the X-Forwarded-For entries are read from the right (each proxy appends
 * the address it saw) and the first one not itself a trusted proxy is the client. Anything left of that is what the
 * client claimed and is ignored, so a client cannot pick its own bucket.
 */
final class ClientAddress {
  private final List<AddressPolicy.Range> proxies;

  ClientAddress(List<String> trustedProxies) {
    List<AddressPolicy.Range> ranges = new ArrayList<>();
    for (String cidr : trustedProxies) {
      ranges.add(AddressPolicy.range(cidr.strip(), "trusted proxy", "--trust-proxy"));
    }
    this.proxies = List.copyOf(ranges);
  }

  /** The client's address text given the connecting address and the X-Forwarded-For header (or null). */
  String of(String connecting, String forwardedFor) {
    String remote = connecting.startsWith("[") && connecting.endsWith("]")
        ? connecting.substring(1, connecting.length() - 1) : connecting;
    if (proxies.isEmpty() || forwardedFor == null || !trusted(remote)) {
      return remote;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (!literal(hop)) {
        return remote; // a hop we cannot read: do not guess further left
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return remote;
  }

  private boolean trusted(String address) {
    if (!literal(address)) {
      return false;
    }
    AddressPolicy.Range one = AddressPolicy.range(address, "", "");
    return proxies.stream().anyMatch(p -> p.contains(one.base()));
  }

  private static boolean literal(String s) {
    try {
      AddressPolicy.range(s, "", "");
      return s.indexOf('/') < 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
