package io.heartguard.wire.tls;

import io.heartguard.wire.handshake.CipherSuite;
import io.heartguard.wire.record.ProtocolVersion;

/**
 * The cipher suites {@link TlsSession} can complete: RSA and ECDHE_RSA key exchange (secp256r1), AES-CBC with
 * HMAC-SHA1 (any version) or HMAC-SHA256/384 (TLS 1.2), and AES-GCM (TLS 1.2, RFC 5288). Strongest first.
 */
public enum TlsSuite {
  ECDHE_RSA_WITH_AES_256_GCM_SHA384(0xc030, KeyExchange.ECDHE_RSA, Bulk.GCM, 32, null, "SHA-384"),
  ECDHE_RSA_WITH_AES_128_GCM_SHA256(0xc02f, KeyExchange.ECDHE_RSA, Bulk.GCM, 16, null, "SHA-256"),
  ECDHE_RSA_WITH_AES_256_CBC_SHA384(0xc028, KeyExchange.ECDHE_RSA, Bulk.CBC, 32, "HmacSHA384", "SHA-384"),
  ECDHE_RSA_WITH_AES_128_CBC_SHA256(0xc027, KeyExchange.ECDHE_RSA, Bulk.CBC, 16, "HmacSHA256", "SHA-256"),
  ECDHE_RSA_WITH_AES_256_CBC_SHA(0xc014, KeyExchange.ECDHE_RSA, Bulk.CBC, 32, "HmacSHA1", "SHA-256"),
  ECDHE_RSA_WITH_AES_128_CBC_SHA(0xc013, KeyExchange.ECDHE_RSA, Bulk.CBC, 16, "HmacSHA1", "SHA-256"),
  RSA_WITH_AES_256_GCM_SHA384(0x009d, KeyExchange.RSA, Bulk.GCM, 32, null, "SHA-384"),
  RSA_WITH_AES_128_GCM_SHA256(0x009c, KeyExchange.RSA, Bulk.GCM, 16, null, "SHA-256"),
  RSA_WITH_AES_256_CBC_SHA256(0x003d, KeyExchange.RSA, Bulk.CBC, 32, "HmacSHA256", "SHA-256"),
  RSA_WITH_AES_128_CBC_SHA256(0x003c, KeyExchange.RSA, Bulk.CBC, 16, "HmacSHA256", "SHA-256"),
  RSA_WITH_AES_256_CBC_SHA(0x0035, KeyExchange.RSA, Bulk.CBC, 32, "HmacSHA1", "SHA-256"),
  RSA_WITH_AES_128_CBC_SHA(0x002f, KeyExchange.RSA, Bulk.CBC, 16, "HmacSHA1", "SHA-256");

  public enum KeyExchange { RSA, ECDHE_RSA }

  /** AES in CBC mode with a MAC (RFC 5246 section 6.2.3.2), or in GCM (RFC 5246 section 6.2.3.3, RFC 5288). */
  public enum Bulk { CBC, GCM }

  private final int code;
  private final KeyExchange keyExchange;
  private final Bulk bulk;
  private final int keyBytes;
  private final String macAlgorithm;
  private final String prfHash;

  TlsSuite(int code, KeyExchange keyExchange, Bulk bulk, int keyBytes, String macAlgorithm, String prfHash) {
    this.code = code;
    this.keyExchange = keyExchange;
    this.bulk = bulk;
    this.keyBytes = keyBytes;
    this.macAlgorithm = macAlgorithm;
    this.prfHash = prfHash;
  }

  public int code() {
    return code;
  }

  public String ianaName() {
    return CipherSuite.nameOf(code);
  }

  public KeyExchange keyExchange() {
    return keyExchange;
  }

  public Bulk bulk() {
    return bulk;
  }

  public int keyBytes() {
    return keyBytes;
  }

  /** The JCA name of the record MAC, or null for GCM, which has none. */
  public String macAlgorithm() {
    return macAlgorithm;
  }

  public int macBytes() {
    return macAlgorithm == null ? 0 : switch (macAlgorithm) {
      case "HmacSHA1" -> 20;
      case "HmacSHA256" -> 32;
      default -> 48;
    };
  }

  /**
   * The hash of the TLS 1.2 PRF: SHA-256 unless the suite names SHA-384 (RFC 5246 section 5, RFC 5289 section 3).
   */
  public String prfHash() {
    return prfHash;
  }

  /** IV bytes in the key block: a whole block for CBC (TLS 1.0 uses it), the 4-byte salt for GCM (RFC 5288 section 3). */
  public int fixedIvBytes() {
    return bulk == Bulk.GCM ? 4 : 16;
  }

  /** GCM and the SHA-256/384 MACs exist only in TLS 1.2 (RFC 5246 appendix A.5, RFC 5289). */
  public boolean allowedIn(ProtocolVersion version) {
    boolean tls12Only = bulk == Bulk.GCM || !"HmacSHA1".equals(macAlgorithm);
    return !tls12Only || version.equals(ProtocolVersion.TLS1_2);
  }

  /** The suite with this code, or null when {@link TlsSession} cannot complete it. */
  public static TlsSuite byCode(int code) {
    for (TlsSuite s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return null;
  }
}
