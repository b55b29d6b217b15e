package io.heartguard.keys.jmh;

import java.math.BigInteger;

/**
 * The peer in the benchmark: how 2014's tools searched (the CloudFlare challenge's published scripts, heartleech's
 * autopwn): at every offset, in both orders, a window of the prime's length whose least significant byte is odd is
 * divided into the modulus with a bignum library.
 */
final class NaiveFactorSearch {
  private final BigInteger modulus;
  private final int length;

  NaiveFactorSearch(BigInteger modulus) {
    this.modulus = modulus;
    this.length = (modulus.bitLength() / 2 + 7) / 8;
  }

  BigInteger search(byte[] data) {
    byte[] window = new byte[length];
    for (int i = 0; i + length <= data.length; i++) {
      if ((data[i] & 1) != 0) {
        for (int j = 0; j < length; j++) {
          window[j] = data[i + length - 1 - j];
        }
        BigInteger p = new BigInteger(1, window);
        if (p.compareTo(BigInteger.ONE) > 0 && modulus.mod(p).signum() == 0) {
          return p;
        }
      }
      if ((data[i + length - 1] & 1) != 0) {
        BigInteger p = new BigInteger(1, data, i, length);
        if (p.compareTo(BigInteger.ONE) > 0 && modulus.mod(p).signum() == 0) {
          return p;
        }
      }
    }
    return null;
  }
}
