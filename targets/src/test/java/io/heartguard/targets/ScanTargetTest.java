package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanTargetTest {
  @ParameterizedTest(name = "{0} -> {1} port {2}")
  @CsvSource(delimiter = '|', value = {
      "example.com                      | example.com  | 443",
      "example.com:8443                 | example.com  | 8443",
      "example.com.                     | example.com  | 443",
      "192.0.2.1                        | 192.0.2.1    | 443",
      "192.0.2.1:4433                   | 192.0.2.1    | 4433",
      "[::1]:443                        | ::1          | 443",
      "[2001:db8::1]                    | 2001:db8::1  | 443",
      "::1                              | ::1          | 443",
      "https://example.com              | example.com  | 443",
      "https://example.com:8443/path?q  | example.com  | 8443",
      "HTTPS://[::1]:9443/              | ::1          | 9443",
      "internal_host:1                  | internal_host | 1",
      "0177.0.0.1:8443                  | 127.0.0.1    | 8443",
      "0x7f.1                           | 127.0.0.1    | 443",
      "[::ffff:0:127.0.0.1]             | ::ffff:0:7f00:1 | 443"})
  void acceptsEveryDocumentedForm(String input, String host, int port) {
    ScanTarget target = ScanTarget.parse(input);

    assertThat(target.host()).isEqualTo(host);
    assertThat(target.port()).isEqualTo(port);
    assertThat(target.input()).isEqualTo(input);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "''                          | bad host:port \"\": empty; expected a host name or IP address",
      "example.com:0               | bad port 0 in \"example.com:0\": ports are 1..65535",
      "example.com:65536           | bad port 65536 in \"example.com:65536\": ports are 1..65535",
      "example.com:https           | bad port \"https\" in \"example.com:https\": expected a number 1..65535",
      "example.com:                | bad port \"\" in \"example.com:\": expected a number 1..65535",
      "http://example.com          | bad URL scheme \"http://\": expected https://host[:port][/path]",
      "https://user@example.com    | bad URL \"https://user@example.com\": user info (user@) is not supported",
      "[::1                        | bad host:port \"[::1\": '[' without a closing ']'",
      "[::1]443                    | bad host:port \"[::1]443\": expected ':port' after ']', found \"443\"",
      "[example.com]:443           | bad host:port \"[example.com]:443\": brackets hold an IPv6 address, found \"example.com\"",
      "https://::1                 | bad host:port \"https://::1\": an IPv6 address in a URL needs brackets, like https://[2001:db8::1]:8443/",
      "exa mple.com                | bad host \"exa mple.com\": expected a host name or IP address",
      "exa mple.com:443            | bad host \"exa mple.com\" in \"exa mple.com:443\": expected a host name or IP address",
      "300.1.2.3                   | bad IPv4 address \"300.1.2.3\": octet 300 is not in 0..255",
      "300.1.2.3:443               | bad IPv4 address \"300.1.2.3\" in \"300.1.2.3:443\": octet 300 is not in 0..255"})
  void refusesMalformedTargetsSayingWhy(String input, String message) {
    assertThatThrownBy(() -> ScanTarget.parse(input)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({"example.com, example.com", "192.0.2.1,", "[::1]:443,"})
  void serverNameIsSentForNamesOnly(String input, String serverName) {
    assertThat(ScanTarget.parse(input).serverName()).isEqualTo(serverName);
  }
}
