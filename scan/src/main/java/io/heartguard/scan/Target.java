package io.heartguard.scan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

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

  /** RFC 1123 labels; underscores are tolerated because real internal names carry them. */
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("(?=[^%]*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

  public Target {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
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

  /** As {@link #parse(String)}, with another port for a target that names none (25 for SMTP, ...). */
  public static Target parse(String input, int defaultPort) {
    String s = input.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty target");
    }
    String authority = s;
    boolean url = false;
    int schemeEnd = s.indexOf("://");
    if (schemeEnd >= 0) {
      String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https")) {
        throw new IllegalArgumentException("'" + input + "': scheme " + scheme + ":// is not supported, only https://");
      }
      url = true;
      authority = s.substring(schemeEnd + 3);
      int pathStart = indexOfAny(authority, "/?#");
      if (pathStart >= 0) {
        authority = authority.substring(0, pathStart);
      }
      if (authority.indexOf('@') >= 0) {
        throw new IllegalArgumentException("'" + input + "': user info in a URL is not supported");
      }
    }
    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + input + "': '[' without a closing ']'");
      }
      host = authority.substring(1, close);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + input + "': expected ':port' after ']', got '" + rest + "'");
        }
        portText = rest.substring(1);
      }
      requireIpv6(input, host);
    } else {
      int colons = (int) authority.chars().filter(c -> c == ':').count();
      if (colons > 1 && !url) {
        host = authority; // a bare IPv6 literal: no port can follow without brackets
        requireIpv6(input, host);
      } else if (colons == 1) {
        int colon = authority.indexOf(':');
        host = authority.substring(0, colon);
        portText = authority.substring(colon + 1);
      } else if (colons == 0) {
        host = authority;
      } else {
        throw new IllegalArgumentException("'" + input + "': an IPv6 address in a URL needs brackets, like https://[::1]:443");
      }
      if (host.endsWith(".") && host.length() > 1) {
        host = host.substring(0, host.length() - 1); // the root label, "example.com." is example.com
      }
      if (host.indexOf(':') < 0 && !HOST_NAME.matcher(host).matches()) {
        throw new IllegalArgumentException(quoted(input, host) + " is not a host name or IP address");
      }
      if (IPV4.matcher(host).matches() && !validIpv4(host)) {
        throw new IllegalArgumentException(quoted(input, host) + " is not an IPv4 address (octets are 0..255)");
      }
    }
    return new Target(input, host, portText == null ? defaultPort : parsePort(input, portText));
  }

  /** The name to send as SNI, or null for an address literal (RFC 6066 section 3: literals are not permitted). */
  public String serverName() {
    return isAddressLiteral() ? null : host;
  }

  public boolean isAddressLiteral() {
    return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
  }

  /** host:port, with brackets around an IPv6 literal. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static int parsePort(String input, String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + input + "': port '" + text + "' is not a number in 1..65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + input + "': port " + port + " is not in 1..65535");
    }
    return port;
  }

  private static void requireIpv6(String input, String host) {
    // Only hex digits, colons and dots (and a zone after '%'): InetAddress then parses a literal and never asks DNS.
    boolean ok = IPV6_CHARS.matcher(host).matches();
    if (ok) {
      try {
        InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException("'" + input + "': '" + host + "' is not an IPv6 address");
    }
  }

  private static boolean validIpv4(String host) {
    for (String octet : host.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The host in quotes, after the whole input when that said more, so an error never repeats itself. */
  private static String quoted(String input, String host) {
    return (input.equals(host) ? "" : "'" + input + "': ") + "'" + host + "'";
  }
}
