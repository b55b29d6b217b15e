package io.heartguard.keys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a prime factor of an RSA modulus in leaked memory, as the 2014 challenge's winners did: at every offset, in
 * both byte orders (OpenSSL's BIGNUM words are little-endian on x86-64, so the whole number reads least significant
 * byte first; big-endian covers DER and other copies), for factors of the prime's byte length and its neighbours.
 *
 * <p>Every window is a candidate; what makes the search fast is how cheaply most are refused, cheapest first:
 * <ol>
 *   <li>Two bytes, eight offsets at a time (SWAR over a {@code long}): a factor of an odd modulus is odd, and its top
 *       byte is bounded below by the modulus itself (see {@link #FactorSearch}). Most text and zeros stop here.
 *   <li>Prefix sums over a block of offsets, computed once the block has a candidate, then a subtraction and a few
 *       table lookups per window: few zero bytes (not length/16 + 8) and not more than half its bytes (plus
 *       4 sqrt(length)) below 0x80, which a random prime has with probability under 1e-12, while pointers, lengths
 *       and text nearly always do; and no factor among the primes 3..53, which a prime has none of.
 *   <li>Exact division by 64-bit limbs (Hensel's, from the least significant limb): if the window divides the modulus,
 *       the quotient it gives is no longer than the cofactor can be; for any other window it almost never is.
 *   <li>{@link BigInteger} confirms.
 * </ol>
 * Steps 1, 3 and 4 are exact: they never refuse a factor of the shapes searched. Over random bytes (ciphertext, freed
 * key material) about one window in seven reaches step 3, which costs ~150 limb products; that, not reading, is the
 * cost there. Not thread-safe: one instance per thread.
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

  /**
   * One window: its length, the values its most significant byte may take, and the most bits its cofactor may have
   * (which sizes the exact test: a quotient longer than that refuses the window).
   */
  private record Window(int length, int minTop, int maxTop, int cofactorBits, int maxLowBytes, int maxZeroBytes,
      long geAdd, boolean geHighBit) {
    static Window of(int length, int minTop, int maxTop, int cofactorBits) {
      // For bytes >= 0x80 the SWAR test adds (0x100 - min) to the low seven bits; otherwise it subtracts min.
      boolean high = minTop >= 0x80;
      long add = high ? (0x100L - minTop) * ONES : minTop * ONES;
      // A random prime's bytes are each below 0x80 with probability 1/2; more than half of them plus 4 sqrt(length)
      // happens with probability under e^-32 (Hoeffding), while text, zeros and pointers have far more.
      int maxLow = length / 2 + 4 * (int) Math.ceil(Math.sqrt(length));
      // Zero bytes: a random prime has length/256 on average; length/16 + 8 or more happens with probability under
      // (e/16)^16 < 1e-12 (Chernoff), while pointers (0x00007f...), lengths and padding have many more.
      int maxZero = length / 16 + 8;
      return new Window(length, minTop, maxTop, cofactorBits, maxLow, maxZero, add, high);
    }
  }

  private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW32 = 0xffffffffL;

  /** Offsets per block; a block's prefix sums are computed when its first candidate needs them. */
  private static final int BLOCK = 4096;
  /**
   * The sieve's two moduli: 3 * 5 * ... * 29 and 31 * 37 * ... * 53, each under 2^33 so that a block's prefix sums of
   * byte * (256^±k mod it) stay under 2^63 unreduced. Together they refuse three windows in four of random bytes.
   */
  private static final long SIEVE_1 = 3L * 5 * 7 * 11 * 13 * 17 * 19 * 23 * 29;
  private static final long SIEVE_2 = 31L * 37 * 41 * 43 * 47 * 53;
  /** Each modulus' residue is looked up in two parts: bit r set when r shares no factor with that part. */
  private static final int PART_1A = 3 * 5 * 7 * 11 * 13;
  private static final int PART_1B = 17 * 19 * 23 * 29;
  private static final int PART_2A = 31 * 37 * 41;
  private static final int PART_2B = 43 * 47 * 53;
  private static final long[] COPRIME_1A = coprimeBits(PART_1A, 3, 5, 7, 11, 13);
  private static final long[] COPRIME_1B = coprimeBits(PART_1B, 17, 19, 23, 29);
  private static final long[] COPRIME_2A = coprimeBits(PART_2A, 31, 37, 41);
  private static final long[] COPRIME_2B = coprimeBits(PART_2B, 43, 47, 53);

  private final BigInteger modulus;
  private final long[] modulusLimbs;
  private final Window[] windows;
  private final int longestWindow;
  /** 256^k and 256^-k mod each sieve modulus, for k inside a block and its longest window. */
  private final long[] up1;
  private final long[] down1;
  private final long[] up2;
  private final long[] down2;
  /** Prefix counts of the current block's bytes below 0x80, and of its zero bytes. */
  private final int[] low;
  private final int[] zero;
  /** Prefix sums of the current block: little-endian and big-endian, per modulus. */
  private final long[] le1;
  private final long[] be1;
  private final long[] le2;
  private final long[] be2;
  private int countsBlock = -1;
  private int residuesBlock = -1;
  /** Scratch limbs for the exact test: the window's, and the quotient's so far. */
  private final long[] x;
  private final long[] r;

  /**
   * A search for factors of {@code modulus} as key generators make them: half its bit length (either way for an odd
   * length), the top bit of their top byte set; and, for keys split unevenly by a byte, one byte shorter or longer (the
   * prime's byte length's neighbours, the cofactor one byte longer or shorter), top bit set too.
   *
   * <p>The modulus bounds each window's top byte from below: a factor p whose cofactor has at most c bits is more than
   * n / 2^c, so its top byte is at least the matching top bits of n. For a 2048-bit modulus that is n's own top byte,
   * which refuses another half of the windows or more, for nothing.
   */
  public FactorSearch(BigInteger modulus) {
    if (modulus.signum() <= 0 || !modulus.testBit(0) || modulus.bitLength() < 64) {
      throw new IllegalArgumentException("an RSA modulus is odd and at least 64 bits, got " + modulus.bitLength() + " bits");
    }
    this.modulus = modulus;
    this.modulusLimbs = limbs(modulus);
    int lowBits = modulus.bitLength() / 2;
    int highBits = (modulus.bitLength() + 1) / 2;
    int length = (highBits + 7) / 8;
    // Half the bits: the top byte holds 1..8 of them, so its value starts at the highest of those bits.
    int lowTop = lowBits - 8 * (length - 1);
    int highTop = highBits - 8 * (length - 1);
    List<Window> ws = new ArrayList<>();
    add(ws, length, lowTop >= 1 ? 1 << (lowTop - 1) : 0x80, (1 << highTop) - 1, highBits);
    add(ws, length - 1, 0x80, 0xff, 8 * (length + 1));
    add(ws, length + 1, 0x80, 0xff, 8 * (length - 1));
    this.windows = ws.toArray(new Window[0]);
    this.longestWindow = length + 1;
    int span = BLOCK + longestWindow;
    this.up1 = powers(SIEVE_1, false, span);
    this.down1 = powers(SIEVE_1, true, span);
    this.up2 = powers(SIEVE_2, false, span);
    this.down2 = powers(SIEVE_2, true, span);
    this.low = new int[span + 1];
    this.zero = new int[span + 1];
    this.le1 = new long[span + 1];
    this.be1 = new long[span + 1];
    this.le2 = new long[span + 1];
    this.be2 = new long[span + 1];
    int limbs = (longestWindow + 7) / 8 + 1;
    int cofactorLimbs = modulusLimbs.length + 1;
    this.x = new long[limbs];
    this.r = new long[Math.max(limbs, cofactorLimbs) + 1];
  }

  private void add(List<Window> ws, int length, int minTop, int maxTop, int cofactorBits) {
    // p > n / 2^c, so p's top byte >= n >> (c + 8 * (length - 1)).
    BigInteger bound = modulus.shiftRight(cofactorBits + 8 * (length - 1));
    if (bound.bitLength() > 8 || length < 2) {
      return; // no factor of this length can have a cofactor that short
    }
    int min = Math.max(minTop, bound.intValue());
    if (min <= maxTop) {
      ws.add(Window.of(length, min, maxTop, cofactorBits));
    }
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
    countsBlock = -1;
    residuesBlock = -1;
    for (int block = from; block < to; block += BLOCK) {
      int blockEnd = Math.min(to, block + BLOCK);
      for (Window w : windows) {
        Found found = searchBlock(data, block, blockEnd, limit, base, w);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The first factor anywhere in {@code data}. */
  public Found search(byte[] data) {
    return search(data, 0, data.length, data.length, 0);
  }

  private Found searchBlock(byte[] data, int block, int blockEnd, int limit, long base, Window w) {
    int len = w.length;
    int lastStart = Math.min(blockEnd, limit - len + 1);
    int i = block;
    // Eight offsets at a time: byte k of `low` is data[i + k], byte k of `top` is data[i + k + len - 1].
    for (; i + 8 <= lastStart; i += 8) {
      long low = (long) LE_LONG.get(data, i);
      long top = (long) LE_LONG.get(data, i + len - 1);
      long le = odd(low) & atLeast(top, w);
      long be = odd(top) & atLeast(low, w);
      if ((le | be) == 0) {
        continue;
      }
      for (long both = le | be; both != 0; both &= both - 1) {
        long bit = Long.lowestOneBit(both);
        int at = i + (Long.numberOfTrailingZeros(bit) >>> 3);
        Found f = (le & bit) != 0 ? candidate(data, at, block, base, w, true) : null;
        if (f == null && (be & bit) != 0) {
          f = candidate(data, at, block, base, w, false);
        }
        if (f != null) {
          return f;
        }
      }
    }
    for (; i < lastStart; i++) {
      int first = data[i] & 0xff;
      int last = data[i + len - 1] & 0xff;
      if ((first & 1) != 0 && last >= w.minTop) {
        Found f = candidate(data, i, block, base, w, true);
        if (f != null) {
          return f;
        }
      }
      if ((last & 1) != 0 && first >= w.minTop) {
        Found f = candidate(data, i, block, base, w, false);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  /** Bit 7 of byte k set when byte k is odd. */
  private static long odd(long bytes) {
    return (bytes << 7) & HIGH;
  }

  /** Bit 7 of byte k set when byte k is at least the window's minimum top byte. */
  private static long atLeast(long bytes, Window w) {
    if (w.geHighBit) {
      return ((bytes & ~HIGH) + w.geAdd) & bytes & HIGH;
    }
    return (((bytes | HIGH) - w.geAdd) | bytes) & HIGH;
  }

  private Found candidate(byte[] data, int at, int block, long base, Window w, boolean littleEndian) {
    int len = w.length;
    int top = (littleEndian ? data[at + len - 1] : data[at]) & 0xff;
    if (top > w.maxTop) {
      return null;
    }
    int end = Math.min(data.length, block + BLOCK + longestWindow);
    if (countsBlock != block) {
      counts(data, block, end);
    }
    int k = at - block;
    if (zero[k + len] - zero[k] > w.maxZeroBytes || low[k + len] - low[k] > w.maxLowBytes) {
      return null;
    }
    if (residuesBlock != block) {
      residues(data, block, end);
    }
    boolean coprime = littleEndian
        ? coprime1(le1[k + len] - le1[k]) && coprime2(le2[k + len] - le2[k])
        : coprime1(be1[k + len] - be1[k]) && coprime2(be2[k + len] - be2[k]);
    if (!coprime) {
      return null;
    }
    if (!dividesExactly(data, at, len, littleEndian, w.cofactorBits)) {
      return null;
    }
    byte[] magnitude = new byte[len];
    for (int j = 0; j < len; j++) {
      magnitude[j] = littleEndian ? data[at + len - 1 - j] : data[at + j];
    }
    BigInteger p = new BigInteger(1, magnitude);
    if (p.compareTo(BigInteger.ONE) > 0 && p.compareTo(modulus) < 0 && modulus.mod(p).signum() == 0) {
      return new Found(p, base + at, len, littleEndian ? Order.LITTLE_ENDIAN : Order.BIG_ENDIAN);
    }
    return null;
  }

  /** Prefix counts over data[block, end) of bytes below 0x80 and of zero bytes: cheap, so computed first. */
  private void counts(byte[] data, int block, int end) {
    int lows = 0;
    int zeros = 0;
    for (int k = 0, n = end - block; k < n; k++) {
      int b = data[block + k] & 0xff;
      lows += (b >>> 7) ^ 1;
      zeros += (b - 1) >>> 31;
      low[k + 1] = lows;
      zero[k + 1] = zeros;
    }
    countsBlock = block;
  }

  /**
   * Prefix sums over data[block, end) of byte * 256^k (little-endian) and byte * 256^-k (big-endian), each power mod a
   * sieve modulus, the sums left unreduced: a window's difference is then its value times a power of 256, a unit, so
   * it has the same small factors.
   */
  private void residues(byte[] data, int block, int end) {
    long l1 = 0;
    long b1 = 0;
    long l2 = 0;
    long b2 = 0;
    for (int k = 0, n = end - block; k < n; k++) {
      long b = data[block + k] & 0xff;
      l1 += b * up1[k];
      b1 += b * down1[k];
      l2 += b * up2[k];
      b2 += b * down2[k];
      le1[k + 1] = l1;
      be1[k + 1] = b1;
      le2[k + 1] = l2;
      be2[k + 1] = b2;
    }
    residuesBlock = block;
  }

  private static boolean coprime1(long residue) {
    int a = (int) (residue % PART_1A);
    int b = (int) (residue % PART_1B);
    return (COPRIME_1A[a >>> 6] & (1L << a)) != 0 && (COPRIME_1B[b >>> 6] & (1L << b)) != 0;
  }

  private static boolean coprime2(long residue) {
    int a = (int) (residue % PART_2A);
    int b = (int) (residue % PART_2B);
    return (COPRIME_2A[a >>> 6] & (1L << a)) != 0 && (COPRIME_2B[b >>> 6] & (1L << b)) != 0;
  }

  private static long[] coprimeBits(int product, int... primes) {
    long[] bits = new long[(product + 63) / 64];
    for (int v = 0; v < product; v++) {
      boolean coprime = true;
      for (int p : primes) {
        coprime &= v % p != 0;
      }
      if (coprime) {
        bits[v >>> 6] |= 1L << v;
      }
    }
    return bits;
  }

  /** 256^k (or 256^-k) mod {@code modulus} for k in [0, count). */
  private static long[] powers(long modulus, boolean inverse, int count) {
    BigInteger m = BigInteger.valueOf(modulus);
    BigInteger step = inverse ? BigInteger.valueOf(256).modInverse(m) : BigInteger.valueOf(256);
    long[] out = new long[count];
    BigInteger v = BigInteger.ONE;
    for (int k = 0; k < count; k++) {
      out[k] = v.longValueExact();
      v = v.multiply(step).mod(m);
    }
    return out;
  }

  /**
   * Whether the window may divide the modulus: the quotient n / x computed limb by limb from the least significant
   * (exact division, as GMP's mpn_bdiv_q does) equals the true quotient when x divides n, and that is at most
   * {@code cofactorBits} long; for any other x the limbs are noise and their top is almost never that short.
   */
  private boolean dividesExactly(byte[] data, int at, int len, boolean littleEndian, int cofactorBits) {
    int n = (len + 7) / 8;
    for (int j = 0; j < n; j++) {
      x[j] = limb(data, at, len, littleEndian, j);
    }
    // Enough limbs for the cofactor and 16 bits more, so that noise is refused.
    int m = (cofactorBits + 16 + 63) / 64;
    long inverse = inverse64(x[0]);
    // Column by column (product scanning): column k sums the carry and every x[j] * q[k - j]; its low limb must be
    // the modulus' limb k, which fixes q[k]. Each product is split into 32-bit halves over four accumulators, so no
    // carry chain serialises the products (17 terms of 2^32 stay far below 2^63).
    long carryLo = 0;
    long carryHi = 0;
    for (int k = 0; k < m; k++) {
      long a = carryLo & LOW32;
      long b = carryLo >>> 32;
      long c = carryHi & LOW32;
      long d = carryHi >>> 32;
      for (int j = 1, last = Math.min(k, n - 1); j <= last; j++) {
        long qj = r[k - j];
        long xj = x[j];
        long lo = qj * xj;
        long hi = Math.unsignedMultiplyHigh(qj, xj);
        a += lo & LOW32;
        b += lo >>> 32;
        c += hi & LOW32;
        d += hi >>> 32;
      }
      long nk = k < modulusLimbs.length ? modulusLimbs[k] : 0;
      long qk = (nk - (a + (b << 32))) * inverse;
      if (k == m - 1) {
        // The top limb of the quotient: all bits above cofactorBits must be zero.
        int topBits = cofactorBits - 64 * k;
        return topBits <= 0 ? qk == 0 : (qk >>> topBits) == 0;
      }
      r[k] = qk;
      long lo = qk * x[0];
      long hi = Math.unsignedMultiplyHigh(qk, x[0]);
      a += lo & LOW32;
      b += lo >>> 32;
      c += hi & LOW32;
      d += hi >>> 32;
      long r1 = (a >>> 32) + b;
      long r2 = (r1 >>> 32) + c;
      long r3 = (r2 >>> 32) + d;
      carryLo = (r2 & LOW32) | (r3 << 32);
      carryHi = r3 >>> 32;
    }
    return false;
  }

  /** Limb j (bits 64j..64j+63) of the window's number. */
  private static long limb(byte[] data, int at, int len, boolean littleEndian, int j) {
    int lowByte = 8 * j; // index of the limb's least significant byte, counted from the number's least significant
    if (lowByte + 8 <= len) {
      return littleEndian ? (long) LE_LONG.get(data, at + lowByte) : (long) BE_LONG.get(data, at + len - lowByte - 8);
    }
    long v = 0;
    for (int b = len - 1; b >= lowByte; b--) {
      int value = (littleEndian ? data[at + b] : data[at + len - 1 - b]) & 0xff;
      v = (v << 8) | value;
    }
    return v;
  }

  /** x^-1 mod 2^64 for odd x, by Newton's iteration (each step doubles the correct bits, from 3 at the start). */
  private static long inverse64(long v) {
    long inv = v; // correct to 3 bits: v * v = 1 mod 8 for odd v
    for (int i = 0; i < 5; i++) {
      inv *= 2 - v * inv;
    }
    return inv;
  }

  private static long[] limbs(BigInteger v) {
    long[] out = new long[(v.bitLength() + 63) / 64];
    for (int j = 0; j < out.length; j++) {
      out[j] = v.shiftRight(64 * j).longValue();
    }
    return out;
  }
}
