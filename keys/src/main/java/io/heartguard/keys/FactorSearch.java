package io.heartguard.keys;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a prime factor of an RSA modulus in leaked memory, as the 2014 challenge's winners did: at every offset, in
 * both byte orders (OpenSSL's BIGNUM words are little-endian on x86-64, so the whole number reads least significant
 * byte first; big-endian covers DER and other copies), for factors of the prime's bit length and its neighbours.
 *
 * <p>Speed comes from a prefilter on two bytes per candidate: a factor of an odd modulus is odd (its least
 * significant byte is odd), and its most significant byte must give the bit length sought. Only candidates that pass
 * cost a {@link BigInteger} division, which decides exactly.
 */
public final class FactorSearch {
  /** Byte order of a found factor. */
  public enum Order {
    /** Least significant byte first: an OpenSSL BIGNUM on x86-64. */
    LITTLE_ENDIAN,
    /** Most significant byte first: DER, PEM once decoded, other libraries. */
    BIG_ENDIAN;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** A factor found {@code offset} bytes into the searched bytes, {@code length} bytes long, in {@code order}. */
  public record Found(BigInteger prime, long offset, int length, Order order) {
    /** Offset and shape only: the factor is the private key. */
    @Override
    public String toString() {
      return "Found[offset=" + offset + ", length=" + length + ", order=" + order + ", bits=" + prime.bitLength() + "]";
    }
  }

  /** One window length and the most significant byte values that give an accepted bit length in it. */
  private record Window(int length, int minTopByte, int maxTopByte) {}

  private final BigInteger modulus;
  private final Window[] windows;
  private final int longestWindow;

  /**
   * A search for factors of {@code modulus} of bit length {@code bitLength(modulus)/2} rounded either way, and one
   * bit either side: an unbalanced or odd-sized key still has factors there.
   */
  public FactorSearch(BigInteger modulus) {
    if (modulus.signum() <= 0 || !modulus.testBit(0) || modulus.bitLength() < 64) {
      throw new IllegalArgumentException("an RSA modulus is odd and at least 64 bits, got " + modulus.bitLength() + " bits");
    }
    this.modulus = modulus;
    int half = modulus.bitLength() / 2;
    List<Window> ws = new ArrayList<>();
    for (int bits = half - 1; bits <= half + 1; bits++) {
      int length = (bits + 7) / 8;
      int topBits = bits - 8 * (length - 1); // 1..8 bits used in the top byte
      int min = 1 << (topBits - 1);
      int max = (1 << topBits) - 1;
      Window last = ws.isEmpty() ? null : ws.getLast();
      if (last != null && last.length == length) {
        ws.set(ws.size() - 1, new Window(length, Math.min(min, last.minTopByte), Math.max(max, last.maxTopByte)));
      } else {
        ws.add(new Window(length, min, max));
      }
    }
    this.windows = ws.toArray(new Window[0]);
    this.longestWindow = ws.stream().mapToInt(Window::length).max().orElseThrow();
  }

  /** Bytes a chunked search must carry over from one chunk to the next, so no window across them is missed. */
  public int overlap() {
    return longestWindow - 1;
  }

  /**
   * The first factor whose window starts in {@code data[from, to)} (and ends by {@code limit}), its offset counted
   * from {@code base}; null when none does.
   */
  public Found search(byte[] data, int from, int to, int limit, long base) {
    for (Window w : windows) {
      int len = w.length;
      int lastStart = Math.min(to, limit - len + 1);
      int min = w.minTopByte;
      int max = w.maxTopByte;
      for (int i = from; i < lastStart; i++) {
        int first = data[i] & 0xff;
        int last = data[i + len - 1] & 0xff;
        // Little-endian: least significant byte first (odd), most significant last.
        if ((first & 1) != 0 && last >= min && last <= max) {
          BigInteger p = new BigInteger(1, reversed(data, i, len));
          if (divides(p)) {
            return new Found(p, base + i, len, Order.LITTLE_ENDIAN);
          }
        }
        if ((last & 1) != 0 && first >= min && first <= max) {
          BigInteger p = new BigInteger(1, data, i, len);
          if (divides(p)) {
            return new Found(p, base + i, len, Order.BIG_ENDIAN);
          }
        }
      }
    }
    return null;
  }

  /** The first factor anywhere in {@code data}. */
  public Found search(byte[] data) {
    return search(data, 0, data.length, data.length, 0);
  }

  private boolean divides(BigInteger p) {
    return p.compareTo(BigInteger.ONE) > 0 && p.compareTo(modulus) < 0 && modulus.mod(p).signum() == 0;
  }

  private static byte[] reversed(byte[] data, int offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = data[offset + length - 1 - i];
    }
    return out;
  }
}
