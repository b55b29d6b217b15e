package io.heartguard.wire.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ParserContract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HeartbeatPropertyTest {
  static final String SEED = "20140407";

  @Property(seed = SEED)
  void heartbeatMessageRoundTrips(@ForAll("messages") HeartbeatMessage message) throws Exception {
    assertThat(HeartbeatMessage.parse(message.toByteArray(), 0, message.length())).isEqualTo(message);
  }

  @Property(seed = SEED)
  void parserRefusesArbitraryBytesOnlyWithHeartbeatException(@ForAll @Size(max = 600) byte[] input) {
    ParserContract.holds(HeartbeatException.class, input.length, () -> HeartbeatMessage.parse(Bytes.of(input)));
  }

  @Property(seed = SEED)
  void parserRefusesAnyOffsetAndLengthOnlyWithHeartbeatException(@ForAll @Size(max = 64) byte[] input,
      @ForAll @IntRange(min = -3, max = 70) int offset, @ForAll @IntRange(min = -3, max = 70) int length) {
    ParserContract.holds(HeartbeatException.class, input.length, () -> HeartbeatMessage.parse(input, offset, length));
  }

  @Property(seed = SEED)
  void parsedMessageNeverReachesPastItsRecord(@ForAll("declaredLengths") int declared,
      @ForAll @Size(max = 200) byte[] rest) {
    byte[] fragment = new byte[3 + rest.length];
    fragment[0] = 1;
    fragment[1] = (byte) (declared >>> 8);
    fragment[2] = (byte) declared;
    System.arraycopy(rest, 0, fragment, 3, rest.length);
    HeartbeatFrame frame = HeartbeatFrame.peek(fragment, 0, fragment.length);
    try {
      HeartbeatMessage message = HeartbeatMessage.parse(fragment, 0, fragment.length);
      assertThat(message.length()).isEqualTo(fragment.length);
      assertThat(message.padding().size()).isGreaterThanOrEqualTo(16);
      assertThat(frame.excessPayloadLength()).isZero();
    } catch (HeartbeatException refused) {
      assertThat(frame.fitsWithPadding()).isFalse();
      assertThat(frame.excessPayloadLength()).isPositive();
    }
    assertThat(frame.overclaimedBytes()).isEqualTo(Math.max(0, -frame.paddingLength()));
  }

  @Provide
  Arbitrary<Integer> declaredLengths() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 200), Arbitraries.integers().between(0, 0xffff));
  }

  @Provide
  Arbitrary<HeartbeatMessage> messages() {
    return Combinators.combine(
        Arbitraries.of(HeartbeatMessageType.class),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(Bytes::of),
        Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(64).map(Bytes::of))
        .as(HeartbeatMessage::new);
  }
}
