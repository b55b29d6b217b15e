package io.heartguard.wire.record;

import io.heartguard.wire.Bytes;

/** One TLS record: header fields and its fragment (plaintext or ciphertext, the record layer cannot tell). */
public record TlsRecord(ContentType type, ProtocolVersion version, Bytes fragment) {
  public TlsRecord {
    java.util.Objects.requireNonNull(type, "type");
    java.util.Objects.requireNonNull(version, "version");
    if (fragment.size() > RecordHeader.MAX_CIPHERTEXT) {
      throw new IllegalArgumentException("fragment of " + fragment.size() + " bytes exceeds " + RecordHeader.MAX_CIPHERTEXT);
    }
  }

  public RecordHeader header() {
    return new RecordHeader(type.code(), version, fragment.size());
  }

  public byte[] toByteArray() {
    byte[] out = new byte[RecordHeader.LENGTH + fragment.size()];
    header().writeTo(out, 0);
    fragment.copyTo(out, RecordHeader.LENGTH);
    return out;
  }

  /** Header fields and size only: a fragment may hold memory a peer leaked, which is never logged by default. */
  @Override
  public String toString() {
    return "TlsRecord[type=" + type + ", version=" + version + ", fragment=" + fragment.size() + " bytes]";
  }

  /** Wraps {@code fragment} in as many records of at most 2^14 bytes as it needs (RFC 5246 section 6.2.1). */
  public static byte[] fragmentInto(ContentType type, ProtocolVersion version, Bytes data) {
    int records = Math.max(1, (data.size() + RecordHeader.MAX_PLAINTEXT - 1) / RecordHeader.MAX_PLAINTEXT);
    byte[] out = new byte[data.size() + records * RecordHeader.LENGTH];
    int in = 0;
    int pos = 0;
    do {
      int n = Math.min(RecordHeader.MAX_PLAINTEXT, data.size() - in);
      new RecordHeader(type.code(), version, n).writeTo(out, pos);
      System.arraycopy(data.slice(in, in + n).toByteArray(), 0, out, pos + RecordHeader.LENGTH, n);
      pos += RecordHeader.LENGTH + n;
      in += n;
    } while (in < data.size());
    return out;
  }
}
