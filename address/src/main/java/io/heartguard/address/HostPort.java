package io.heartguard.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host and a port as every command reads them: {@code host}, {@code host:port}, {@code 192.0.2.1:8443},
 * {@code [2001:db8::1]:443}, a bare {@code 2001:db8::1} when a default port applies, and
 * {@code https://host[:port][/path]} (port 443 when the URL names none, RFC 9110 section 4.2.2).
 *
 * @param host canonical: an address literal as {@link IpText#format} writes it (so {@code 0177.0.0.1} is
 *     {@code 127.0.0.1}), or a host name in lower case without the root's trailing dot
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
  /** RFC 1123 section 2.1 labels; underscores are tolerated because real internal names carry them. */
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final int NO_DEFAULT = -1;
  private static final int HTTPS = 443;

  public HostPort {
    Port.require(port);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
  }

  /** host:port, the port required. */
  public static HostPort parse(String text) {
    return parse(text, NO_DEFAULT);
  }

  /** As {@link #parse(String)}, with {@code defaultPort} for text that names none. */
  public static HostPort parse(String text, int defaultPort) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new AddressSyntaxException("host:port", s, true, "empty; expected a host name or IP address");
    }
    String authority = s;
    boolean url = false;
    int schemeEnd = s.indexOf("://");
    if (schemeEnd >= 0) {
      String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https")) {
        throw new AddressSyntaxException("URL scheme", s.substring(0, schemeEnd + 3), true,
            "expected https://host[:port][/path]");
      }
      url = true;
      defaultPort = HTTPS;
      authority = s.substring(schemeEnd + 3);
      for (int i = 0; i < authority.length(); i++) {
        if ("/?#".indexOf(authority.charAt(i)) >= 0) {
          authority = authority.substring(0, i);
          break;
        }
      }
      if (authority.indexOf('@') >= 0) {
        throw new AddressSyntaxException("URL", s, true, "user info (user@) is not supported");
      }
    }
    String hostText;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new AddressSyntaxException("host:port", s, true, "'[' without a closing ']'");
      }
      hostText = authority.substring(1, close);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new AddressSyntaxException("host:port", s, true,
              "expected ':port' after ']', found " + AddressSyntaxException.quoted(rest));
        }
        portText = rest.substring(1);
      }
      if (hostText.indexOf(':') < 0) {
        throw new AddressSyntaxException("host:port", s, true,
            "brackets hold an IPv6 address, found " + AddressSyntaxException.quoted(hostText));
      }
    } else {
      int colon = authority.indexOf(':');
      boolean bareIpv6 = colon >= 0 && authority.indexOf(':', colon + 1) >= 0;
      if (bareIpv6 && (url || defaultPort == NO_DEFAULT)) {
        throw new AddressSyntaxException("host:port", s, true, url
            ? "an IPv6 address in a URL needs brackets, like https://[2001:db8::1]:8443/"
            : "write an IPv6 address with its port as [2001:db8::1]:443");
      }
      hostText = bareIpv6 || colon < 0 ? authority : authority.substring(0, colon);
      portText = bareIpv6 || colon < 0 ? null : authority.substring(colon + 1);
    }
    int port;
    try {
      port = portText != null ? Port.parse(portText) : defaultPort;
    } catch (AddressSyntaxException e) {
      throw e.within(s);
    }
    if (port == NO_DEFAULT) {
      throw new AddressSyntaxException("host:port", s, true, "no port; expected HOST:PORT or [IPv6]:PORT");
    }
    String host;
    try {
      host = host(hostText);
    } catch (AddressSyntaxException e) {
      throw e.within(s);
    }
    return new HostPort(host, port);
  }

  /**
   * A host alone, canonical: an address literal (inet_aton's IPv4, RFC 4291 IPv6) as {@link IpText#format} writes it,
   * or a host name in lower case without a trailing dot. Anything else is an {@link AddressSyntaxException}.
   */
  public static String host(String text) {
    if (text.isEmpty()) {
      throw new AddressSyntaxException("host", text, true, "expected a host name or IP address");
    }
    Optional<Ip128> literal = IpText.literal(text);
    if (literal.isPresent()) {
      return literal.get().toString();
    }
    String name = text.toLowerCase(Locale.ROOT);
    if (name.endsWith(".") && name.length() > 1) {
      name = name.substring(0, name.length() - 1); // the root label: "example.com." is example.com
    }
    if (!HOST_NAME.matcher(name).matches()) {
      throw new AddressSyntaxException("host", text, true, "expected a host name or IP address");
    }
    return name;
  }

  /**
   * A listening address, {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code :PORT} (loopback, never all interfaces:
   * a test server must not reach the network by accident). Port 0 asks the system for a free port. A name is looked
   * up; a literal never is.
   */
  public static InetSocketAddress parseListen(String text) {
    String s = text.strip();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new AddressSyntaxException("listen address", s, true, "no port; expected HOST:PORT, [IPv6]:PORT or :PORT");
    }
    String portText = s.substring(colon + 1);
    int port;
    try {
      port = portText.equals("0") ? 0 : Port.parse(portText);
    } catch (AddressSyntaxException e) {
      throw e.within(s);
    }
    if (colon == 0) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
    HostPort hp = parse(s.substring(0, colon) + ":" + (port == 0 ? 1 : port));
    try {
      Optional<Ip128> literal = hp.address();
      InetAddress address = literal.isPresent() ? literal.get().toInetAddress() : InetAddress.getByName(hp.host());
      return new InetSocketAddress(address, port);
    } catch (UnknownHostException e) {
      throw new AddressSyntaxException("listen address", s, true, "host " + hp.host() + " does not resolve");
    }
  }

  /** The address when the host is a literal; empty for a name. */
  public Optional<Ip128> address() {
    return IpText.literal(host);
  }

  /** host:port, with brackets around an IPv6 literal: {@code [2001:db8::1]:443}. */
  public String authority() {
    return authority(host, port);
  }

  /** host:port for any host text, with brackets around an IPv6 literal (RFC 3986 section 3.2.2). */
  public static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
