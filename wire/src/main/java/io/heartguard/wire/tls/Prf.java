package io.heartguard.wire.tls;

import io.heartguard.wire.record.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS pseudo-random function. TLS 1.0 and 1.1: P_MD5 over the first half of the secret XOR P_SHA-1 over the
 * second (RFC 2246 section 5, RFC 4346 section 5); TLS 1.2: P_SHA256, or P_SHA384 for suites that name it (RFC
 * 5246 section 5).
 */
public final class Prf {
  private Prf() {}

  /** PRF(secret, label, seed) cut to {@code length} bytes, for {@code version} and a TLS 1.2 {@code prfHash}. */
  public static byte[] compute(ProtocolVersion version, String prfHash, byte[] secret, String label, byte[] seed,
      int length) {
    byte[] labelAndSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
    if (version.equals(ProtocolVersion.TLS1_2)) {
      // RFC 5246 section 5: PRF(secret, label, seed) = P_<hash>(secret, label + seed).
      return pHash(hmacName(prfHash), secret, labelAndSeed, length);
    }
    // RFC 2246 section 5: S1 and S2 are the halves of the secret, sharing the middle byte when its length is odd.
    int half = (secret.length + 1) / 2;
    byte[] s1 = Arrays.copyOfRange(secret, 0, half);
    byte[] s2 = Arrays.copyOfRange(secret, secret.length - half, secret.length);
    byte[] md5 = pHash("HmacMD5", s1, labelAndSeed, length);
    byte[] sha1 = pHash("HmacSHA1", s2, labelAndSeed, length);
    for (int i = 0; i < length; i++) {
      md5[i] ^= sha1[i];
    }
    return md5;
  }

  /** RFC 5246 section 5: P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ... */
  static byte[] pHash(String hmac, byte[] secret, byte[] seed, int length) {
    try {
      Mac mac = Mac.getInstance(hmac);
      // HMAC pads its key with zeros (RFC 2104 section 2), so one zero byte stands for the empty key JCA refuses.
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, hmac));
      byte[] out = new byte[length];
      byte[] a = seed; // A(0) = seed
      int filled = 0;
      while (filled < length) {
        a = mac.doFinal(a); // A(i) = HMAC(secret, A(i-1))
        mac.update(a);
        byte[] block = mac.doFinal(seed);
        int n = Math.min(block.length, length - filled);
        System.arraycopy(block, 0, out, filled, n);
        filled += n;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + hmac, e);
    }
  }

  static String hmacName(String hash) {
    return switch (hash) {
      case "SHA-256" -> "HmacSHA256";
      case "SHA-384" -> "HmacSHA384";
      default -> throw new IllegalArgumentException("no TLS 1.2 PRF over " + hash);
    };
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
