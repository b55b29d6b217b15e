package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.targets.TargetSpec.Block;
import io.heartguard.targets.TargetSpec.Name;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetSpecTest {
  private static Block block(String text) throws TargetSyntaxException {
    return (Block) TargetSpec.parse(text);
  }

  /** "first..last port" for a block, to compare with one string. */
  private static String shape(String text) throws TargetSyntaxException {
    TargetSpec spec = TargetSpec.parse(text);
    String port = spec.port().isPresent() ? " :" + spec.port().getAsInt() : "";
    return switch (spec) {
      case Block b -> b.first() + ".." + b.last() + port;
      case Name n -> "name " + n.name() + port;
    };
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', textBlock = """
      192.0.2.1                      | 192.0.2.1..192.0.2.1
      192.0.2.1:8443                 | 192.0.2.1..192.0.2.1 :8443
      10.0.0.0/8                     | 10.0.0.0..10.255.255.255
      192.0.2.7/24                   | 192.0.2.0..192.0.2.255
      0.0.0.0/0                      | 0.0.0.0..255.255.255.255
      192.0.2.9/32                   | 192.0.2.9..192.0.2.9
      10.0.0.0/24:8443               | 10.0.0.0..10.0.0.255 :8443
      192.0.2.1-192.0.2.50           | 192.0.2.1..192.0.2.50
      192.0.2.1-50                   | 192.0.2.1..192.0.2.50
      192.0.2.0-255:443              | 192.0.2.0..192.0.2.255 :443
      10.0.0.250-10.0.1.5            | 10.0.0.250..10.0.1.5
      2001:db8::1                    | 2001:db8::1..2001:db8::1
      ::1                            | ::1..::1
      2001:DB8::/120                 | 2001:db8::..2001:db8::ff
      2001:db8::1-2001:db8::1:0      | 2001:db8::1..2001:db8::1:0
      2001:db8::10-1f                | 2001:db8::10..2001:db8::1f
      [2001:db8::1]:8443             | 2001:db8::1..2001:db8::1 :8443
      [2001:db8::]                   | 2001:db8::..2001:db8::
      [2001:db8::/126]:993           | 2001:db8::..2001:db8::3 :993
      ::ffff:192.0.2.1               | 192.0.2.1..192.0.2.1
      ::ffff:192.0.2.0/120           | 192.0.2.0..192.0.2.255
      1:2:3:4:5:6:7:8                | 1:2:3:4:5:6:7:8..1:2:3:4:5:6:7:8
      64:ff9b::192.0.2.33            | 64:ff9b::c000:221..64:ff9b::c000:221
      0177.0.0.1                     | 127.0.0.1..127.0.0.1
      0x7f.1:8443                    | 127.0.0.1..127.0.0.1 :8443
      127.1                          | 127.0.0.1..127.0.0.1
      2130706433                     | 127.0.0.1..127.0.0.1
      1.2.3                          | 1.2.0.3..1.2.0.3
      010.0.0.0/8                    | 8.0.0.0..8.255.255.255
      example.com                    | name example.com
      Example.COM.                   | name example.com
      mail-1.example.com:465         | name mail-1.example.com :465
      1-800-flowers.example          | name 1-800-flowers.example
      localhost                      | name localhost
      https://example.com/           | name example.com :443
      https://example.com:8443/x?y#z | name example.com :8443
      HTTPS://192.0.2.1              | 192.0.2.1..192.0.2.1 :443
      https://[2001:db8::1]:4433/    | 2001:db8::1..2001:db8::1 :4433
      https://10.0.0.0/24            | 10.0.0.0..10.0.0.0 :443
      """)
  void everyFormParsesToItsBlockOrName(String text, String expected) throws TargetSyntaxException {
    assertThat(shape(text)).isEqualTo(expected);
  }

  @Test
  void theInputIsKeptAsWrittenForReports() throws TargetSyntaxException {
    assertThat(TargetSpec.parse("  10.0.0.0/8 ").input()).isEqualTo("10.0.0.0/8");
    assertThat(TargetSpec.parse("https://Example.com/a").input()).isEqualTo("https://Example.com/a");
  }

  @Test
  void aBlockCountsItsAddresses() throws TargetSyntaxException {
    assertThat(block("10.0.0.0/8").addressCount()).isEqualTo(1 << 24);
    assertThat(block("192.0.2.1-50").addressCount()).isEqualTo(50);
    assertThat(block("2001:db8::/64").addressCount()).isEqualTo(Long.MAX_VALUE); // saturates
    assertThat(block("::/0").addressCount()).isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      10.0.0.0/33          | bad CIDR prefix /33 in "10.0.0.0/33": IPv4 prefixes are 0..32
      2001:db8::/129       | bad CIDR prefix /129 in "2001:db8::/129": IPv6 prefixes are 0..128
      10.0.0.0/            | bad CIDR prefix / in "10.0.0.0/": expected a number, IPv4 prefixes are 0..32
      10.0.0.0/x           | bad CIDR prefix /x in "10.0.0.0/x": expected a number, IPv4 prefixes are 0..32
      ::ffff:10.0.0.0/80   | bad CIDR prefix /80 in "::ffff:10.0.0.0/80": an IPv4-mapped block needs a prefix of /96 or longer
      host/24              | bad CIDR block "host/24": expected an IP address before the '/', like 10.0.0.0/8 or 2001:db8::/120
      300.1.2.3            | bad IPv4 address "300.1.2.3": octet 300 is not in 0..255
      1.2.3.4.5            | bad IPv4 address "1.2.3.4.5": expected at most four parts like 192.0.2.1
      08.0.0.1             | bad IPv4 address "08.0.0.1": part 08 is not an octal (it starts with 0) number
      10.0.0.256/8         | bad IPv4 address "10.0.0.256" in "10.0.0.256/8": octet 256 is not in 0..255
      192.0.2.1-300        | bad range end 300 in "192.0.2.1-300": a last octet is 0..255
      192.0.2.1-x          | bad range end "x" in "192.0.2.1-x": expected an IPv4 address or a last octet 0..255
      192.0.2.1-           | bad range end "" in "192.0.2.1-": expected an IPv4 address or a last octet 0..255
      192.0.2.50-192.0.2.1 | bad range "192.0.2.50-192.0.2.1": the first address is larger than the last
      192.0.2.50-10        | bad range "192.0.2.50-10": the first address is larger than the last
      10.0.0.1-::1         | bad range "10.0.0.1-::1": both ends must be IPv4 or both IPv6
      2001:db8::1-zz       | bad range end "zz" in "2001:db8::1-zz": expected an IPv6 address or a last group of 1 to 4 hex digits
      192.168.0-255.1      | bad target "192.168.0-255.1": nmap octet ranges are not supported, expected a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50
      host.123             | bad IPv4 address "host.123": part host is not a decimal number
      exa mple.com         | bad target "exa mple.com": expected a host name, an IP address, a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50
      -host                | bad target "-host": expected a host name, an IP address, a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50
      host:                | missing port after ':' in "host:": expected a number 1..65535
      host:0               | bad port 0 in "host:0": ports are 1..65535
      host:65536           | bad port 65536 in "host:65536": ports are 1..65535
      host:https           | bad port "https" in "host:https": expected a number 1..65535
      :443                 | missing host in ":443": expected a host name, an IP address, a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50
      2001:db8::1::2       | bad IPv6 address "2001:db8::1::2": "::" may appear only once
      2001:db8:1           | bad IPv6 address "2001:db8:1": expected 8 groups of hex digits, or "::" for zeros; found 3
      1:2:3:4:5:6:7::8     | bad IPv6 address "1:2:3:4:5:6:7::8": "::" stands for at least one zero group, but 8 groups are given
      2001:db8::12345      | bad IPv6 address "2001:db8::12345": group "12345" is not 1 to 4 hex digits
      fe80::1%eth0         | bad IPv6 address "fe80::1%eth0": zone ids (%...) are not supported
      [2001:db8::1         | bad target "[2001:db8::1": '[' without a closing ']'
      [2001:db8::1]8443    | bad target "[2001:db8::1]8443": expected ':port' after ']', found "8443"
      [example.com]:443    | bad target "[example.com]:443": brackets hold an IPv6 address, block or range, found "example.com"
      http://example.com/  | bad URL scheme "http://" in "http://example.com/": expected https://host[:port][/path]
      https://u@host/      | bad URL "https://u@host/": user info (user@) is not supported
      https://2001:db8::1/ | bad URL "https://2001:db8::1/": an IPv6 address in a URL needs brackets, like https://[2001:db8::1]:8443/
      https://host:99999/  | bad port 99999 in "https://host:99999/": ports are 1..65535
      '   '                | empty target: expected a host name, an IP address, a CIDR block like 10.0.0.0/8 or a range like 192.0.2.1-50
      """)
  void aBadTargetIsOneLineNamingTheTokenAndWhatWasExpected(String text, String message) {
    assertThatThrownBy(() -> TargetSpec.parse(text))
        .isInstanceOf(TargetSyntaxException.class)
        .hasMessage(message);
  }

  @Test
  void anExclusionIsABlockWithoutPort() throws TargetSyntaxException {
    Block b = TargetSpec.parseExclusion("10.1.0.0/16");
    assertThat(b.first()).hasToString("10.1.0.0");
    assertThat(b.last()).hasToString("10.1.255.255");
    assertThat(b.port()).isEqualTo(OptionalInt.empty());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      example.com         | bad exclusion "example.com": expected an address, a CIDR block or a range, not a host name
      10.0.0.1:443        | bad exclusion "10.0.0.1:443": exclusions take no port, they remove an address on every port
      https://10.0.0.1/   | bad exclusion "https://10.0.0.1/": expected an address, a CIDR block or a range, not a URL
      10.0.0.0/40         | bad CIDR prefix /40 in "10.0.0.0/40": IPv4 prefixes are 0..32
      """)
  void anExclusionRefusesNamesPortsAndUrls(String text, String message) {
    assertThatThrownBy(() -> TargetSpec.parseExclusion(text))
        .isInstanceOf(TargetSyntaxException.class)
        .hasMessage(message);
  }
}
