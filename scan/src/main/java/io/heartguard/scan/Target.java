package io.heartguard.scan;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.HostPort;
import io.heartguard.address.IpText;
import io.heartguard.address.Port;
import java.net.InetAddress;

/**
 * One server to check, as the user wrote it ({@code input}) and as parsed: a host name or address literal (IPv6
 * without its brackets) and a port. Accepts {@code host}, {@code host:port}, {@code 192.0.2.1:8443},
 * {@code [::1]:443}, a bare {@code ::1}, and {@code https://host[:port][/path]}; the port defaults to 443.
 *
 * @param address where to connect when the target space already resolved it (a name checks each of its addresses
 *     with the name as SNI), or null to resolve {@code host} at check time
 */
public record Target(String input, String host, int port, InetAddress address) {
  public static final int DEFAULT_PORT = 443;

  public Target {
    Port.require(port);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
  }

  /** A target resolved at check time. */
  public Target(String input, String host, int port) {
    this(input, host, port, null);
  }

  /** Parses a target string; the exception's message says what was wrong, for a one-line usage error. */
  public static Target parse(String input) {
    return parse(input, DEFAULT_PORT);
  }

  /**
   * As {@link #parse(String)}, with another port for a target that names none (25 for SMTP, ...). The grammar is
   * {@link HostPort}'s: an address literal is kept in its canonical text, so {@code 0177.0.0.1} is {@code 127.0.0.1}
   * here exactly as it is to inet_aton, never 177.0.0.1 as Java's own parser would read it.
   */
  public static Target parse(String input, int defaultPort) {
    HostPort hostPort = HostPort.parse(input, defaultPort);
    return new Target(input, hostPort.host(), hostPort.port());
  }

  /** The name to send as SNI, or null for an address literal (RFC 6066 section 3: literals are not permitted). */
  public String serverName() {
    return isAddressLiteral() ? null : host;
  }

  public boolean isAddressLiteral() {
    try {
      return IpText.literal(host).isPresent();
    } catch (AddressSyntaxException e) {
      return false; // built from text that is no address: a name to look up, which will fail
    }
  }

  /** host:port, with brackets around an IPv6 literal. */
  public String authority() {
    return HostPort.authority(host, port);
  }
}
