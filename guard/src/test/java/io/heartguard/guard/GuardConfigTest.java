package io.heartguard.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardConfigTest {

  @Test
  void eachLineIsAListenerAndMissingFieldsTakeTheDefaults() {
    String text = """
        # listen          upstream            policies                    action
        0.0.0.0:443       10.0.0.5:443        block-malformed,block-leak  drop
        [::1]:10993       imap.example:993    restrict   # IMAPS, heartbeats off
        127.0.0.1:8443    127.0.0.1:4433
        """;

    List<ListenerSpec> listeners = GuardConfig.parse(text, "guard.conf", EnumSet.of(Policy.MONITOR), Action.RESET);

    assertThat(listeners).containsExactly(
        new ListenerSpec(new Endpoint("0.0.0.0", 443), new Endpoint("10.0.0.5", 443),
            EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK), Action.DROP),
        new ListenerSpec(new Endpoint("::1", 10993), new Endpoint("imap.example", 993),
            EnumSet.of(Policy.RESTRICT), Action.RESET),
        new ListenerSpec(new Endpoint("127.0.0.1", 8443), new Endpoint("127.0.0.1", 4433),
            EnumSet.of(Policy.MONITOR), Action.RESET));
  }

  @Test
  void errorsNameTheFileLineAndWhatWasExpected() {
    assertThatThrownBy(() -> GuardConfig.parse("\n127.0.0.1:1 127.0.0.1:2 block-everything\n", "guard.conf",
        Policy.DEFAULT, Action.RESET))
        .hasMessage("guard.conf line 2: policy 'block-everything' is not one of block-malformed, block-leak, restrict,"
            + " monitor");
    assertThatThrownBy(() -> GuardConfig.parse("127.0.0.1:1\n", "guard.conf", Policy.DEFAULT, Action.RESET))
        .hasMessage("guard.conf line 1: expected 'listen upstream [policies] [action]' but saw 1 fields");
    assertThatThrownBy(() -> GuardConfig.parse("# nothing\n", "guard.conf", Policy.DEFAULT, Action.RESET))
        .hasMessage("guard.conf: no listener lines found");
  }

  @Test
  void monitorStandsAlone() {
    assertThatThrownBy(() -> Policy.parseList("monitor,restrict"))
        .hasMessage("policy 'monitor' cannot be combined with blocking policies, got 'monitor,restrict'");
  }

  @Test
  void endpointsParseHostsPortsAndBracketedIpv6() {
    assertThat(Endpoint.parse("[::1]:8443")).isEqualTo(new Endpoint("::1", 8443));
    assertThat(Endpoint.parse("localhost:443").toString()).isEqualTo("localhost:443");
    assertThat(new Endpoint("::1", 1).toString()).isEqualTo("[::1]:1");
    assertThatThrownBy(() -> Endpoint.parse("::1:8443"))
        .hasMessage("bad host:port \"::1:8443\": write an IPv6 address with its port as [2001:db8::1]:443");
    assertThatThrownBy(() -> Endpoint.parse("host:http")).hasMessage("bad port \"http\" in \"host:http\": expected a number 1..65535");
    assertThatThrownBy(() -> Endpoint.parse("host:70000")).hasMessage("bad port 70000 in \"host:70000\": ports are 1..65535");
  }
}
