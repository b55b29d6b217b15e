package io.heartguard.address;

/**
 * A CIDR block on the 128-bit line of {@link Ip128}: {@code 10.0.0.0/8} is {@code ::ffff:10.0.0.0/104}. Host bits
 * are cleared, as nmap and the kernel do: {@code 192.0.2.7/24} is {@code 192.0.2.0/24}.
 *
 * @param first the first address
 * @param prefix the number of leading bits fixed, 0..128 (96..128 for an IPv4 block)
 */
public record Cidr(Ip128 first, int prefix) {
  public Cidr {
    if (prefix < 0 || prefix > 128 || (first.isIpv4() && prefix < 96)) {
      throw new IllegalArgumentException("prefix " + prefix + " does not fit " + first);
    }
    first = first.maskFirst(prefix);
  }

  /**
   * {@code address[/length]}: the address in the grammar of {@link IpText#literal} and, for IPv4 text, a length of
   * 0..32, for IPv6 text 0..128; an address alone is one address. Host bits are ignored, as nmap does.
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    Ip128 address;
    try {
      address = IpText.literal(literal).orElseThrow(() -> new AddressSyntaxException("CIDR block", text, true,
          "expected an IP address before the '/', like 10.0.0.0/8 or 2001:db8::/120"));
    } catch (AddressSyntaxException e) {
      throw e.within(text);
    }
    boolean v4 = literal.indexOf(':') < 0;
    int bits = v4 ? 32 : 128;
    String family = v4 ? "IPv4" : "IPv6";
    String lengthText = slash < 0 ? String.valueOf(bits) : text.substring(slash + 1);
    String token = "/" + AddressSyntaxException.cut(lengthText);
    if (lengthText.isEmpty() || lengthText.length() > 3 || !lengthText.chars().allMatch(IpText::isDigit)) {
      throw new AddressSyntaxException("CIDR prefix", token, false, "expected a number, " + family + " prefixes are 0.." + bits)
          .within(text);
    }
    int length = Integer.parseInt(lengthText);
    if (length > bits) {
      throw new AddressSyntaxException("CIDR prefix", token, false, family + " prefixes are 0.." + bits).within(text);
    }
    if (!v4 && address.isIpv4() && length < 96) {
      throw new AddressSyntaxException("CIDR prefix", token, false,
          "an IPv4-mapped block needs a prefix of /96 or longer").within(text);
    }
    return new Cidr(address, v4 ? 96 + length : length);
  }

  public Ip128 last() {
    return first.maskLast(prefix);
  }

  public boolean contains(Ip128 address) {
    return address.maskFirst(prefix).equals(first);
  }

  /** Whether every address of first..last lies in this block. */
  public boolean containsAll(Ip128 from, Ip128 to) {
    return contains(from) && contains(to);
  }

  /** {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return first + "/" + (first.isIpv4() ? prefix - 96 : prefix);
  }
}
