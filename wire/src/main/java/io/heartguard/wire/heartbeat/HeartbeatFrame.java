package io.heartguard.wire.heartbeat;

/**
 * What a heartbeat record claims about itself, read without trusting it: the type, the declared payload_length and
 * the record's real length. A monitor compares the claim with the record; a fixed peer applies the RFC 6520
 * section 4 rule. Reading a frame copies nothing.
 */
public record HeartbeatFrame(int typeCode, int declaredPayloadLength, int recordLength) {
  /** type (1) + payload_length (2). */
  public static final int HEADER_LENGTH = 1 + 2;
  /** RFC 6520 section 4: "The padding_length MUST be at least 16." */
  public static final int MIN_PADDING = 16;

  public HeartbeatFrame {
    if (typeCode < 0 || typeCode > 0xff || declaredPayloadLength < 0 || declaredPayloadLength > 0xffff
        || recordLength < 0) {
      throw new IllegalArgumentException("heartbeat frame fields out of range: type " + typeCode + ", payload_length "
          + declaredPayloadLength + ", record length " + recordLength);
    }
  }

  /** The message type, or null for a code RFC 6520 does not define (such a message is discarded silently). */
  public HeartbeatMessageType type() {
    return HeartbeatMessageType.fromCode(typeCode);
  }

  /**
   * Peeks at a plaintext heartbeat record of {@code length} bytes at {@code offset}, or returns null when it is too
   * short to hold even the type and payload_length, or when the range lies outside {@code fragment}.
   */
  public static HeartbeatFrame peek(byte[] fragment, int offset, int length) {
    // Written as a subtraction so that a huge offset + length cannot overflow past the check.
    if (length < HEADER_LENGTH || offset < 0 || offset > fragment.length || length > fragment.length - offset) {
      return null;
    }
    int type = fragment[offset] & 0xff;
    int payloadLength = ((fragment[offset + 1] & 0xff) << 8) | (fragment[offset + 2] & 0xff);
    return new HeartbeatFrame(type, payloadLength, length);
  }

  /**
   * The bytes the claimed payload would occupy beyond the record: 0 when the claim ends inside it. A vulnerable peer
   * (OpenSSL 1.0.1 to 1.0.1f) echoes exactly this many bytes of its own memory.
   */
  public int overclaimedBytes() {
    return Math.max(0, HEADER_LENGTH + declaredPayloadLength - recordLength);
  }

  /** Whether payload_length stays inside the record at all (1.0.1f's only implicit bound was the read buffer). */
  public boolean payloadFits() {
    return HEADER_LENGTH + declaredPayloadLength <= recordLength;
  }

  /**
   * RFC 6520 section 4: "If the payload_length of a received HeartbeatMessage is too large, the received
   * HeartbeatMessage MUST be discarded silently." Too large means no room for 16 bytes of padding: the 1.0.1g fix.
   */
  public boolean fitsWithPadding() {
    return HEADER_LENGTH + declaredPayloadLength + MIN_PADDING <= recordLength;
  }

  /** The largest payload_length this record may declare and still carry 16 bytes of padding (RFC 6520 section 4). */
  public int maxPayloadLength() {
    return Math.max(0, recordLength - HEADER_LENGTH - MIN_PADDING);
  }

  /**
   * How many bytes the record lacks for the claimed payload plus the 16 bytes of padding RFC 6520 section 4
   * requires: 0 exactly when {@link #fitsWithPadding}. Unlike {@link #overclaimedBytes} it counts the padding, so a
   * claim that ends exactly at the record's end (Zeek's heartbleed.pcap: record 16368, payload_length 16365) is 16
   * bytes too large yet leaks nothing.
   */
  public int excessPayloadLength() {
    return Math.max(0, HEADER_LENGTH + declaredPayloadLength + MIN_PADDING - recordLength);
  }

  /** How many padding bytes the record carries after the claimed payload, negative when it claims too much. */
  public int paddingLength() {
    return recordLength - HEADER_LENGTH - declaredPayloadLength;
  }
}
