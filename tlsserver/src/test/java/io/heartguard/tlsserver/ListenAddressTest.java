package io.heartguard.tlsserver;

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
        .hasMessage("bad listen address \"8443\": no port; expected HOST:PORT, [IPv6]:PORT or :PORT");
    assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:70000"))
        .hasMessage("bad port 70000 in \"127.0.0.1:70000\": ports are 1..65535");
    assertThatThrownBy(() -> ListenAddress.parse("::1:8443"))
        .hasMessage("bad host:port \"::1:8443\": write an IPv6 address with its port as [2001:db8::1]:443");
  }
}
