package io.heartguard.wire.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import org.junit.jupiter.api.Test;

class HeartbeatProbeTest {
  @Test
  void declaredPayloadLengthOverridesOnlyThatField() {
    HeartbeatMessage honest = HeartbeatMessage.request(Bytes.ofAscii("abc"));

    byte[] probe = HeartbeatProbe.withDeclaredPayloadLength(honest, 0x4000);

    assertThat(Bytes.of(probe)).isEqualTo(Bytes.ofHex("01 4000 616263" + "00".repeat(16)));
    HeartbeatFrame frame = HeartbeatFrame.peek(probe, 0, probe.length);
    assertThat(frame.overclaimedBytes()).isEqualTo(16384 + 3 - 22);
    assertThat(honest.toByteArray()).isEqualTo(Bytes.ofHex("01 0003 616263" + "00".repeat(16)).toByteArray());
  }

  @Test
  void declaredPayloadLengthMustFitSixteenBits() {
    HeartbeatMessage honest = HeartbeatMessage.request(Bytes.EMPTY);
    assertThatThrownBy(() -> HeartbeatProbe.withDeclaredPayloadLength(honest, 0x10000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("payload_length must be 0..65535, got 65536");
  }

  @Test
  void withoutPaddingIsHonestAboutItsPayloadButIllegal() {
    byte[] probe = HeartbeatProbe.withoutPadding(HeartbeatMessageType.REQUEST, Bytes.ofAscii("abc"));

    assertThat(Bytes.of(probe)).isEqualTo(Bytes.ofHex("01 0003 616263"));
    HeartbeatFrame frame = HeartbeatFrame.peek(probe, 0, probe.length);
    assertThat(frame.payloadFits()).isTrue();
    assertThat(frame.fitsWithPadding()).isFalse();
    assertThatThrownBy(() -> HeartbeatMessage.parse(Bytes.of(probe))).isInstanceOf(HeartbeatException.class);
  }
}
