package io.heartguard.sensor.capture;

import java.io.IOException;
import java.io.InputStream;

/**
 * A refillable window over a stream, the capture reader's hot path: records are parsed in place from one array,
 * which is refilled (moving the unread tail to the front) only when a record crosses its end. The array is small
 * enough to stay in a core's L2 cache between the refill that writes it and the parsing that reads it.
 */
final class ByteSource {
  /** Fits a core's L2 cache with room to spare; a larger record grows the array. */
  static final int DEFAULT_CAPACITY = 256 * 1024;

  /** Where the bytes come from: a stream, or a memory-mapped file. */
  interface Refill {
    /** Reads up to {@code length} bytes into {@code b} at {@code offset}; -1 at the end. */
    int read(byte[] b, int offset, int length) throws IOException;
  }

  private final Refill in;
  byte[] buf;
  int pos;
  int limit;
  private long consumedBefore;
  private boolean eof;

  ByteSource(InputStream in) {
    this(in::read, DEFAULT_CAPACITY);
  }

  ByteSource(InputStream in, int capacity) {
    this(in::read, capacity);
  }

  ByteSource(Refill in, int capacity) {
    this.in = in;
    this.buf = new byte[capacity];
  }

  /** Makes at least {@code n} bytes readable at {@code pos}; false when the stream ends first. */
  boolean require(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (n > buf.length) {
      byte[] bigger = new byte[Math.max(n, buf.length * 2)];
      System.arraycopy(buf, pos, bigger, 0, limit - pos);
      buf = bigger;
    } else if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
    }
    consumedBefore += pos;
    limit -= pos;
    pos = 0;
    while (limit < n && !eof) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return limit - pos >= n;
  }

  int available() {
    return limit - pos;
  }

  /** The stream offset of {@code pos}, for problem reports. */
  long offset() {
    return consumedBefore + pos;
  }

  int int32(int at, boolean bigEndian) {
    byte[] b = buf;
    return bigEndian
        ? ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff)
        : ((b[at + 3] & 0xff) << 24) | ((b[at + 2] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at] & 0xff);
  }

  int uint16(int at, boolean bigEndian) {
    byte[] b = buf;
    return bigEndian ? ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff) : ((b[at + 1] & 0xff) << 8) | (b[at] & 0xff);
  }
}
