package io.heartguard.wire.handshake;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cipher suites by code and IANA name: the broad list an OpenSSL 1.0.1 client of 2014 offered, in its order of
 * preference. {@code tls12Only} marks AEAD and SHA-256/384 suites, which a TLS 1.1-or-older hello must not offer.
 */
public record CipherSuite(int code, String name, boolean tls12Only) {
  /** What OpenSSL 1.0.1's s_client offered by default (strongest first), ending with the renegotiation SCSV. */
  public static final List<CipherSuite> OPENSSL_1_0_1_CLIENT = List.of(
    new CipherSuite(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", true),
    new CipherSuite(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", true),
    new CipherSuite(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", true),
    new CipherSuite(0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", true),
    new CipherSuite(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", false),
    new CipherSuite(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", false),
    new CipherSuite(0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", true),
    new CipherSuite(0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", true),
    new CipherSuite(0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", true),
    new CipherSuite(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", true),
    new CipherSuite(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", false),
    new CipherSuite(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", false),
    new CipherSuite(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", false),
    new CipherSuite(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", false),
    new CipherSuite(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", false),
    new CipherSuite(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", false),
    new CipherSuite(0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", true),
    new CipherSuite(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", true),
    new CipherSuite(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", false),
    new CipherSuite(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", false),
    new CipherSuite(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", false),
    new CipherSuite(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", false),
    new CipherSuite(0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", false),
    new CipherSuite(0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", false),
    new CipherSuite(0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", false),
    new CipherSuite(0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", false),
    new CipherSuite(0x0005, "TLS_RSA_WITH_RC4_128_SHA", false),
    new CipherSuite(0x0004, "TLS_RSA_WITH_RC4_128_MD5", false),
    new CipherSuite(0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", false),
    new CipherSuite(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", false),
    new CipherSuite(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", false),
    new CipherSuite(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", false),
    new CipherSuite(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", false),
    new CipherSuite(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", false),
    new CipherSuite(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", false),
    new CipherSuite(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", false),
    new CipherSuite(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", false),
    new CipherSuite(0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", false)
  );

  private static final Map<Integer, CipherSuite> BY_CODE = new HashMap<>();

  static {
    for (CipherSuite s : OPENSSL_1_0_1_CLIENT) {
      BY_CODE.put(s.code(), s);
    }
  }

  /** The suite's IANA name, or its code in hex for one not in the table. */
  public static String nameOf(int code) {
    CipherSuite s = BY_CODE.get(code);
    return s != null ? s.name() : String.format("0x%04X", code);
  }

  public static CipherSuite byCode(int code) {
    return BY_CODE.get(code);
  }
}
