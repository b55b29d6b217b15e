package io.heartguard.wire.record;

/** The thirteen-byte DTLS record header (RFC 6347 section 4.1): type, version, epoch, 48-bit sequence, length. */
public record DtlsRecordHeader(int contentType, ProtocolVersion version, int epoch, long sequenceNumber, int length) {
  public static final int LENGTH = 13;

  public DtlsRecordHeader {
    if (contentType < 0 || contentType > 0xff || epoch < 0 || epoch > 0xffff
        || sequenceNumber < 0 || sequenceNumber >= (1L << 48) || length < 0 || length > 0xffff) {
      throw new IllegalArgumentException("DTLS header fields out of range");
    }
  }

  public ContentType type() {
    return ContentType.fromCode(contentType);
  }

  public static DtlsRecordHeader parse(byte[] buf, int offset) throws RecordException {
    if (offset < 0 || buf.length - offset < LENGTH) {
      throw new RecordException("DTLS record header needs 13 bytes but only " + Math.max(0, buf.length - offset) + " remain");
    }
    int type = buf[offset] & 0xff;
    ContentType.requireCode(type);
    ProtocolVersion version = new ProtocolVersion(buf[offset + 1] & 0xff, buf[offset + 2] & 0xff);
    int epoch = ((buf[offset + 3] & 0xff) << 8) | (buf[offset + 4] & 0xff);
    long seq = 0;
    for (int i = 5; i < 11; i++) {
      seq = (seq << 8) | (buf[offset + i] & 0xff);
    }
    int length = ((buf[offset + 11] & 0xff) << 8) | (buf[offset + 12] & 0xff);
    if (!RecordFramer.isDtlsHeader(buf, offset)) {
      throw !version.isDtls()
          ? new RecordException("record version " + version + " is not a DTLS version (0xfeXX)")
          : new RecordException("DTLS record length " + length + " exceeds the maximum of " + RecordHeader.MAX_CIPHERTEXT);
    }
    return new DtlsRecordHeader(type, version, epoch, seq, length);
  }

  public void writeTo(byte[] buf, int offset) {
    buf[offset] = (byte) contentType;
    buf[offset + 1] = (byte) version.major();
    buf[offset + 2] = (byte) version.minor();
    buf[offset + 3] = (byte) (epoch >>> 8);
    buf[offset + 4] = (byte) epoch;
    for (int i = 0; i < 6; i++) {
      buf[offset + 5 + i] = (byte) (sequenceNumber >>> (40 - 8 * i));
    }
    buf[offset + 11] = (byte) (length >>> 8);
    buf[offset + 12] = (byte) length;
  }
}
