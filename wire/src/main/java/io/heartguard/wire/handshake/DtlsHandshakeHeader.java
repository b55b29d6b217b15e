package io.heartguard.wire.handshake;

/**
 * The twelve-byte DTLS handshake header (RFC 6347 section 4.2.2): msg_type, length, message_seq, fragment_offset,
 * fragment_length. A message may arrive in fragments; each fragment must lie inside the message it belongs to.
 */
public record DtlsHandshakeHeader(int typeCode, int length, int messageSeq, int fragmentOffset, int fragmentLength) {
  /** msg_type (1) + length (3) + message_seq (2) + fragment_offset (3) + fragment_length (3). */
  public static final int LENGTH = 1 + 3 + 2 + 3 + 3;

  public DtlsHandshakeHeader {
    if (typeCode < 0 || typeCode > 0xff || length < 0 || length > 0xffffff || messageSeq < 0 || messageSeq > 0xffff
        || fragmentOffset < 0 || fragmentLength < 0 || (long) fragmentOffset + fragmentLength > length) {
      throw new IllegalArgumentException("DTLS handshake header out of range: type " + typeCode + ", length " + length
          + ", message_seq " + messageSeq + ", fragment " + fragmentOffset + "+" + fragmentLength);
    }
  }

  /** The type, or null when the code is not one this core knows. */
  public HandshakeType type() {
    return HandshakeType.fromCode(typeCode);
  }

  /** Whether this fragment is the whole message, as when nothing needed fragmenting. */
  public boolean isWholeMessage() {
    return fragmentOffset == 0 && fragmentLength == length;
  }

  public static DtlsHandshakeHeader parse(byte[] buf, int offset) throws HandshakeException {
    if (offset < 0 || offset > buf.length || buf.length - offset < LENGTH) {
      throw new HandshakeException("DTLS handshake header needs 12 bytes but only "
          + Math.max(0, buf.length - Math.max(0, offset)) + " remain");
    }
    int type = buf[offset] & 0xff;
    int length = uint24(buf, offset + 1);
    int messageSeq = ((buf[offset + 4] & 0xff) << 8) | (buf[offset + 5] & 0xff);
    int fragmentOffset = uint24(buf, offset + 6);
    int fragmentLength = uint24(buf, offset + 9);
    // RFC 6347 section 4.2.3: a fragment covers bytes fragment_offset .. fragment_offset + fragment_length of the
    // message; one reaching past the message's length cannot be placed.
    if (fragmentOffset + fragmentLength > length) {
      throw new HandshakeException("fragment at " + fragmentOffset + " of " + fragmentLength + " bytes reaches past the "
          + "message's length " + length);
    }
    return new DtlsHandshakeHeader(type, length, messageSeq, fragmentOffset, fragmentLength);
  }

  public void writeTo(byte[] buf, int offset) {
    buf[offset] = (byte) typeCode;
    writeUint24(buf, offset + 1, length);
    buf[offset + 4] = (byte) (messageSeq >>> 8);
    buf[offset + 5] = (byte) messageSeq;
    writeUint24(buf, offset + 6, fragmentOffset);
    writeUint24(buf, offset + 9, fragmentLength);
  }

  public byte[] toByteArray() {
    byte[] out = new byte[LENGTH];
    writeTo(out, 0);
    return out;
  }

  private static int uint24(byte[] buf, int at) {
    return ((buf[at] & 0xff) << 16) | ((buf[at + 1] & 0xff) << 8) | (buf[at + 2] & 0xff);
  }

  private static void writeUint24(byte[] buf, int at, int value) {
    buf[at] = (byte) (value >>> 16);
    buf[at + 1] = (byte) (value >>> 8);
    buf[at + 2] = (byte) value;
  }
}
