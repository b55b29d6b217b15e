package io.heartguard.audit.elf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes that can be read at any position: a file on disk, a member of an uncompressed tar at its offset, or an
 * archive member already read into memory. The ELF reader asks only for the pieces it needs.
 */
public interface RandomAccessInput {
  long size();

  /** Reads exactly {@code length} bytes at {@code position}, or throws {@link EOFException} if the input is shorter. */
  void readFully(long position, byte[] dst, int offset, int length) throws IOException;

  default byte[] read(long position, int length) throws IOException {
    byte[] b = new byte[length];
    readFully(position, b, 0, length);
    return b;
  }

  /** A buffered stream over these bytes whose skip is a seek, so skipping a member of a tar costs nothing. */
  default java.io.InputStream stream() {
    RandomAccessInput self = this;
    return new java.io.InputStream() {
      private final byte[] buffer = new byte[64 << 10];
      private long position;
      private int start;
      private int end;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (start == end) {
          int n = (int) Math.min(buffer.length, self.size() - position);
          if (n <= 0) {
            return -1;
          }
          self.readFully(position, buffer, 0, n);
          position += n;
          start = 0;
          end = n;
        }
        int n = Math.min(len, end - start);
        System.arraycopy(buffer, start, b, off, n);
        start += n;
        return n;
      }

      @Override
      public long skip(long n) {
        if (n <= 0) {
          return 0;
        }
        long buffered = end - start;
        if (n <= buffered) {
          start += (int) n;
          return n;
        }
        long skipped = Math.min(n, buffered + self.size() - position);
        position += skipped - buffered;
        start = end = 0;
        return skipped;
      }
    };
  }

  /** {@code length} bytes of this input from {@code start}, as an input of their own. */
  default RandomAccessInput window(long start, long length) throws IOException {
    if (start < 0 || length < 0 || start + length > size()) {
      throw new EOFException(length + " bytes at " + start + " run past the end (" + size() + " bytes)");
    }
    RandomAccessInput outer = this;
    return new RandomAccessInput() {
      @Override
      public long size() {
        return length;
      }

      @Override
      public void readFully(long position, byte[] dst, int offset, int n) throws IOException {
        if (position < 0 || position + n > length) {
          throw new EOFException("read of " + n + " bytes at " + position + " past the end (" + length + " bytes)");
        }
        outer.readFully(start + position, dst, offset, n);
      }
    };
  }

  static RandomAccessInput of(byte[] bytes) {
    return new RandomAccessInput() {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public void readFully(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || position + length > bytes.length) {
          throw new EOFException("read of " + length + " bytes at " + position + " past the end (" + bytes.length + " bytes)");
        }
        System.arraycopy(bytes, (int) position, dst, offset, length);
      }
    };
  }

  static RandomAccessInput of(FileChannel channel) throws IOException {
    return of(channel, 0, channel.size());
  }

  /** A window of a channel: {@code size} bytes from {@code start} (a whole file, or one member of a tar). */
  static RandomAccessInput of(FileChannel channel, long start, long size) {
    return new RandomAccessInput() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public void readFully(long position, byte[] dst, int offset, int length) throws IOException {
        if (position < 0 || position + length > size) {
          throw new EOFException("read of " + length + " bytes at " + position + " past the end (" + size + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(dst, offset, length);
        long at = start + position;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, at);
          if (n < 0) {
            throw new EOFException("file ended at " + (at - start) + " of " + size + " bytes");
          }
          at += n;
        }
      }
    };
  }
}
