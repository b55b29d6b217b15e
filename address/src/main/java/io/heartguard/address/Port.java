package io.heartguard.address;

/**
 * A TCP or UDP port to reach: 1..65535. Port 0 is refused everywhere a peer is named (RFC 6335 section 6 reserves it;
 * no server listens there); only a listening socket may ask for it, as "any free port" ({@link HostPort#parseListen}).
 */
public final class Port {
  public static final int MIN = 1;
  public static final int MAX = 65535;

  private Port() {}

  /** A port number in decimal digits, 1..65535. */
  public static int parse(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(IpText::isDigit)) {
      throw new AddressSyntaxException("port", text, true, "expected a number " + MIN + ".." + MAX);
    }
    return require(Integer.parseInt(text));
  }

  /** The port, or an {@link AddressSyntaxException} naming the rule. */
  public static int require(int port) {
    if (port < MIN || port > MAX) {
      throw new AddressSyntaxException("port", String.valueOf(port), false, "ports are " + MIN + ".." + MAX);
    }
    return port;
  }
}
