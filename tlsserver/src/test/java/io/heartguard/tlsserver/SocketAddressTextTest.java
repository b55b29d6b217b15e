package io.heartguard.tlsserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressTextTest {
  @Test
  void ipv4IsHostColonPort() throws Exception {
    assertThat(SocketAddressText.describe(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8443)))
        .isEqualTo("127.0.0.1:8443");
  }

  @Test
  void ipv6IsBracketedSoThePortStaysReadable() throws Exception {
    assertThat(SocketAddressText.describe(new InetSocketAddress(InetAddress.getByName("::1"), 8443)))
        .startsWith("[").endsWith("]:8443");
  }
}
