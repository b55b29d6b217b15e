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

  /** Parses a header at {@code offset}, which must have five bytes behind it, and checks it is a plausible one. */
  public static RecordHeader parse(byte[] buf, int offset) throws RecordException {
    if (offset < 0 || buf.length - offset < LENGTH) {
      throw new RecordException("record header needs 5 bytes but only " + Math.max(0, buf.length - offset) + " remain");
    }
    int type = buf[offset] & 0xff;
    ContentType.requireCode(type);
    int major = buf[offset + 1] & 0xff;
    int minor = buf[offset + 2] & 0xff;
    if (major != 3 || minor > 3) {
      throw new RecordException(String.format("record version 0x%02x%02x is not SSLv3..TLS 1.2", major, minor));
    }
    int length = ((buf[offset + 3] & 0xff) << 8) | (buf[offset + 4] & 0xff);
    if (length > MAX_CIPHERTEXT) {
      throw new RecordException("record length " + length + " exceeds the maximum of 2^14 + 2048 = " + MAX_CIPHERTEXT);
    }
    return new RecordHeader(type, new ProtocolVersion(major, minor), length);
  }

  /**
   * Whether five bytes look like the start of a TLS record: a known type, version 3.0..3.3 and a legal length.
   * Used to resynchronise a stream after a gap.
   */
  public static boolean isPlausible(byte[] buf, int offset) {
    if (offset < 0 || buf.length - offset < LENGTH) {
      return false;
    }
    int type = buf[offset] & 0xff;
    int length = ((buf[offset + 3] & 0xff) << 8) | (buf[offset + 4] & 0xff);
    return type >= 20 && type <= 24 && buf[offset + 1] == 3 && (buf[offset + 2] & 0xff) <= 3
        && length > 0 && length <= MAX_CIPHERTEXT;
  }

  public void writeTo(byte[] buf, int offset) {
    buf[offset] = (byte) contentType;
    buf[offset + 1] = (byte) version.major();
    buf[offset + 2] = (byte) version.minor();
    buf[offset + 3] = (byte) (length >>> 8);
    buf[offset + 4] = (byte) length;
  }
}
