package io.heartguard.detect;

import io.heartguard.wire.record.RecordHeader;

/** What a {@link TlsRecordReader} hands on: records, and the places where it lost and found the record boundary. */
public interface RecordListener {
  /**
   * One record. {@code fragment[offset, offset + available)} holds the first {@code available} bytes of its
   * fragment: all of them, except for application data (skipped unread, available 0) and a record whose end the
   * capture lost. The array is only valid during the call.
   */
  void onRecord(Direction direction, RecordHeader header, byte[] fragment, int offset, int available,
      long timestampNanos);

  /** The reader skipped {@code skippedBytes} that were not records before finding the next record boundary. */
  void onResync(Direction direction, TlsRecordReader.Resync kind, long skippedBytes);
}
