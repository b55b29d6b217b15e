package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The two requests the oracle writes, byte for byte where it matters. */
class HeartbeatOracleTest {
  private final byte[] wire = new HeartbeatOracle(ProtocolVersion.TLS1_1, new SplittableRandom(42)).requests();

  @Test
  void theProbeRecordDeclaresSixteenBytesMoreThanItHolds() {
    // 18        content type 24, heartbeat (RFC 6520 section 3)
    // 03 02     record version: the negotiated TLS 1.1
    // 12 13     record length 4627 = 3 + 4608 payload + 16 padding
    // 01        heartbeat_request
    // 12 20     payload_length 4640 = 4608 + 16 + 16: sixteen bytes past the record
    assertThat(HexFormat.of().formatHex(wire, 0, 8)).isEqualTo("18" + "0302" + "1213" + "01" + "1220");
    HeartbeatFrame frame = HeartbeatFrame.peek(wire, 5, 4627);
    assertThat(frame.overclaimedBytes()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
  }

  @Test
  void theControlRecordFollowsWellFormed() {
    int control = 5 + 4627;
    // 18 0302 1113: heartbeat record of 4371 = 3 + 4352 payload + 16 padding; 01 1100: request, payload_length 4352
    assertThat(HexFormat.of().formatHex(wire, control, control + 8)).isEqualTo("18" + "0302" + "1113" + "01" + "1100");
    assertThat(HeartbeatFrame.peek(wire, control + 5, 4371).fitsWithPadding()).isTrue();
    assertThat(wire).hasSize(control + 5 + 4371);
  }

  @Test
  void bothAnswersAreTooLargeForTheHandshakeTimeBuffer() {
    // record header + type + payload_length + payload + 16 bytes of padding, as 1.0.1f frames its answer
    int probeAnswer = 5 + 3 + HeartbeatOracle.declaredProbeLength() + 16;
    int controlAnswer = 5 + 3 + HeartbeatOracle.CONTROL_PAYLOAD_BYTES + 16;
    assertThat(probeAnswer).isGreaterThan(4096);
    assertThat(controlAnswer).isGreaterThan(4096);
  }

  @Test
  void theTwoPayloadsStartDifferently() {
    Bytes probe = Bytes.of(wire, 5 + 3, 16);
    Bytes control = Bytes.of(wire, 5 + 4627 + 5 + 3, 16);
    assertThat(probe).isNotEqualTo(control);
  }
}
