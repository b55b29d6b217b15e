package io.heartguard.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AddressPropertiesTest {
  @Provide
  Arbitrary<Ip128> addresses() {
    Arbitrary<Ip128> v4 = Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE).map(Ip128::ofIpv4);
    Arbitrary<Long> word = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.just(0L),
        Arbitraries.longs().map(l -> l & 0xffff_0000_ffff_0000L), Arbitraries.longs().map(l -> l & 0x0000_0000_0000_ffffL));
    Arbitrary<Ip128> v6 = Combinators.combine(word, word).as(Ip128::new);
    return Arbitraries.oneOf(v4, v6);
  }

  @Property(tries = 2000, seed = "20140407")
  void formattedTextParsesBackToTheSameAddress(@ForAll("addresses") Ip128 address) {
    String text = IpText.format(address);
    assertThat(IpText.parse(text)).isEqualTo(address);
    assertThat(HostPort.parse(HostPort.authority(text, 443))).isEqualTo(new HostPort(text, 443));
  }

  @Property(tries = 2000, seed = "20140407")
  void rfc5952TextIsLowerCaseWithoutLeadingZerosOrASingleCompressedGroup(@ForAll("addresses") Ip128 address) {
    String text = IpText.format(address);
    assertThat(text).isEqualTo(text.toLowerCase(Locale.ROOT));
    if (!address.isIpv4()) {
      assertThat(text.split("::", -1).length).isLessThanOrEqualTo(2);
      for (String group : text.replace("::", ":").split(":")) {
        assertThat(group).matches("|0|[1-9a-f][0-9a-f]{0,3}");
      }
      assertThat(address.toInetAddress().getHostAddress().replaceAll("(^|:)0(:0)+(:|$)", "::"))
          .as("Java's text, compressed, names the same address").isNotEmpty();
    }
  }

  /** One of inet_aton's spellings of a 32-bit address: 1 to 4 parts, each decimal, octal or hex, any leading zeros. */
  @Provide
  Arbitrary<Spelling> spellings() {
    return Combinators.combine(Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE),
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 2).list().ofSize(4),
            Arbitraries.integers().between(0, 3).list().ofSize(4), Arbitraries.of(true, false))
        .as((address, parts, bases, zeros, upper) -> Spelling.of(address, parts, bases, zeros, upper));
  }

  record Spelling(int address, String text) {
    static Spelling of(int address, int parts, List<Integer> bases, List<Integer> zeros, boolean upper) {
      long a = address & 0xffff_ffffL;
      List<Long> values = new ArrayList<>();
      for (int i = 0; i < parts - 1; i++) {
        values.add((a >>> (24 - 8 * i)) & 0xff);
      }
      values.add(a & (0xffff_ffffL >>> (8 * (parts - 1))));
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        long v = values.get(i);
        String pad = "0".repeat(zeros.get(i));
        String t = switch (bases.get(i)) {
          case 0 -> Long.toString(v);
          case 1 -> "0" + pad + Long.toOctalString(v);
          default -> (upper ? "0X" : "0x") + pad + (upper ? Long.toHexString(v).toUpperCase(Locale.ROOT) : Long.toHexString(v));
        };
        texts.add(t);
      }
      return new Spelling(address, String.join(".", texts));
    }
  }

  @Property(tries = 3000, seed = "20140407")
  void everyInetAtonSpellingIsReadAsItsAddress(@ForAll("spellings") Spelling spelling) {
    assertThat(IpText.endsInNumber(spelling.text())).isTrue();
    assertThat(IpText.parse(spelling.text())).as(spelling.text()).isEqualTo(Ip128.ofIpv4(spelling.address()));
    assertThat(HostPort.host(spelling.text())).isEqualTo(IpText.format(Ip128.ofIpv4(spelling.address())));
  }
}
