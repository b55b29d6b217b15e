package io.heartguard.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ip128Test {
  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource(textBlock = """
      2001:DB8:0:0:0:0:0:1,      2001:db8::1
      2001:db8:0:0:1:0:0:1,      2001:db8::1:0:0:1
      2001:db8:0:1:1:1:1:1,      2001:db8:0:1:1:1:1:1
      0:0:0:0:0:0:0:0,           ::
      0:0:0:0:0:0:0:1,           ::1
      2001:0:0:1:0:0:0:1,        2001:0:0:1::1
      ::ffff:c000:0201,          192.0.2.1
      fe80::,                    fe80::
      """)
  void ipv6TextFollowsRfc5952(String text, String canonical) {
    // RFC 5952 section 4: lower case, no leading zeros, the longest (first on a tie) run of 2+ zero groups as "::",
    // a single zero group written as 0; IPv4-mapped addresses are our IPv4.
    assertThat(IpText.parseIpv6(text)).hasToString(canonical);
  }

  @Test
  void ipv4AndItsMappedFormAreOneAddress() {
    Ip128 v4 = IpText.parseIpv4("192.0.2.1");
    assertThat(v4).isEqualTo(IpText.parseIpv6("::ffff:192.0.2.1")).isEqualTo(Ip128.ofIpv4(0xc0000201));
    assertThat(v4.isIpv4()).isTrue();
  }

  @Test
  void theInetAddressIsBuiltWithoutTheNameService() throws Exception {
    InetAddress v4 = Ip128.ofIpv4(0xc0000201).toInetAddress();
    assertThat(v4).isInstanceOf(Inet4Address.class);
    assertThat(v4.getHostName()).isEqualTo("192.0.2.1"); // set from the literal: no reverse lookup
    assertThat(Ip128.of(v4)).isEqualTo(Ip128.ofIpv4(0xc0000201));
    InetAddress v6 = IpText.parseIpv6("2001:db8::1").toInetAddress();
    assertThat(v6).isInstanceOf(Inet6Address.class).isEqualTo(InetAddress.getByName("2001:db8::1"));
    assertThat(Ip128.of(v6)).hasToString("2001:db8::1");
  }

  @Test
  void arithmeticCarriesAcrossTheTwoWords() {
    Ip128 top = new Ip128(0, -1L);
    assertThat(top.next()).isEqualTo(new Ip128(1, 0));
    assertThat(new Ip128(1, 0).previous()).isEqualTo(top);
    assertThat(top.plus(2)).isEqualTo(new Ip128(1, 1));
    assertThat(Ip128.count(top, new Ip128(1, 1))).isEqualTo(3);
    assertThat(Ip128.count(Ip128.ZERO, Ip128.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(Ip128.log2Ceiling(Ip128.ZERO, Ip128.MAX)).isEqualTo(128);
    assertThat(Ip128.log2Ceiling(Ip128.ZERO, new Ip128(0, (1L << 40) - 1))).isEqualTo(40);
  }

  @Test
  void unsignedOrderPutsHighAddressesLast() {
    assertThat(new Ip128(0x8000_0000_0000_0000L, 0)).isGreaterThan(new Ip128(1, 0));
    assertThat(new Ip128(0, -1L)).isGreaterThan(new Ip128(0, 1));
  }
}
