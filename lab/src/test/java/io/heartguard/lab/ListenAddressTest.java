package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void anIpv4AddressAndPort() throws Exception {
    assertThat(ListenAddress.parse("127.0.0.1:8443"))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8443));
  }

  @Test
  void aBracketedIpv6AddressAndPort() throws Exception {
    assertThat(ListenAddress.parse("[::1]:8443")).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 8443));
  }

  @Test
  void aBarePortMeansLoopbackNotEveryInterface() {
    InetSocketAddress address = ListenAddress.parse(":8443");
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isEqualTo(8443);
  }

  @Test
  void malformedAddressesAreRefusedWithWhatWasSeen() {
    assertThatThrownBy(() -> ListenAddress.parse("8443"))
        .hasMessage("listen address '8443' has no port; expected HOST:PORT, [IPv6]:PORT or :PORT");
    assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:70000"))
        .hasMessage("listen address '127.0.0.1:70000' has port '70000'; expected 0..65535");
    assertThatThrownBy(() -> ListenAddress.parse("::1:8443"))
        .hasMessage("listen address '::1:8443' has an IPv6 host without brackets; expected [::1]:8443");
  }
}
