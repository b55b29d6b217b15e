package io.heartguard.wire.record;

import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * One DTLS record: its thirteen-byte header (RFC 6347 section 4.1) and the fragment it carries. Records travel in
 * datagrams: a datagram may hold several records, and a record never spans two (RFC 6347 section 4.1.1), so a
 * datagram is parsed whole or refused.
 */
public record DtlsRecord(DtlsRecordHeader header, Bytes fragment) {
  public DtlsRecord {
    java.util.Objects.requireNonNull(header, "header");
    if (header.length() != fragment.size()) {
      throw new IllegalArgumentException("header length " + header.length() + " but fragment of " + fragment.size()
          + " bytes");
    }
  }

  /** A record of {@code type} at {@code epoch} and {@code sequenceNumber} holding {@code fragment}. */
  public static DtlsRecord of(ContentType type, ProtocolVersion version, int epoch, long sequenceNumber,
      Bytes fragment) {
    return new DtlsRecord(new DtlsRecordHeader(type.code(), version, epoch, sequenceNumber, fragment.size()), fragment);
  }

  public ContentType type() {
    return header.type();
  }

  public int length() {
    return DtlsRecordHeader.LENGTH + fragment.size();
  }

  public void writeTo(byte[] buf, int offset) {
    header.writeTo(buf, offset);
    fragment.copyTo(buf, offset + DtlsRecordHeader.LENGTH);
  }

  public byte[] toByteArray() {
    byte[] out = new byte[length()];
    writeTo(out, 0);
    return out;
  }

  /** Records back to back, as one datagram. */
  public static byte[] datagram(List<DtlsRecord> records) {
    int size = 0;
    for (DtlsRecord r : records) {
      size += r.length();
    }
    byte[] out = new byte[size];
    int at = 0;
    for (DtlsRecord r : records) {
      r.writeTo(out, at);
      at += r.length();
    }
    return out;
  }

  /**
   * Every record of the first {@code length} bytes of {@code datagram}, in order. A record whose length reaches past
   * the datagram's end is refused, not waited for: RFC 6347 section 4.1.1 keeps each record inside one datagram.
   */
  public static List<DtlsRecord> parseDatagram(byte[] datagram, int length) throws RecordException {
    if (length < 0 || length > datagram.length) {
      throw new IllegalArgumentException("length " + length + " outside the " + datagram.length + "-byte buffer");
    }
    List<DtlsRecord> records = new ArrayList<>();
    int at = 0;
    while (at < length) {
      if (length - at < DtlsRecordHeader.LENGTH) {
        throw new RecordException("datagram ends " + (length - at) + " bytes into a record header at offset " + at
            + " (a header is 13 bytes)");
      }
      DtlsRecordHeader header = DtlsRecordHeader.parse(datagram, at);
      int bodyAt = at + DtlsRecordHeader.LENGTH;
      if (header.length() > length - bodyAt) {
        throw new RecordException("DTLS record at offset " + at + " declares " + header.length()
            + " bytes but the datagram holds only " + (length - bodyAt) + " after its header");
      }
      records.add(new DtlsRecord(header, Bytes.of(datagram, bodyAt, header.length())));
      at = bodyAt + header.length();
    }
    return records;
  }

  /** Sizes only: a fragment may be memory a vulnerable peer leaked. */
  @Override
  public String toString() {
    return "DtlsRecord[" + header + ", fragment=" + fragment.size() + " bytes]";
  }
}
