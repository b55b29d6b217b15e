package io.heartguard.wire.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import org.junit.jupiter.api.Test;

class HeartbeatFrameTest {
  /**
   * The attack record of Zeek's heartbleed.pcap, sent in plaintext before the handshake finished. Its record
   * version is 0x0303 in the capture. The attacker sent 16349 bytes of 'A' and 16 of 'B' as padding, then declared
   * the padding part of the payload: the claim ends exactly at the record's end, so it is illegal (no padding left)
   * yet reaches no memory beyond the record.
   */
  static final Bytes HEARTBLEED_PCAP_RECORD = new ByteWriter()
      .write(Bytes.ofHex("18 0303 3ff0"))   // heartbeat record, TLS 1.2, 16368 bytes
      .write(Bytes.ofHex("01 3fed"))        // heartbeat_request, payload_length 16365
      .write(Bytes.repeat('A', 16349))      // what the attacker sent as payload ...
      .write(Bytes.repeat('B', 16))         // ... and as padding
      .toBytes();

  /** The request of the 2014 proof-of-concept ssltest.py: no payload at all, 16384 bytes claimed. */
  static final Bytes SSLTEST_RECORD = Bytes.ofHex(""
      + "18 0302 0003"     // heartbeat record, TLS 1.1, 3 bytes
      + "01 4000");        // heartbeat_request, payload_length 16384, nothing after it

  static TlsRecord onlyRecordIn(Bytes wire) throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(wire.toByteArray());
    TlsRecord record = reader.next();
    assertThat(reader.buffered()).isZero();
    return record;
  }

  @Test
  void heartbleedPcapRecordClaimsItsOwnPaddingAsPayload() throws Exception {
    TlsRecord record = onlyRecordIn(HEARTBLEED_PCAP_RECORD);
    assertThat(record.type()).isEqualTo(ContentType.HEARTBEAT);
    assertThat(record.version()).isEqualTo(ProtocolVersion.TLS1_2);
    byte[] fragment = record.fragment().toByteArray();

    HeartbeatFrame frame = HeartbeatFrame.peek(fragment, 0, fragment.length);

    assertThat(frame).isEqualTo(new HeartbeatFrame(1, 16365, 16368));
    assertThat(frame.type()).isEqualTo(HeartbeatMessageType.REQUEST);
    assertThat(frame.payloadFits()).isTrue();
    assertThat(frame.overclaimedBytes()).isZero();
    assertThat(frame.fitsWithPadding()).isFalse();
    assertThat(frame.maxPayloadLength()).isEqualTo(16349);
    assertThat(frame.excessPayloadLength()).isEqualTo(16);
    assertThat(frame.paddingLength()).isZero();
    assertThatThrownBy(() -> HeartbeatMessage.parse(record.fragment()))
        .isInstanceOf(HeartbeatException.class)
        .hasMessage("payload_length 16365 exceeds record (at most 16349)");
  }

  @Test
  void heartbeatFrameReportsOverclaimedBytes() throws Exception {
    byte[] fragment = onlyRecordIn(SSLTEST_RECORD).fragment().toByteArray();

    HeartbeatFrame frame = HeartbeatFrame.peek(fragment, 0, fragment.length);

    assertThat(frame.declaredPayloadLength()).isEqualTo(16384);
    assertThat(frame.overclaimedBytes()).isEqualTo(16384);   // every echoed byte would be the peer's memory
    assertThat(frame.excessPayloadLength()).isEqualTo(16384 + 16);
    assertThat(frame.payloadFits()).isFalse();
    assertThat(frame.paddingLength()).isEqualTo(-16384);
  }

  @Test
  void wellFormedRequestFitsWithPadding() {
    byte[] fragment = HeartbeatMessage.request(Bytes.ofAscii("abc")).toByteArray();
    HeartbeatFrame frame = HeartbeatFrame.peek(fragment, 0, fragment.length);
    assertThat(frame.fitsWithPadding()).isTrue();
    assertThat(frame.overclaimedBytes()).isZero();
    assertThat(frame.excessPayloadLength()).isZero();
    assertThat(frame.paddingLength()).isEqualTo(16);
  }

  @Test
  void peekReturnsNullWhenNotEvenTheHeaderIsThereOrTheRangeIsOutside() {
    assertThat(HeartbeatFrame.peek(new byte[2], 0, 2)).isNull();
    assertThat(HeartbeatFrame.peek(new byte[8], 6, 3)).isNull();
    assertThat(HeartbeatFrame.peek(new byte[8], Integer.MAX_VALUE, 3)).isNull();
    assertThat(HeartbeatFrame.peek(new byte[8], 3, Integer.MAX_VALUE)).isNull();
    assertThat(HeartbeatFrame.peek(new byte[8], -1, 3)).isNull();
  }

  @Test
  void unknownTypeHasNoEnumValue() {
    assertThat(new HeartbeatFrame(3, 0, 19).type()).isNull();
  }
}
