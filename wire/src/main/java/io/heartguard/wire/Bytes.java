package io.heartguard.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of bytes, in the spirit of Okio's ByteString: the factories copy their input, so a value can be
 * shared freely. Protocol values hold their opaque fields (randoms, payloads, certificates) as {@code Bytes}.
 */
public final class Bytes {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  public static Bytes of(byte... data) {
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  public static Bytes of(byte[] data, int offset, int byteCount) {
    java.util.Objects.checkFromIndexSize(offset, byteCount, data.length);
    return byteCount == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + byteCount));
  }

  public static Bytes ofHex(String hex) {
    return new Bytes(HexFormat.of().parseHex(hex.replaceAll("\\s+", "")));
  }

  public static Bytes ofAscii(String text) {
    return new Bytes(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  /** Fills {@code byteCount} bytes with {@code value}; used for markers and padding. */
  public static Bytes repeat(int value, int byteCount) {
    byte[] b = new byte[byteCount];
    Arrays.fill(b, (byte) value);
    return new Bytes(b);
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  /** The unsigned byte at {@code index}. */
  public int get(int index) {
    return data[index] & 0xff;
  }

  public byte[] toByteArray() {
    return data.clone();
  }

  public void copyTo(byte[] target, int offset) {
    System.arraycopy(data, 0, target, offset, data.length);
  }

  public Bytes slice(int from, int to) {
    return from == 0 && to == data.length ? this : of(data, from, to - from);
  }

  public boolean startsWith(Bytes prefix) {
    return prefix.size() <= size() && Arrays.equals(data, 0, prefix.size(), prefix.data, 0, prefix.size());
  }

  public String hex() {
    return HexFormat.of().formatHex(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return data.length <= 32 ? "[hex=" + hex() + "]" : "[size=" + data.length + " hex=" + of(data, 0, 32).hex() + "…]";
  }
}
