package io.heartguard.targets;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.Cidr;
import io.heartguard.address.HostPort;
import io.heartguard.address.Ip128;
import io.heartguard.address.IpText;
import io.heartguard.targets.TargetSpec.Block;
import io.heartguard.targets.TargetSpec.Name;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** The grammar of docs/TARGETS.md, behind {@link TargetSpec#parse} and {@link TargetSpec#parseExclusion}. */
final class TargetParser {
  private static final String EXPECTED_TARGET =
      "expected a host name, an IP address, a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50";

  /** nmap's per-octet ranges and lists (192.168.0-255.1-254, 10.0.0.1,2), which this grammar leaves out. */
  private static final Pattern OCTET_RANGES = Pattern.compile("[0-9]+(\\.[0-9,\\-]+){3}");

  private TargetParser() {}

  /** One target; the forms are listed on {@link TargetSpec#parse}. */
  static TargetSpec target(String text) throws TargetSyntaxException {
    String input = text.strip();
    if (input.isEmpty()) {
      throw new TargetSyntaxException("empty target: " + EXPECTED_TARGET);
    }
    int schemeEnd = input.indexOf("://");
    if (schemeEnd >= 0) {
      return parseUrl(input, schemeEnd);
    }
    if (input.startsWith("[")) {
      return parseBracketed(input, input);
    }
    int colons = (int) input.chars().filter(c -> c == ':').count();
    if (colons >= 2) {
      return parseHost(input, input, OptionalInt.empty()); // bare IPv6: no port can follow without brackets
    }
    if (colons == 1) {
      int colon = input.indexOf(':');
      String portText = input.substring(colon + 1);
      if (portText.isEmpty()) {
        throw new TargetSyntaxException("missing port after ':' in " + AddressSyntaxException.quoted(input) + ": expected a number 1..65535");
      }
      return parseHost(input.substring(0, colon), input, OptionalInt.of(PortList.port(portText, input)));
    }
    return parseHost(input, input, OptionalInt.empty());
  }

  /** One exclusion; see {@link TargetSpec#parseExclusion}. */
  static Block exclusion(String text) throws TargetSyntaxException {
    String input = text.strip();
    if (input.isEmpty()) {
      throw new TargetSyntaxException("empty exclusion: expected an address, a CIDR block or a range");
    }
    if (input.contains("://")) {
      throw new TargetSyntaxException(
          "bad exclusion " + AddressSyntaxException.quoted(input) + ": expected an address, a CIDR block or a range, not a URL");
    }
    TargetSpec spec = target(input);
    if (spec instanceof Name) {
      throw new TargetSyntaxException("bad exclusion " + AddressSyntaxException.quoted(input)
          + ": expected an address, a CIDR block or a range, not a host name");
    }
    if (spec.port().isPresent()) {
      throw new TargetSyntaxException("bad exclusion " + AddressSyntaxException.quoted(input)
          + ": exclusions take no port, they remove an address on every port");
    }
    return (Block) spec;
  }

  private static TargetSpec parseUrl(String input, int schemeEnd) throws TargetSyntaxException {
    String scheme = input.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")) {
      throw new TargetSyntaxException("bad URL scheme " + AddressSyntaxException.quoted(input.substring(0, schemeEnd + 3)) + " in " + AddressSyntaxException.quoted(input)
          + ": expected https://host[:port][/path]");
    }
    String authority = input.substring(schemeEnd + 3);
    for (int i = 0; i < authority.length(); i++) {
      if ("/?#".indexOf(authority.charAt(i)) >= 0) {
        authority = authority.substring(0, i);
        break;
      }
    }
    if (authority.indexOf('@') >= 0) {
      throw new TargetSyntaxException("bad URL " + AddressSyntaxException.quoted(input) + ": user info (user@) is not supported");
    }
    TargetSpec spec;
    if (authority.startsWith("[")) {
      spec = parseBracketed(authority, input);
    } else {
      int colon = authority.indexOf(':');
      if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
        throw new TargetSyntaxException("bad URL " + AddressSyntaxException.quoted(input) + ": an IPv6 address in a URL needs brackets, like https://[2001:db8::1]:8443/");
      }
      OptionalInt port = OptionalInt.empty();
      if (colon >= 0) {
        port = OptionalInt.of(PortList.port(authority.substring(colon + 1), input));
        authority = authority.substring(0, colon);
      }
      spec = parseHost(authority, input, port);
    }
    if (spec instanceof Block b && !b.first().equals(b.last())) {
      throw new TargetSyntaxException("bad URL " + AddressSyntaxException.quoted(input) + ": a URL names one host, not a block or range");
    }
    // RFC 9110 section 4.2.2: an https URI without a port means port 443, whatever -p says.
    return spec.port().isPresent() ? spec : withPort(spec, 443);
  }

  private static TargetSpec withPort(TargetSpec spec, int port) {
    return switch (spec) {
      case Block b -> new Block(b.input(), b.first(), b.last(), OptionalInt.of(port));
      case Name n -> new Name(n.input(), n.name(), OptionalInt.of(port));
    };
  }

  /** {@code [IPv6 form]} optionally followed by {@code :port}. */
  private static TargetSpec parseBracketed(String text, String input) throws TargetSyntaxException {
    int close = text.indexOf(']');
    if (close < 0) {
      throw new TargetSyntaxException("bad target " + AddressSyntaxException.quoted(input) + ": '[' without a closing ']'");
    }
    String inner = text.substring(1, close);
    String rest = text.substring(close + 1);
    OptionalInt port = OptionalInt.empty();
    if (!rest.isEmpty()) {
      if (!rest.startsWith(":")) {
        throw new TargetSyntaxException(
            "bad target " + AddressSyntaxException.quoted(input) + ": expected ':port' after ']', found " + AddressSyntaxException.quoted(rest));
      }
      port = OptionalInt.of(PortList.port(rest.substring(1), input));
    }
    if (inner.indexOf(':') < 0) {
      throw new TargetSyntaxException(
          "bad target " + AddressSyntaxException.quoted(input) + ": brackets hold an IPv6 address, block or range, found " + AddressSyntaxException.quoted(inner));
    }
    return parseHost(inner, input, port);
  }

  /** An address, CIDR block, range or name, with its port already split off. */
  private static TargetSpec parseHost(String host, String input, OptionalInt port) throws TargetSyntaxException {
    if (host.isEmpty()) {
      throw new TargetSyntaxException("missing host in " + AddressSyntaxException.quoted(input) + ": " + EXPECTED_TARGET);
    }
    // Before ranges: inet_aton would read 192.168.0-255.1 as the range 192.168.0.0-255.0.0.1.
    if (OCTET_RANGES.matcher(host).matches()
        && (host.indexOf(',') >= 0 || host.substring(0, host.lastIndexOf('.')).indexOf('-') >= 0)) {
      throw new TargetSyntaxException("bad target " + quoted(host, input)
          + ": nmap octet ranges are not supported, expected a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50");
    }
    if (host.indexOf('/') >= 0) {
      return parseCidr(host, input, port);
    }
    int dash = host.indexOf('-');
    if (dash >= 0 && looksNumeric(host.substring(0, dash))) {
      return parseRange(host, dash, addressOrNull(host.substring(0, dash), input), input, port);
    }
    Ip128 address = addressOrNull(host, input);
    if (address != null) {
      return new Block(input, address, address, port);
    }
    try {
      return new Name(input, HostPort.host(host), port);
    } catch (AddressSyntaxException e) {
      throw new TargetSyntaxException("bad target " + quoted(host, input) + ": " + EXPECTED_TARGET);
    }
  }

  /**
   * IPv6 text, or dotted text that ends in a number (an IPv4 address in an inet_aton form): the left side of a range.
   * A bare number is not, so that 1-800-flowers.example stays a name.
   */
  private static boolean looksNumeric(String text) {
    return text.indexOf(':') >= 0 || (text.indexOf('.') >= 0 && IpText.endsInNumber(text));
  }

  /** An IPv4 or IPv6 literal, or null when the text has the shape of a name (see {@link IpText#literal}). */
  private static Ip128 addressOrNull(String text, String input) throws TargetSyntaxException {
    try {
      return IpText.literal(text).orElse(null);
    } catch (AddressSyntaxException e) {
      throw new TargetSyntaxException(e.in(input));
    }
  }

  /** "x" alone when x is the whole input, else "x" in "input", so a message names the bad part and its context. */
  static String quoted(String token, String input) {
    return token.equals(input) ? AddressSyntaxException.quoted(token)
        : AddressSyntaxException.quoted(token) + " in " + AddressSyntaxException.quoted(input);
  }

  /** A CIDR block in the address grammar ({@link Cidr#parse}); its messages name {@code input}. */
  private static Block parseCidr(String host, String input, OptionalInt port) throws TargetSyntaxException {
    try {
      Cidr block = Cidr.parse(host);
      return new Block(input, block.first(), block.last(), port);
    } catch (AddressSyntaxException e) {
      throw new TargetSyntaxException(e.in(input));
    }
  }

  private static Block parseRange(String host, int dash, Ip128 first, String input, OptionalInt port)
      throws TargetSyntaxException {
    String endText = host.substring(dash + 1);
    boolean v4 = host.substring(0, dash).indexOf(':') < 0;
    Ip128 last;
    if (v4 && !endText.isEmpty() && endText.length() <= 3 && endText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int octet = Integer.parseInt(endText); // the short form 192.0.2.1-50 sets the last octet
      if (octet > 255) {
        throw new TargetSyntaxException(
            "bad range end " + endText + " in " + AddressSyntaxException.quoted(input) + ": a last octet is 0..255");
      }
      last = new Ip128(first.high(), (first.low() & ~0xffL) | octet);
    } else if (!v4 && !endText.isEmpty() && endText.length() <= 4 && endText.chars().allMatch(IpText::isHexDigit)) {
      last = new Ip128(first.high(), (first.low() & ~0xffffL) | Integer.parseInt(endText, 16));
    } else {
      last = endText.isEmpty() ? null : addressOrNull(endText, input);
      if (last == null) {
        throw new TargetSyntaxException("bad range end " + quoted(endText, input) + ": expected "
            + (v4 ? "an IPv4 address or a last octet 0..255" : "an IPv6 address or a last group of 1 to 4 hex digits"));
      }
      if (last.isIpv4() != first.isIpv4()) {
        throw new TargetSyntaxException(
            "bad range " + AddressSyntaxException.quoted(host) + ": both ends must be IPv4 or both IPv6");
      }
    }
    if (first.compareTo(last) > 0) {
      throw new TargetSyntaxException("bad range " + quoted(host, input)
          + ": the first address is larger than the last");
    }
    return new Block(input, first, last, port);
  }
}
