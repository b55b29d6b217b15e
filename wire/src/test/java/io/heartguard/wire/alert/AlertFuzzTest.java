package io.heartguard.wire.alert;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heartguard.wire.Bytes;

/**
 * Under {@code mvn test} this replays the empty input and the seeds in AlertFuzzTestInputs/alert/; with
 * JAZZER_FUZZ=1 it fuzzes. Any exception other than {@link AlertException} escapes and is a finding.
 */
class AlertFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void alert(byte[] input) {
    try {
      Alert alert = Alert.parse(Bytes.of(input));
      if (!alert.toBytes().equals(Bytes.of(input))) {
        throw new AssertionError("alert " + alert + " does not write back the two bytes it was parsed from");
      }
    } catch (AlertException refused) {
      // the one exception the parser may throw
    }
  }
}
