package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTest {
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
      "internal_host:1                  | internal_host | 1"})
  void acceptsEveryDocumentedForm(String input, String host, int port) {
    Target target = Target.parse(input);

    assertThat(target.host()).isEqualTo(host);
    assertThat(target.port()).isEqualTo(port);
    assertThat(target.input()).isEqualTo(input);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "''                          | empty target",
      "example.com:0               | 'example.com:0': port 0 is not in 1..65535",
      "example.com:65536           | 'example.com:65536': port 65536 is not in 1..65535",
      "example.com:https           | 'example.com:https': port 'https' is not a number in 1..65535",
      "example.com:                | 'example.com:': port '' is not a number in 1..65535",
      "http://example.com          | 'http://example.com': scheme http:// is not supported, only https://",
      "https://user@example.com    | 'https://user@example.com': user info in a URL is not supported",
      "[::1                        | '[::1': '[' without a closing ']'",
      "[::1]443                    | '[::1]443': expected ':port' after ']', got '443'",
      "[example.com]:443           | '[example.com]:443': 'example.com' is not an IPv6 address",
      "https://::1                 | 'https://::1': an IPv6 address in a URL needs brackets, like https://[::1]:443",
      "exa mple.com                | 'exa mple.com' is not a host name or IP address",
      "exa mple.com:443            | 'exa mple.com:443': 'exa mple.com' is not a host name or IP address",
      "300.1.2.3                   | '300.1.2.3' is not an IPv4 address (octets are 0..255)",
      "300.1.2.3:443               | '300.1.2.3:443': '300.1.2.3' is not an IPv4 address (octets are 0..255)"})
  void refusesMalformedTargetsSayingWhy(String input, String message) {
    assertThatThrownBy(() -> Target.parse(input)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({"example.com, example.com", "192.0.2.1,", "[::1]:443,"})
  void serverNameIsSentForNamesOnly(String input, String serverName) {
    assertThat(Target.parse(input).serverName()).isEqualTo(serverName);
  }
}
