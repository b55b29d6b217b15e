package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.address.HostPort;
import io.heartguard.address.IpText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ScanTargetPropertiesTest {
  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> names = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l))
        .filter(n -> !IpText.endsInNumber(n)); // text ending in a number is an IPv4 address or nothing
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> ipv6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
        .map(l -> String.join(":", l.stream().map(Integer::toHexString).toList()));
    return Arbitraries.oneOf(names, ipv4, ipv6);
  }

  @Property(tries = 300, seed = "20140407")
  void authorityParsesBackToTheSameHostAndPort(@ForAll("hosts") String host, @ForAll @IntRange(min = 1, max = 65535) int port) {
    ScanTarget target = new ScanTarget(host, host, port);
    ScanTarget parsed = ScanTarget.parse(target.authority());

    assertThat(parsed.host()).isEqualTo(HostPort.host(host)); // an address in its RFC 5952 or dotted-quad text
    assertThat(parsed.port()).isEqualTo(port);
    assertThat(ScanTarget.parse("https://" + target.authority() + "/").port()).isEqualTo(port);
  }

  @Property(tries = 300, seed = "20140407")
  void parsingNeverThrowsAnythingButIllegalArgument(@ForAll String input) {
    try {
      ScanTarget.parse(input);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
