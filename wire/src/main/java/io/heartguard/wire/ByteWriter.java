package io.heartguard.wire;

import java.util.Arrays;

/** A growable big-endian writer with length-prefixed vectors, the mirror of {@link ByteReader}. */
public final class ByteWriter {
  private byte[] data;
  private int size;

  public ByteWriter() {
    this(64);
  }

  public ByteWriter(int initialCapacity) {
    data = new byte[Math.max(16, initialCapacity)];
  }

  public ByteWriter writeUint8(int v) {
    ensure(1);
    data[size++] = (byte) v;
    return this;
  }

  public ByteWriter writeUint16(int v) {
    ensure(2);
    data[size++] = (byte) (v >>> 8);
    data[size++] = (byte) v;
    return this;
  }

  public ByteWriter writeUint24(int v) {
    ensure(3);
    data[size++] = (byte) (v >>> 16);
    data[size++] = (byte) (v >>> 8);
    data[size++] = (byte) v;
    return this;
  }

  public ByteWriter writeUint48(long v) {
    ensure(6);
    for (int shift = 40; shift >= 0; shift -= 8) {
      data[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  public ByteWriter write(Bytes bytes) {
    ensure(bytes.size());
    bytes.copyTo(data, size);
    size += bytes.size();
    return this;
  }

  public ByteWriter write(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, data, size, bytes.length);
    size += bytes.length;
    return this;
  }

  public ByteWriter writeVector8(Bytes bytes) {
    checkLength(bytes.size(), 0xff);
    return writeUint8(bytes.size()).write(bytes);
  }

  public ByteWriter writeVector16(Bytes bytes) {
    checkLength(bytes.size(), 0xffff);
    return writeUint16(bytes.size()).write(bytes);
  }

  public ByteWriter writeVector24(Bytes bytes) {
    checkLength(bytes.size(), 0xffffff);
    return writeUint24(bytes.size()).write(bytes);
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(data, size);
  }

  public Bytes toBytes() {
    return Bytes.of(data, 0, size);
  }

  private static void checkLength(int length, int max) {
    if (length > max) {
      throw new IllegalArgumentException("vector of " + length + " bytes exceeds its length field (at most " + max + ")");
    }
  }

  private void ensure(int more) {
    if (size + more > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
    }
  }
}
