package io.heartguard.wire;

import java.util.function.Function;

/**
 * A bounds-checked cursor over a byte array, used by every parser in the wire core. It never allocates more than
 * the bytes it was given: a length field is checked against what remains before anything is copied. Failures are
 * thrown as the caller's own exception type.
 */
public final class ByteReader<E extends WireException> {
  private final byte[] data;
  private final int end;
  private final Function<String, E> error;
  private int position;

  /** {@code error} turns a message into the caller's own exception type. */
  public ByteReader(byte[] data, int offset, int length, Function<String, E> error) {
    java.util.Objects.checkFromIndexSize(offset, length, data.length);
    this.data = data;
    this.position = offset;
    this.end = offset + length;
    this.error = error;
  }

  public int remaining() {
    return end - position;
  }

  public boolean exhausted() {
    return position == end;
  }

  public int readUint8(String field) throws E {
    require(1, field);
    return data[position++] & 0xff;
  }

  public int readUint16(String field) throws E {
    require(2, field);
    int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
    position += 2;
    return v;
  }

  public int readUint24(String field) throws E {
    require(3, field);
    int v = ((data[position] & 0xff) << 16) | ((data[position + 1] & 0xff) << 8) | (data[position + 2] & 0xff);
    position += 3;
    return v;
  }

  public long readUint48(String field) throws E {
    require(6, field);
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (data[position + i] & 0xff);
    }
    position += 6;
    return v;
  }

  public Bytes readBytes(int byteCount, String field) throws E {
    require(byteCount, field);
    Bytes b = Bytes.of(data, position, byteCount);
    position += byteCount;
    return b;
  }

  /** A vector with a one-byte length prefix (RFC 5246 section 4.3). */
  public Bytes readVector8(String field) throws E {
    return readBytes(readUint8(field + " length"), field);
  }

  public Bytes readVector16(String field) throws E {
    return readBytes(readUint16(field + " length"), field);
  }

  public Bytes readVector24(String field) throws E {
    return readBytes(readUint24(field + " length"), field);
  }

  public void skip(int byteCount, String field) throws E {
    require(byteCount, field);
    position += byteCount;
  }

  /** Fails unless every byte was consumed: trailing bytes are as wrong as missing ones. */
  public void requireExhausted(String what) throws E {
    if (position != end) {
      throw error.apply(what + " has " + remaining() + " trailing bytes");
    }
  }

  private void require(int byteCount, String field) throws E {
    if (byteCount < 0) {
      throw error.apply(field + " needs " + byteCount + " bytes, a negative count");
    }
    if (byteCount > end - position) {
      throw error.apply(field + " needs " + byteCount + " bytes but only " + (end - position) + " remain");
    }
  }
}
