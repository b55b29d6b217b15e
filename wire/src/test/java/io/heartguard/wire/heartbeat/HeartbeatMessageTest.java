package io.heartguard.wire.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;
import org.junit.jupiter.api.Test;

class HeartbeatMessageTest {
  static final Bytes REQUEST = Bytes.ofHex(""
      + "01"                                    // heartbeat_request
      + "0003 616263"                           // payload_length 3, payload "abc"
      + "000102030405060708090a0b0c0d0e0f");    // padding: 16 bytes, the minimum

  @Test
  void parsesAWellFormedRequestAndWritesItBack() throws Exception {
    HeartbeatMessage message = HeartbeatMessage.parse(REQUEST);
    assertThat(message.type()).isEqualTo(HeartbeatMessageType.REQUEST);
    assertThat(message.payload()).isEqualTo(Bytes.ofAscii("abc"));
    assertThat(message.padding()).isEqualTo(REQUEST.slice(6, 22));
    assertThat(message.length()).isEqualTo(22);
    assertThat(message.toByteArray()).isEqualTo(REQUEST.toByteArray());
  }

  @Test
  void parsesAtAnOffsetWithinALargerBuffer() throws Exception {
    byte[] buf = new ByteWriter().write(Bytes.ofHex("ffff")).write(REQUEST).write(Bytes.ofHex("ee")).toByteArray();
    assertThat(HeartbeatMessage.parse(buf, 2, REQUEST.size())).isEqualTo(HeartbeatMessage.parse(REQUEST));
  }

  @Test
  void answerEchoesThePayloadWithFreshPadding() throws Exception {
    HeartbeatMessage answer = HeartbeatMessage.parse(REQUEST).answer(Bytes.repeat(0xee, 16));
    assertThat(answer.type()).isEqualTo(HeartbeatMessageType.RESPONSE);
    assertThat(answer.payload()).isEqualTo(Bytes.ofAscii("abc"));
    assertThat(answer.padding()).isEqualTo(Bytes.repeat(0xee, 16));
  }

  @Test
  void paddingUnder16IsRefused() {
    // RFC 6520 section 4: "The padding_length MUST be at least 16."
    assertThatThrownBy(() -> HeartbeatMessage.response(Bytes.EMPTY, Bytes.repeat(0, 15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("padding of 15 bytes is under the minimum of 16");
    assertThatThrownBy(() -> HeartbeatMessage.parse(REQUEST.slice(0, 21)))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("payload_length 3 exceeds record (at most 2)");
  }

  @Test
  void payloadLengthBeyondRecordIsDiscarded() {
    // RFC 6520 section 4: a payload_length that is too large means the message "MUST be discarded silently"; the
    // parser refuses it with the reason and the caller stays silent.
    Bytes overclaim = Bytes.ofHex("01 4000" + "00".repeat(16));
    assertThatThrownBy(() -> HeartbeatMessage.parse(overclaim))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("payload_length 16384 exceeds record (at most 0)");
  }

  @Test
  void messageOverTwoToThe14IsRefused() {
    // RFC 6520 section 4: the total length of a HeartbeatMessage MUST NOT exceed 2^14.
    assertThatThrownBy(() -> HeartbeatMessage.request(Bytes.repeat(1, 16366)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeat of 16385 bytes exceeds a record's 2^14 = 16384");
    assertThat(HeartbeatMessage.request(Bytes.repeat(1, 16365)).length()).isEqualTo(16384);
    Bytes tooLong = new ByteWriter().write(Bytes.ofHex("01 0000")).write(Bytes.repeat(0, 16382)).toBytes();
    assertThatThrownBy(() -> HeartbeatMessage.parse(tooLong))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("heartbeat of 16385 bytes exceeds a record's 2^14 = 16384");
  }

  @Test
  void unknownHeartbeatTypeIsRefused() {
    // RFC 6520 section 3: a message of unknown type is discarded silently.
    assertThatThrownBy(() -> HeartbeatMessage.parse(Bytes.ofHex("03 0000" + "00".repeat(16))))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("heartbeat type 3 is neither request (1) nor response (2)");
  }

  @Test
  void fragmentShorterThanTheHeaderIsRefused() {
    assertThatThrownBy(() -> HeartbeatMessage.parse(Bytes.ofHex("0100")))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("heartbeat of 2 bytes is shorter than its 3-byte header");
    assertThatThrownBy(() -> HeartbeatMessage.parse(new byte[4], 2, 5))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("heartbeat of 5 bytes at offset 2 lies outside the 4 bytes given");
  }

  @Test
  void toStringShowsSizesNotContent() throws Exception {
    // A response's payload may be leaked memory: it must not reach a log by way of toString.
    HeartbeatMessage message = HeartbeatMessage.parse(REQUEST);
    assertThat(message).hasToString("HeartbeatMessage[type=REQUEST, payload=3 bytes, padding=16 bytes]");
  }
}
