package io.heartguard.wire.record;

import io.heartguard.wire.Bytes;
import java.util.Arrays;

/**
 * Cuts a TLS byte stream into records. Bytes are pushed in as they arrive ({@link #feed}); complete records are
 * pulled out ({@link #next}). It holds only bytes fed and not yet returned, and refuses a header it cannot trust
 * (unknown type, a version outside SSLv3..TLS 1.2, a length over 2^14 + 2048) as soon as its five bytes are in,
 * before the body that header announces arrives.
 */
public final class RecordReader {
  private byte[] buffer = new byte[1024];
  private int start;
  private int end;
  /** Set once a header is refused: the stream cannot be framed again, so later bytes are not buffered. */
  private boolean refused;

  /** Appends bytes as they arrived; after {@link #next} has refused a header they are dropped, not buffered. */
  public void feed(byte[] data, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, data.length);
    if (refused) {
      return;
    }
    if (end + length > buffer.length) {
      compactAndGrow(length);
    }
    System.arraycopy(data, offset, buffer, end, length);
    end += length;
  }

  public void feed(byte[] data) {
    feed(data, 0, data.length);
  }

  /** The next complete record, or null when more bytes are needed. */
  public TlsRecord next() throws RecordException {
    if (end - start < RecordHeader.LENGTH) {
      return null;
    }
    RecordHeader header;
    try {
      header = RecordHeader.parse(buffer, start);
    } catch (RecordException e) {
      refused = true;
      throw e;
    }
    if (end - start < RecordHeader.LENGTH + header.length()) {
      return null;
    }
    Bytes fragment = Bytes.of(buffer, start + RecordHeader.LENGTH, header.length());
    start += RecordHeader.LENGTH + header.length();
    return new TlsRecord(header.type(), header.version(), fragment);
  }

  /** Bytes received that do not yet form a complete record. */
  public int buffered() {
    return end - start;
  }

  /** A copy of the bytes not yet consumed, e.g. to show what a peer sent that was not TLS. */
  public byte[] peekBuffered(int maxBytes) {
    return Arrays.copyOfRange(buffer, start, start + Math.clamp(maxBytes, 0, end - start));
  }

  private void compactAndGrow(int incoming) {
    int live = end - start;
    byte[] target = live + incoming > buffer.length ? new byte[Math.max(buffer.length * 2, live + incoming)] : buffer;
    System.arraycopy(buffer, start, target, 0, live);
    buffer = target;
    start = 0;
    end = live;
  }
}
