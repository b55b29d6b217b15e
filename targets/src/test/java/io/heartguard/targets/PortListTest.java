package io.heartguard.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortListTest {
  @Test
  void listsAndRangesAreSortedAndMerged() throws TargetSyntaxException {
    PortList ports = PortList.parse("8443, 443,465,993,995,8440-8443,444");
    assertThat(ports).hasToString("443-444,465,993,995,8440-8443");
    assertThat(ports.size()).isEqualTo(9);
    assertThat(IntStream.range(0, ports.size()).map(ports::port).toArray())
        .containsExactly(443, 444, 465, 993, 995, 8440, 8441, 8442, 8443);
  }

  @Test
  void containsAnsweresForRangeEdges() throws TargetSyntaxException {
    PortList ports = PortList.parse("8440-8443,443");
    assertThat(ports.contains(443)).isTrue();
    assertThat(ports.contains(8440)).isTrue();
    assertThat(ports.contains(8443)).isTrue();
    assertThat(ports.contains(8444)).isFalse();
    assertThat(ports.contains(442)).isFalse();
    assertThat(ports.contains(1000)).isFalse();
  }

  @Test
  void theWholePortRangeCostsTwoNumbers() throws TargetSyntaxException {
    PortList all = PortList.parse("1-65535");
    assertThat(all.size()).isEqualTo(65535);
    assertThat(all.port(65534)).isEqualTo(65535);
  }

  @Test
  void theDefaultIsHttps() {
    assertThat(PortList.DEFAULT).hasToString("443");
  }

  @Test
  void unionAndEqualityAreBySetOfPorts() throws TargetSyntaxException {
    assertThat(PortList.parse("443").union(PortList.parse("444,8443"))).isEqualTo(PortList.parse("443-444,8443"));
    assertThat(PortList.parse("443,443")).isEqualTo(PortList.of(443)).hasSameHashCodeAs(PortList.of(443));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      ''           | empty port list: expected ports 1..65535 like 443,8443 or ranges like 8440-8443
      443,,8443    | bad port list "443,,8443": empty entry between commas
      443,0        | bad port 0 in "443,0": ports are 1..65535
      70000        | bad port 70000: ports are 1..65535
      443,https    | bad port "https" in "443,https": expected a number 1..65535
      8443-8440    | bad port range "8443-8440": the first port is larger than the last
      1-2,8443-8440 | bad port range "8443-8440" in "1-2,8443-8440": the first port is larger than the last
      443-         | bad port "" in "443-": expected a number 1..65535
      """)
  void aBadPortListNamesTheEntry(String text, String message) {
    assertThatThrownBy(() -> PortList.parse(text)).isInstanceOf(TargetSyntaxException.class).hasMessage(message);
  }
}
