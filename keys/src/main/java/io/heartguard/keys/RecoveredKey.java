package io.heartguard.keys;

import io.heartguard.evidence.LeakFile;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;

/**
 * The whole RSA private key rebuilt from the certificate's public key and one prime factor (PKCS #1, RFC 8017
 * section 3.2: q = n / p, d = e^-1 mod lcm(p-1, q-1), and the CRT values), written as PKCS #8 PEM through
 * {@link LeakFile} (mode 600). It is never printed or logged.
 */
public final class RecoveredKey {
  private final RSAPrivateCrtKey key;

  private RecoveredKey(RSAPrivateCrtKey key) {
    this.key = key;
  }

  /** The key whose modulus is {@code publicKey}'s, from its factor {@code p}; fails when p does not divide it. */
  public static RecoveredKey from(RSAPublicKey publicKey, BigInteger p) {
    BigInteger n = publicKey.getModulus();
    BigInteger e = publicKey.getPublicExponent();
    BigInteger[] qr = n.divideAndRemainder(p);
    if (qr[1].signum() != 0 || p.compareTo(BigInteger.ONE) <= 0 || qr[0].compareTo(BigInteger.ONE) <= 0) {
      throw new IllegalArgumentException("not a factor of the modulus");
    }
    BigInteger q = qr[0];
    BigInteger pm1 = p.subtract(BigInteger.ONE);
    BigInteger qm1 = q.subtract(BigInteger.ONE);
    BigInteger lambda = pm1.divide(pm1.gcd(qm1)).multiply(qm1);
    BigInteger d = e.modInverse(lambda);
    // PKCS #1 orders p > q by convention (OpenSSL does); qInv is then q^-1 mod p.
    BigInteger big = p.max(q);
    BigInteger small = p.min(q);
    try {
      RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
          n, e, d, big, small, d.mod(big.subtract(BigInteger.ONE)), d.mod(small.subtract(BigInteger.ONE)),
          small.modInverse(big)));
      return new RecoveredKey(key);
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("the JDK refused a valid RSA key: " + ex.getMessage(), ex);
    }
  }

  public BigInteger modulus() {
    return key.getModulus();
  }

  public RSAPrivateCrtKey privateKey() {
    return key;
  }

  /** PKCS #8 PrivateKeyInfo as PEM (RFC 7468 section 10), written with mode 600. */
  public void writePem(Path file) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    try (LeakFile out = LeakFile.create(file)) {
      out.write(pem.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The modulus size only: the key never reaches a log. */
  @Override
  public String toString() {
    return "RecoveredKey[" + key.getModulus().bitLength() + "-bit RSA]";
  }
}
