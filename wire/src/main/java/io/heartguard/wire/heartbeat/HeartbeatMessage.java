package io.heartguard.wire.heartbeat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.record.RecordHeader;

/**
 * A well-formed HeartbeatMessage (RFC 6520 section 4). Like Bouncy Castle's, the constructor refuses what the RFC
 * forbids — padding under 16 bytes, a payload of 2^16 bytes or more, a message over a record's 2^14 bytes — so no
 * code of ours can build a malformed one by accident. Deliberate malformations live in {@link HeartbeatProbe}.
 */
public record HeartbeatMessage(HeartbeatMessageType type, Bytes payload, Bytes padding) {
  public HeartbeatMessage {
    java.util.Objects.requireNonNull(type, "type");
    if (padding.size() < HeartbeatFrame.MIN_PADDING) {
      throw new IllegalArgumentException("padding of " + padding.size() + " bytes is under the minimum of 16");
    }
    if (payload.size() > 0xffff) {
      throw new IllegalArgumentException("payload of " + payload.size() + " bytes does not fit payload_length (at most 65535)");
    }
    int length = HeartbeatFrame.HEADER_LENGTH + payload.size() + padding.size();
    if (length > RecordHeader.MAX_PLAINTEXT) {
      // RFC 6520 section 4: the total length MUST NOT exceed 2^14 (or max_fragment_length).
      throw new IllegalArgumentException("heartbeat of " + length + " bytes exceeds a record's 2^14 = 16384");
    }
  }

  public static HeartbeatMessage request(Bytes payload) {
    return new HeartbeatMessage(HeartbeatMessageType.REQUEST, payload, Bytes.repeat(0, HeartbeatFrame.MIN_PADDING));
  }

  public static HeartbeatMessage response(Bytes payload, Bytes padding) {
    return new HeartbeatMessage(HeartbeatMessageType.RESPONSE, payload, padding);
  }

  /** The response a correct peer sends to this request: the same payload, fresh padding. */
  public HeartbeatMessage answer(Bytes freshPadding) {
    return response(payload, freshPadding);
  }

  public int length() {
    return HeartbeatFrame.HEADER_LENGTH + payload.size() + padding.size();
  }

  public byte[] toByteArray() {
    return new ByteWriter(length()).writeUint8(type.code()).writeVector16(payload).write(padding).toByteArray();
  }

  /**
   * Parses a plaintext heartbeat record the way a fixed peer does. A message whose payload_length leaves no room for
   * 16 bytes of padding, or whose type is unknown, is refused with the reason; RFC 6520 section 4 says a receiver
   * discards it silently, which the caller decides.
   */
  public static HeartbeatMessage parse(byte[] fragment, int offset, int length) throws HeartbeatException {
    if (offset < 0 || length < 0 || offset > fragment.length || length > fragment.length - offset) {
      throw new HeartbeatException("heartbeat of " + length + " bytes at offset " + offset + " lies outside the "
          + fragment.length + " bytes given");
    }
    HeartbeatFrame frame = HeartbeatFrame.peek(fragment, offset, length);
    if (frame == null) {
      throw new HeartbeatException("heartbeat of " + length + " bytes is shorter than its 3-byte header");
    }
    if (frame.type() == null) {
      throw new HeartbeatException("heartbeat type " + frame.typeCode() + " is neither request (1) nor response (2)");
    }
    if (length > RecordHeader.MAX_PLAINTEXT) {
      throw new HeartbeatException("heartbeat of " + length + " bytes exceeds a record's 2^14 = 16384");
    }
    // RFC 6520 section 4: a payload_length that leaves under 16 bytes of padding is "too large".
    if (!frame.fitsWithPadding()) {
      throw new HeartbeatException("payload_length " + frame.declaredPayloadLength() + " exceeds record (at most "
          + Math.max(0, length - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING) + ")");
    }
    int payloadStart = offset + HeartbeatFrame.HEADER_LENGTH;
    Bytes payload = Bytes.of(fragment, payloadStart, frame.declaredPayloadLength());
    Bytes padding = Bytes.of(fragment, payloadStart + frame.declaredPayloadLength(), frame.paddingLength());
    return new HeartbeatMessage(frame.type(), payload, padding);
  }

  public static HeartbeatMessage parse(Bytes fragment) throws HeartbeatException {
    return parse(fragment.toByteArray(), 0, fragment.size());
  }

  /** Sizes only: a payload may be memory a vulnerable peer leaked, which is never logged by default. */
  @Override
  public String toString() {
    return "HeartbeatMessage[type=" + type + ", payload=" + payload.size() + " bytes, padding=" + padding.size()
        + " bytes]";
  }
}
