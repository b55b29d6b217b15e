package io.heartguard.targets;

import java.net.InetAddress;

/**
 * One (address, port) to check. {@code input} is the target text it came from ("10.0.0.0/8", "example.com:8443");
 * {@code host} is the name to send as SNI when the target was a name, else the address literal (RFC 5952 text for
 * IPv6); {@code address} is where to connect, or null when the name did not resolve, so the scan can report that
 * target as unresolved instead of losing it.
 */
public record ScanTarget(String input, String host, InetAddress address, int port) {
  public ScanTarget {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
    if (input == null || host == null || host.isEmpty()) {
      throw new IllegalArgumentException("a target needs its input text and a host");
    }
  }

  /** Whether {@code host} is a name (send it as SNI) rather than an address literal (RFC 6066 section 3: never SNI). */
  public boolean isName() {
    return host.indexOf(':') < 0 && !host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** host:port, with brackets around an IPv6 literal: {@code [2001:db8::1]:443}. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
