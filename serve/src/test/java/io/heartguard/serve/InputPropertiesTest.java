package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of what the checker does with attacker-controlled input: escaping, request parsing, the policy. */
class InputPropertiesTest {
  @Property(seed = "20140407")
  void escapedTextHasNoMarkupCharactersAndDecodesBackToTheInputOrAReplacement(@ForAll String s) {
    String escaped = Html.text(s);
    assertThat(escaped).doesNotContain("<", ">", "\"", "'");
    String decoded = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&amp;", "&");
    assertThat(decoded).hasSameSizeAs(s);
    for (int i = 0; i < s.length(); i++) {
      assertThat(decoded.charAt(i)).isIn(s.charAt(i), '\uFFFD');
    }
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> json = Arbitraries.of("{", "}", "[", "]", "\"target\"", "\"port\"", "\"protocol\"", "\"fresh\"",
        ":", ",", "1", "-7", "1e400", "true", "null", "\"a.example\"", "\"\\u0000\"", "99999999999", "\"x\"")
        .list().ofMaxSize(12).map(parts -> String.join("", parts));
    return Arbitraries.oneOf(json, Arbitraries.strings().ofMaxLength(60));
  }

  @Property(seed = "20140407", tries = 2000)
  void anyBodyParsesOrIsAOneLine400(@ForAll("bodies") String body) {
    try {
      CheckRequest request = CheckRequest.fromJson(body);
      assertThat(request.target()).isNotNull();
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
    }
  }

  @Property(seed = "20140407")
  void everyAddressInsideARefusedRangeIsRefused(@ForAll @IntRange(min = 0, max = 13) int range,
      @ForAll @IntRange(min = 0) int offset) throws Exception {
    // The IPv4 rows of the table, by their first address and size.
    List<long[]> v4 = List.of(new long[] {0x00000000L, 1L << 24}, new long[] {0x0A000000L, 1L << 24},
        new long[] {0x64400000L, 1L << 22}, new long[] {0x7F000000L, 1L << 24}, new long[] {0xA9FE0000L, 1L << 16},
        new long[] {0xAC100000L, 1L << 20}, new long[] {0xC0000000L, 1L << 8}, new long[] {0xC0000200L, 1L << 8},
        new long[] {0xC0A80000L, 1L << 16}, new long[] {0xC6120000L, 1L << 17}, new long[] {0xC6336400L, 1L << 8},
        new long[] {0xCB007100L, 1L << 8}, new long[] {0xE0000000L, 1L << 28}, new long[] {0xF0000000L, 1L << 28});
    long[] r = v4.get(range);
    long address = r[0] + Integer.toUnsignedLong(offset) % r[1];
    byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    assertThat(AddressPolicy.allowing(List.of()).refusal(InetAddress.getByAddress(bytes))).isPresent();
  }
}
