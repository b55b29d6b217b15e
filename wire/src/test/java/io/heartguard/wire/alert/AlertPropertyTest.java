package io.heartguard.wire.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ParserContract;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AlertPropertyTest {
  static final String SEED = "20140407";

  @Property(seed = SEED)
  void alertRoundTrips(@ForAll @IntRange(max = 255) int level, @ForAll @IntRange(max = 255) int description)
      throws Exception {
    Alert alert = new Alert(level, description);
    assertThat(Alert.parse(alert.toBytes())).isEqualTo(alert);
  }

  @Property(seed = SEED)
  void parserRefusesArbitraryBytesOnlyWithAlertException(@ForAll @Size(max = 40) byte[] input) {
    ParserContract.holds(AlertException.class, input.length, () -> Alert.parse(Bytes.of(input)));
  }
}
