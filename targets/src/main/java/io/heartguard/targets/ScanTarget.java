package io.heartguard.targets;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.HostPort;
import io.heartguard.address.IpText;
import io.heartguard.address.Port;
import java.net.InetAddress;

/**
 * One (host, port) to check, the one target type of the scan engine, the CLI, serve and the target space.
 * {@code input} is the target text it came from ("10.0.0.0/8", "example.com:8443"), kept for reports; {@code host}
 * is the name to send as SNI when the target was a name, else the address literal (RFC 5952 text for IPv6, without
 * brackets).
 *
 * @param address where to connect: the target space resolved it (a name checks each of its addresses with the name
 *     as SNI), or serve validated it. Null when there is none: the engine reports such a target as unresolved
 *     instead of losing it, and a check given one directly resolves {@code host} itself.
 */
public record ScanTarget(String input, String host, InetAddress address, int port) {
  public static final int DEFAULT_PORT = 443;

  public ScanTarget {
    Port.require(port);
    if (input == null || host == null || host.isEmpty()) {
      throw new IllegalArgumentException("a target needs its input text and a host");
    }
  }

  /** A target that names no address yet: a check resolves {@code host} when it runs. */
  public ScanTarget(String input, String host, int port) {
    this(input, host, null, port);
  }

  /** Parses one host and port; the exception's message says what was wrong, for a one-line usage error. */
  public static ScanTarget parse(String input) {
    return parse(input, DEFAULT_PORT);
  }

  /**
   * As {@link #parse(String)}, with another port for a target that names none (25 for SMTP, ...). The grammar is
   * {@link HostPort}'s: {@code host}, {@code host:port}, {@code [::1]:443}, a bare {@code ::1},
   * {@code https://host[:port][/path]}; an address literal is kept in its canonical text, so {@code 0177.0.0.1} is
   * {@code 127.0.0.1} here exactly as it is to inet_aton. A block or a range is a target space: {@link TargetSpec}.
   */
  public static ScanTarget parse(String input, int defaultPort) {
    HostPort hostPort = HostPort.parse(input, defaultPort);
    return new ScanTarget(input, hostPort.host(), hostPort.port());
  }

  /** The name to send as SNI, or null for an address literal (RFC 6066 section 3: literals are not permitted). */
  public String serverName() {
    return isName() ? host : null;
  }

  /** Whether {@code host} is a name (send it as SNI) rather than an address literal. */
  public boolean isName() {
    try {
      return IpText.literal(host).isEmpty();
    } catch (AddressSyntaxException e) {
      return true; // built from text that is no address: a name to look up, which will fail
    }
  }

  /** host:port, with brackets around an IPv6 literal: {@code [2001:db8::1]:443}. */
  public String authority() {
    return HostPort.authority(host, port);
  }
}
