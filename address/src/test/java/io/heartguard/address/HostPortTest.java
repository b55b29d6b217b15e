package io.heartguard.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      example.com                     | example.com:443
      Example.COM.:8443               | example.com:8443
      192.0.2.1:4433                  | 192.0.2.1:4433
      0177.0.0.1:8443                 | 127.0.0.1:8443
      0x7f.1                          | 127.0.0.1:443
      2130706433:1                    | 127.0.0.1:1
      [::1]:443                       | [::1]:443
      [2001:DB8:0::1]                 | [2001:db8::1]:443
      ::1                             | [::1]:443
      [::ffff:127.0.0.1]:8443         | 127.0.0.1:8443
      https://example.com:8443/path?q | example.com:8443
      HTTPS://[::1]/                  | [::1]:443
      internal_host:1                 | internal_host:1
      """)
  void everyFormIsReadToOneCanonicalHostAndPort(String text, String authority) {
    assertThat(HostPort.parse(text, 443).authority()).isEqualTo(authority);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      example.com:0        | bad port 0 in "example.com:0": ports are 1..65535
      example.com:65536    | bad port 65536 in "example.com:65536": ports are 1..65535
      example.com:https    | bad port "https" in "example.com:https": expected a number 1..65535
      example.com          | bad host:port "example.com": no port; expected HOST:PORT or [IPv6]:PORT
      ::1:8443             | bad host:port "::1:8443": write an IPv6 address with its port as [2001:db8::1]:443
      [::1                 | bad host:port "[::1": '[' without a closing ']'
      [example.com]:443    | bad host:port "[example.com]:443": brackets hold an IPv6 address, found "example.com"
      exa mple.com:443     | bad host "exa mple.com" in "exa mple.com:443": expected a host name or IP address
      0178.0.0.1:443       | bad IPv4 address "0178.0.0.1" in "0178.0.0.1:443": part 0178 is not an octal (it starts with 0) number
      http://example.com/  | bad URL scheme "http://": expected https://host[:port][/path]
      """)
  void portsAreOneToFiftyFiveThousandAndEveryMistakeIsOneLine(String text, String message) {
    assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(AddressSyntaxException.class).hasMessage(message);
  }

  @Test
  void aListenAddressMayAskForAnyFreePortAndDefaultsToLoopback() throws Exception {
    assertThat(HostPort.parseListen("127.0.0.1:0")).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    assertThat(HostPort.parseListen("[::1]:8443")).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 8443));
    assertThat(HostPort.parseListen(":8443").getAddress().isLoopbackAddress()).isTrue();
    assertThat(HostPort.parseListen("0177.0.0.1:8443").getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThatThrownBy(() -> HostPort.parseListen("127.0.0.1:70000")).hasMessage("bad port 70000 in \"127.0.0.1:70000\": ports are 1..65535");
  }

  @Test
  void aHugeArgumentIsCutInTheMessage() {
    String huge = "a".repeat(100_000) + ":x";
    assertThatThrownBy(() -> HostPort.parse(huge)).message().hasSizeLessThan(300);
  }
}
