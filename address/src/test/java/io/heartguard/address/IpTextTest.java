package io.heartguard.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {
  /** Expected values from glibc 2.36's inet_aton (Python's socket.inet_aton), "-" where it fails. */
  @ParameterizedTest(name = "inet_aton(\"{0}\") = {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0177.0.0.1                 | 127.0.0.1
      0x7f.1                     | 127.0.0.1
      127.1                      | 127.0.0.1
      2130706433                 | 127.0.0.1
      0x7f000001                 | 127.0.0.1
      017700000001               | 127.0.0.1
      127.0.1                    | 127.0.0.1
      0x7F.0.0.0x1               | 127.0.0.1
      0X7f.0X0.0X0.0X1           | 127.0.0.1
      00000000000000000177.0.0.1 | 127.0.0.1
      1.2.3                      | 1.2.0.3
      1.2                        | 1.0.0.2
      0                          | 0.0.0.0
      0x0                        | 0.0.0.0
      00                         | 0.0.0.0
      255.255.255.255            | 255.255.255.255
      0xffffffff                 | 255.255.255.255
      4294967295                 | 255.255.255.255
      1.2.65535                  | 1.2.255.255
      1.16777215                 | 1.255.255.255
      1.2.3.0377                 | 1.2.3.255
      4294967296                 | -
      256.0.0.1                  | -
      1.256.0.0                  | -
      1.2.65536                  | -
      1.16777216                 | -
      08.0.0.1                   | -
      0x                         | -
      0x.1                       | -
      1..2                       | -
      1.2.3.4.                   | -
      1.2.3.4.5                  | -
      .1.2.3                     | -
      0xg                        | -
      1.2.3.0400                 | -
      1e1                        | -
      -1                         | -
      +1                         | -
      99999999999999999999999999 | -
      """)
  void ipv4IsReadExactlyAsInetAton(String text, String expected) {
    if (expected.equals("-")) {
      assertThatThrownBy(() -> IpText.parseIpv4(text)).isInstanceOf(AddressSyntaxException.class);
    } else {
      assertThat(IpText.parseIpv4(text)).hasToString(expected);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      300.1.2.3     | bad IPv4 address "300.1.2.3": octet 300 is not in 0..255
      1.2.65536     | bad IPv4 address "1.2.65536": the last part 65536 is not in 0..65535 (it fills the 2 bytes left)
      1.2.3.4.5     | bad IPv4 address "1.2.3.4.5": expected at most four parts like 192.0.2.1
      1.2.3.4.      | bad IPv4 address "1.2.3.4.": empty part before or after a dot; expected a number like 192.0.2.1
      08.0.0.1      | bad IPv4 address "08.0.0.1": part 08 is not an octal (it starts with 0) number
      0x.1          | bad IPv4 address "0x.1": part 0x has no hex digits after 0x
      2001:db8::1::2 | bad IPv6 address "2001:db8::1::2": "::" may appear only once
      ::ffff:0177.0.0.1 | bad IPv6 address "::ffff:0177.0.0.1": "0177.0.0.1" is not a dotted quad of four decimal octets
      fe80::1%eth0  | bad IPv6 address "fe80::1%eth0": zone ids (%...) are not supported
      """)
  void aBadAddressNamesItsPartAndTheRule(String text, String message) {
    assertThatThrownBy(() -> IpText.parse(text)).isInstanceOf(AddressSyntaxException.class).hasMessage(message);
  }

  @Test
  void textThatEndsInANumberIsAnAddressOrAnErrorNeverAName() {
    // WHATWG URL Standard, "ends in a number checker": no resolver looks such text up as a name.
    assertThat(IpText.literal("example.com")).isEmpty();
    assertThat(IpText.literal("1e100.net")).isEmpty();
    assertThat(IpText.literal("0x7f.1")).hasValue(Ip128.ofIpv4(0x7f000001));
    assertThatThrownBy(() -> IpText.literal("host.123")).isInstanceOf(AddressSyntaxException.class);
    assertThatThrownBy(() -> IpText.literal("127.0.0.1.")).isInstanceOf(AddressSyntaxException.class);
  }

  @Test
  void ipv6EmbedsIpv4AndIsWrittenPerRfc5952() {
    assertThat(IpText.parse("::7f00:1")).hasToString("::7f00:1");
    assertThat(IpText.parse("::127.0.0.1")).hasToString("::7f00:1");
    assertThat(IpText.parse("::ffff:0:127.0.0.1")).hasToString("::ffff:0:7f00:1");
    assertThat(IpText.parse("::ffff:127.0.0.1")).hasToString("127.0.0.1");
    assertThat(IpText.parse("64:FF9B::192.0.2.33")).hasToString("64:ff9b::c000:221");
  }

  @Test
  void aLongBadTokenIsCutInTheMessage() {
    String huge = "1." + "9".repeat(100_000);
    assertThatThrownBy(() -> IpText.parse(huge)).message().hasSizeLessThan(300).contains("\u2026");
  }
}
