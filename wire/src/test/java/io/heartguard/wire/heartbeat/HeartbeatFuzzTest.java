package io.heartguard.wire.heartbeat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heartguard.wire.Bytes;

/**
 * Under {@code mvn test} this replays the empty input and the seeds in HeartbeatFuzzTestInputs/heartbeatMessage/;
 * with JAZZER_FUZZ=1 it fuzzes. Any exception other than {@link HeartbeatException} escapes and is a finding, and
 * so is an accepted message that reaches past its record or keeps under 16 bytes of padding.
 */
class HeartbeatFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void heartbeatMessage(byte[] input) {
    try {
      HeartbeatMessage message = HeartbeatMessage.parse(Bytes.of(input));
      if (message.length() != input.length || message.padding().size() < HeartbeatFrame.MIN_PADDING) {
        throw new AssertionError("accepted " + message + " from a record of " + input.length + " bytes");
      }
    } catch (HeartbeatException refused) {
      // the one exception the parser may throw
    }
  }
}
