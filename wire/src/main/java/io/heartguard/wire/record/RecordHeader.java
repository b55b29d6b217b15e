package io.heartguard.wire.record;

/**
 * The five-byte TLS record header (RFC 5246 section 6.2.1): type, version, length. The content type is kept as its
 * code so that a monitor can report records of types it does not know.
 */
public record RecordHeader(int contentType, ProtocolVersion version, int length) {
  public static final int LENGTH = 5;
  /** RFC 5246 section 6.2.1: the plaintext fragment is at most 2^14 bytes. */
  public static final int MAX_PLAINTEXT = 1 << 14;
  /** RFC 5246 section 6.2.3: ciphertext may add up to 2048 bytes of expansion. */
  public static final int MAX_CIPHERTEXT = (1 << 14) + 2048;

  public RecordHeader {
    if (contentType < 0 || contentType > 0xff || length < 0 || length > 0xffff) {
      throw new IllegalArgumentException("header fields out of range: type " + contentType + ", length " + length);
    }
  }

  public ContentType type() {
    return ContentType.fromCode(contentType);
  }

  /**
   * Parses a header at {@code offset}, which must have five bytes behind it, and checks it is one {@link
   * RecordFramer#isTlsHeader} places. A reader of records must also know their type, so an undefined content type
   * is refused here too (1.0.1f sends unexpected_message for one over TLS 1.2 and SSLv3, ssl3_read_bytes).
   */
  public static RecordHeader parse(byte[] buf, int offset) throws RecordException {
    if (offset < 0 || buf.length - offset < LENGTH) {
      throw new RecordException("record header needs 5 bytes but only " + Math.max(0, buf.length - offset) + " remain");
    }
    int type = buf[offset] & 0xff;
    ContentType.requireCode(type);
    int major = buf[offset + 1] & 0xff;
    int minor = buf[offset + 2] & 0xff;
    int length = ((buf[offset + 3] & 0xff) << 8) | (buf[offset + 4] & 0xff);
    if (!RecordFramer.isTlsHeader(buf, offset)) {
      throw major != 3
          ? new RecordException(String.format("record version 0x%02x%02x is not 3.x (ssl3_get_record)", major, minor))
          : new RecordException("record length " + length + " exceeds the maximum of 2^14 + 2048 = " + MAX_CIPHERTEXT);
    }
    return new RecordHeader(type, new ProtocolVersion(major, minor), length);
  }

  public void writeTo(byte[] buf, int offset) {
    buf[offset] = (byte) contentType;
    buf[offset + 1] = (byte) version.major();
    buf[offset + 2] = (byte) version.minor();
    buf[offset + 3] = (byte) (length >>> 8);
    buf[offset + 4] = (byte) length;
  }
}
