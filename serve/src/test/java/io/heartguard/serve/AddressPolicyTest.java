package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.address.IpText;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyTest {
  private static final AddressPolicy DEFAULT = AddressPolicy.allowing(List.of());

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: never a lookup
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "0.1.2.3          | \"this network\" address (0.0.0.0/8, RFC 791, RFC 6890)",
      "10.0.0.1         | private address (10.0.0.0/8, RFC 1918)",
      "100.64.0.1       | shared (carrier-grade NAT) address (100.64.0.0/10, RFC 6598)",
      "100.127.255.255  | shared (carrier-grade NAT) address (100.64.0.0/10, RFC 6598)",
      "127.0.0.1        | loopback address (127.0.0.0/8, RFC 1122)",
      "169.254.169.254  | link-local address (169.254.0.0/16, RFC 3927)",
      "172.31.255.255   | private address (172.16.0.0/12, RFC 1918)",
      "192.0.0.8        | IETF protocol assignment (192.0.0.0/24, RFC 6890)",
      "192.0.2.1        | documentation address (TEST-NET-1) (192.0.2.0/24, RFC 5737)",
      "192.168.1.1      | private address (192.168.0.0/16, RFC 1918)",
      "198.19.0.1       | benchmarking address (198.18.0.0/15, RFC 2544)",
      "198.51.100.7     | documentation address (TEST-NET-2) (198.51.100.0/24, RFC 5737)",
      "203.0.113.9      | documentation address (TEST-NET-3) (203.0.113.0/24, RFC 5737)",
      "224.0.0.251      | multicast address (224.0.0.0/4, RFC 5771)",
      "240.0.0.1        | reserved address (240.0.0.0/4, RFC 1112)",
      "255.255.255.255  | limited broadcast address (255.255.255.255/32, RFC 919)",
      "::               | unspecified address (::/128, RFC 4291)",
      "::1              | loopback address (::1/128, RFC 4291)",
      "::ffff:10.1.2.3  | private address (10.0.0.0/8, RFC 1918)",
      "100::1           | discard-only address (100::/64, RFC 6666)",
      "2001:db8::1      | documentation address (2001:db8::/32, RFC 3849)",
      "fd12:3456::1     | unique local (private) address (fc00::/7, RFC 4193)",
      "fe80::1          | link-local address (fe80::/10, RFC 4291)",
      "ff02::1          | multicast address (ff00::/8, RFC 4291)",
      "64:ff9b::a00:1   | private address (10.0.0.0/8, RFC 1918) embedded in NAT64",
      "2002:7f00:1::1   | loopback address (127.0.0.0/8, RFC 1122) embedded in 6to4"})
  void specialPurposeAddressesAreRefusedWithTheirRangeNamed(String address, String why) throws Exception {
    assertThat(DEFAULT.refusal(ip(address))).hasValue(why);
  }

  /**
   * The rule: refuse any address that other software could read as a special-purpose address. Each text is read by
   * the address grammar (as inet_aton and RFC 4291 read it) and handed to the policy as the address serve would use.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "0177.0.0.1            | loopback address (127.0.0.0/8, RFC 1122)",
      "0x7f.1                | loopback address (127.0.0.0/8, RFC 1122)",
      "127.1                 | loopback address (127.0.0.0/8, RFC 1122)",
      "2130706433            | loopback address (127.0.0.0/8, RFC 1122)",
      "012.0.0.1             | private address (10.0.0.0/8, RFC 1918)",
      "0xa9fea9fe            | link-local address (169.254.0.0/16, RFC 3927)",
      "::ffff:127.0.0.1      | loopback address (127.0.0.0/8, RFC 1122)",
      "::7f00:1              | IPv4-compatible address (::/96, RFC 4291)",
      "::127.0.0.1           | IPv4-compatible address (::/96, RFC 4291)",
      "::808:808             | IPv4-compatible address (::/96, RFC 4291)",
      "::ffff:0:7f00:1       | IPv4-translated (SIIT) address (::ffff:0:0:0/96, RFC 2765)",
      "64:ff9b::7f00:1       | loopback address (127.0.0.0/8, RFC 1122) embedded in NAT64",
      "64:ff9b:1::7f00:1     | local-use IPv4/IPv6 translation address (64:ff9b:1::/48, RFC 8215)",
      "64:ff9b:1:ffff::808:808 | local-use IPv4/IPv6 translation address (64:ff9b:1::/48, RFC 8215)",
      "2002:a9fe:a9fe::1     | link-local address (169.254.0.0/16, RFC 3927) embedded in 6to4",
      "2001:0:7f00:1::1      | Teredo address (2001::/32, RFC 4380)",
      "2001:0:808:808:0:0:80ff:fffe | Teredo address (2001::/32, RFC 4380)",
      "2001:2::1             | IETF protocol assignment (2001::/23, RFC 2928)",
      "100:0:0:1::1          | dummy IPv6 prefix (100:0:0:1::/64, RFC 9780)",
      "3fff::1               | documentation address (3fff::/20, RFC 9637)",
      "5f00::1               | SRv6 SID (5f00::/16, RFC 9602)",
      "fec0::1               | deprecated site-local address (fec0::/10, RFC 3879)",
      "192.88.99.1           | deprecated 6to4 relay anycast address (192.88.99.0/24, RFC 7526)",
      "192.31.196.1          | AS112 DNS sink address (192.31.196.0/24, RFC 7535)"})
  void everyFormThatOtherSoftwareReadsAsSpecialPurposeIsRefused(String text, String why) {
    assertThat(DEFAULT.refusal(IpText.parse(text))).as(text).hasValue(why);
  }

  @Test
  void anAllowEntryIsReadByTheSameGrammar() {
    AddressPolicy lab = AddressPolicy.allowing(List.of("0177.0.0.0/8"));
    assertThat(lab.refusal(IpText.parse("127.0.0.1"))).isEmpty();
    assertThat(lab.refusal(IpText.parse("177.0.0.1"))).isEmpty().as("177/8 is public either way");
    assertThat(AddressPolicy.allowing(List.of("0177.0.0.0/8")).refusal(IpText.parse("::ffff:0:7f00:1"))).isPresent();
  }

  @ParameterizedTest
  @CsvSource({"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.3.1",
      "198.17.255.255", "198.20.0.0", "223.255.255.255", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"})
  void globalAddressesJustOutsideTheRangesAreAllowed(String address) throws Exception {
    assertThat(DEFAULT.refusal(ip(address))).isEmpty();
  }

  @Test
  void theAllowListOpensOnlyItsOwnRanges() throws Exception {
    AddressPolicy lab = AddressPolicy.allowing(List.of("127.0.0.0/8", "fd00::/8"));
    assertThat(lab.refusal(ip("127.0.0.1"))).isEmpty();
    assertThat(lab.refusal(ip("127.255.0.9"))).isEmpty();
    assertThat(lab.refusal(ip("fd00::5"))).isEmpty();
    assertThat(lab.refusal(ip("10.0.0.1"))).isPresent();
    assertThat(lab.refusal(ip("::1"))).isPresent();
  }

  @Test
  void aBadAllowEntrySaysWhatWasExpectedAndNeverResolvesANames() {
    assertThatThrownBy(() -> AddressPolicy.allowing(List.of("intranet.example")))
        .hasMessage("'intranet.example' is not an address range; expected CIDR like 127.0.0.0/8 or ::1/128");
    assertThatThrownBy(() -> AddressPolicy.allowing(List.of("10.0.0.0/33"))).hasMessage("'10.0.0.0/33': prefix length must be 0..32");
    assertThatThrownBy(() -> AddressPolicy.allowing(List.of("::/129"))).hasMessage("'::/129': prefix length must be 0..128");
  }
}
