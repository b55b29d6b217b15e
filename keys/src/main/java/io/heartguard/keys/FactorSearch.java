package io.heartguard.keys;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a prime factor of an RSA modulus in leaked memory, as the 2014 challenge's winners did: at every offset, in
 * both byte orders (OpenSSL's BIGNUM words are little-endian on x86-64, so the whole number reads least significant
 * byte first; big-endian covers DER and other copies), for factors of the prime's bit length and its neighbours.
 *
 * <p>Speed comes from prefilters: two bytes per candidate (a factor of an odd modulus is odd, so its least significant
 * byte is; its most significant byte must give the bit length sought, which text, zeros and pointers seldom do),
 * then trial division by the primes 3 to 29 (a prime factor has none of them). Only what passes costs a
 * {@link BigInteger} division, which decides exactly.
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
   * A search for factors of {@code modulus} as key generators make them: half its bit length (either way for an odd
   * length), the top bit of their top byte set; and, for keys split unevenly, one byte shorter or longer (the
   * prime's byte length's neighbours), top bit set too.
   */
  public FactorSearch(BigInteger modulus) {
    if (modulus.signum() <= 0 || !modulus.testBit(0) || modulus.bitLength() < 64) {
      throw new IllegalArgumentException("an RSA modulus is odd and at least 64 bits, got " + modulus.bitLength() + " bits");
    }
    this.modulus = modulus;
    int low = modulus.bitLength() / 2;
    int high = (modulus.bitLength() + 1) / 2;
    List<Window> ws = new ArrayList<>();
    int length = (high + 7) / 8;
    // Half the bits: the top byte holds 1..8 of them, so its value starts at the highest of those bits.
    int lowTop = low - 8 * (length - 1);
    int highTop = high - 8 * (length - 1);
    ws.add(new Window(length, lowTop >= 1 ? 1 << (lowTop - 1) : 0x80, (1 << highTop) - 1));
    ws.add(new Window(length - 1, 0x80, 0xff));
    ws.add(new Window(length + 1, 0x80, 0xff));
    this.windows = ws.toArray(new Window[0]);
    this.longestWindow = length + 1;
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
        if ((first & 1) != 0 && last >= min && last <= max && noSmallFactor(data, i, len, true)) {
          BigInteger p = new BigInteger(1, reversed(data, i, len));
          if (divides(p)) {
            return new Found(p, base + i, len, Order.LITTLE_ENDIAN);
          }
        }
        if ((last & 1) != 0 && first >= min && first <= max && noSmallFactor(data, i, len, false)) {
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

  /** 3 * 5 * 7 * 11 * 13 * 17 * 19 * 23 * 29, under 2^32 so that a residue times 2^16 stays inside a long. */
  private static final long SMALL_PRIMES = 3234846615L;

  /** Whether the window's number has none of the primes 3..29 as a factor: its residue modulo their product, by Horner. */
  static boolean noSmallFactor(byte[] data, int offset, int length, boolean littleEndian) {
    long r = 0;
    int i = 0;
    for (; i + 1 < length; i += 2) {
      int hi = littleEndian ? data[offset + length - 1 - i] & 0xff : data[offset + i] & 0xff;
      int lo = littleEndian ? data[offset + length - 2 - i] & 0xff : data[offset + i + 1] & 0xff;
      r = ((r << 16) | (hi << 8) | lo) % SMALL_PRIMES;
    }
    if (i < length) {
      r = ((r << 8) | (littleEndian ? data[offset] & 0xff : data[offset + length - 1] & 0xff)) % SMALL_PRIMES;
    }
    return r % 3 != 0 && r % 5 != 0 && r % 7 != 0 && r % 11 != 0 && r % 13 != 0 && r % 17 != 0 && r % 19 != 0
        && r % 23 != 0 && r % 29 != 0;
  }

  private static byte[] reversed(byte[] data, int offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = data[offset + length - 1 - i];
    }
    return out;
  }
}
