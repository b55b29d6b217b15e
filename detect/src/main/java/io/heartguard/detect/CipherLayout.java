package io.heartguard.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * How a cipher suite lays out an encrypted record, reduced to what the heartbeat rules need: how long a record
 * of a given plaintext is (as OpenSSL writes it), how much plaintext a record of a given length can hold, the
 * shortest ciphertext a valid heartbeat (1 type + 2 payload_length + 0 payload + 16 padding = 19 bytes, RFC 6520
 * section 4) can have, and so the longest honest answer to a heartbeat request. The layout is read from the suite's
 * IANA name, as Zeek's heartbleed policy matches on names. (Could move to wire as a CipherSuite registry.)
 */
public record CipherLayout(String name, Kind kind, int macLength, int blockLength, int explicitNonceLength,
    int tagLength) {

  /** The shortest valid heartbeat plaintext: RFC 6520 section 4, type + payload_length + 16 bytes of padding. */
  public static final int MIN_HEARTBEAT_PLAINTEXT = 1 + 2 + 16;

  /** The most any suite in the table adds to a record: an explicit IV, a SHA-384 MAC and a full block of padding. */
  public static final int LARGEST_OVERHEAD = 16 + 48 + 16;

  public enum Kind {
    /** RC4 and NULL: plaintext + MAC (RFC 5246 section 6.2.3.1). */
    STREAM,
    /** Block ciphers: plaintext + MAC + padding to the block, plus an explicit IV from TLS 1.1 on (6.2.3.2). */
    CBC,
    /** GCM, CCM, ChaCha20-Poly1305: explicit nonce + plaintext + tag (6.2.3.3, RFC 7905). */
    AEAD
  }

  /**
   * The shortest ciphertext of a valid heartbeat under this suite. {@code explicitIv} is true for TLS 1.1 and later
   * and for DTLS, whose CBC records carry their IV (RFC 4346 section 6.2.3.2).
   */
  public int minimumHeartbeatCiphertext(boolean explicitIv) {
    return ciphertextLength(MIN_HEARTBEAT_PLAINTEXT, explicitIv);
  }

  /**
   * The length of the record OpenSSL writes for {@code plaintext} bytes: tls1_enc and ssl3_enc pad a CBC record with
   * the fewest bytes that reach a whole block (1..block, counting the padding_length byte), RFC 5246 section 6.2.3.2.
   */
  public int ciphertextLength(int plaintext, boolean explicitIv) {
    return switch (kind) {
      case STREAM -> plaintext + macLength;
      case AEAD -> explicitNonceLength + plaintext + tagLength;
      case CBC -> (plaintext + macLength + 1 + blockLength - 1) / blockLength * blockLength
          + (explicitIv ? blockLength : 0);
    };
  }

  /**
   * The most plaintext a record of {@code recordLength} bytes can carry: a CBC record with one byte of padding (its
   * padding_length), whole blocks only, as ssl3_get_record accepts it. 0 when the record cannot hold any.
   */
  public int maxPlaintext(int recordLength, boolean explicitIv) {
    int max = switch (kind) {
      case STREAM -> recordLength - macLength;
      case AEAD -> recordLength - explicitNonceLength - tagLength;
      case CBC -> (recordLength - (explicitIv ? blockLength : 0)) / blockLength * blockLength - macLength - 1;
    };
    return Math.max(0, max);
  }

  /**
   * The longest honest answer to a heartbeat request of {@code requestRecordLength} bytes. tls1_process_heartbeat
   * answers with 3 + payload_length + 16 bytes (padding exactly 16), and a request that 1.0.1g accepts holds at least
   * that much: so an honest answer carries no more plaintext than its request could, protected by the same suite and
   * padded minimally. This is the request's own length whenever the request is a length the suite can produce: a
   * response longer than this answered a request that 1.0.1g discards.
   */
  public int largestHonestResponse(int requestRecordLength, boolean explicitIv) {
    return ciphertextLength(maxPlaintext(requestRecordLength, explicitIv), explicitIv);
  }

  /** The layout of a suite by its code, or null when the suite is not in the table (the rule then uses 19). */
  public static CipherLayout forSuite(int code) {
    String name = NAMES.get(code);
    return name == null ? null : fromName(name);
  }

  /** The IANA name of a suite, or its code in hex when the table does not know it. */
  public static String nameOf(int code) {
    String name = NAMES.get(code);
    return name != null ? name : String.format("0x%04X", code);
  }

  /** Reads a layout from an IANA name such as TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256; null when it cannot. */
  public static CipherLayout fromName(String name) {
    int with = name.indexOf("_WITH_");
    String bulk = with >= 0 ? name.substring(with + 6) : name.substring(4); // TLS 1.3 names have no _WITH_
    if (bulk.contains("CHACHA20_POLY1305")) {
      return new CipherLayout(name, Kind.AEAD, 0, 0, 0, 16); // RFC 7905 section 2: no explicit nonce
    }
    if (bulk.contains("_GCM_") || bulk.contains("_CCM")) {
      int tag = bulk.endsWith("_CCM_8") ? 8 : 16;
      return new CipherLayout(name, Kind.AEAD, 0, 0, with >= 0 ? 8 : 0, tag); // RFC 5288 section 3: 8-byte nonce
    }
    int mac = bulk.endsWith("_SHA384") ? 48 : bulk.endsWith("_SHA256") ? 32 : bulk.endsWith("_SHA") ? 20
        : bulk.endsWith("_MD5") ? 16 : -1;
    if (mac < 0) {
      return null;
    }
    if (bulk.startsWith("RC4") || bulk.startsWith("NULL")) {
      return new CipherLayout(name, Kind.STREAM, mac, 0, 0, 0);
    }
    int block = bulk.startsWith("AES") || bulk.startsWith("CAMELLIA") || bulk.startsWith("SEED")
        || bulk.startsWith("ARIA") ? 16 : 8; // DES, 3DES, IDEA, RC2 have 64-bit blocks
    return new CipherLayout(name, Kind.CBC, mac, block, 0, 0);
  }

  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    // The suites OpenSSL 1.0.1 through 1.0.1f offers (ssl/s3_lib.c, less Kerberos) and their usual peers.
    String table = """
        0001 TLS_RSA_WITH_NULL_MD5
        0002 TLS_RSA_WITH_NULL_SHA
        0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5
        0004 TLS_RSA_WITH_RC4_128_MD5
        0005 TLS_RSA_WITH_RC4_128_SHA
        0006 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5
        0007 TLS_RSA_WITH_IDEA_CBC_SHA
        0008 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA
        0009 TLS_RSA_WITH_DES_CBC_SHA
        000A TLS_RSA_WITH_3DES_EDE_CBC_SHA
        000D TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA
        0010 TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA
        0011 TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA
        0012 TLS_DHE_DSS_WITH_DES_CBC_SHA
        0013 TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA
        0014 TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA
        0015 TLS_DHE_RSA_WITH_DES_CBC_SHA
        0016 TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
        0017 TLS_DH_anon_EXPORT_WITH_RC4_40_MD5
        0018 TLS_DH_anon_WITH_RC4_128_MD5
        0019 TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA
        001A TLS_DH_anon_WITH_DES_CBC_SHA
        001B TLS_DH_anon_WITH_3DES_EDE_CBC_SHA
        002F TLS_RSA_WITH_AES_128_CBC_SHA
        0030 TLS_DH_DSS_WITH_AES_128_CBC_SHA
        0031 TLS_DH_RSA_WITH_AES_128_CBC_SHA
        0032 TLS_DHE_DSS_WITH_AES_128_CBC_SHA
        0033 TLS_DHE_RSA_WITH_AES_128_CBC_SHA
        0034 TLS_DH_anon_WITH_AES_128_CBC_SHA
        0035 TLS_RSA_WITH_AES_256_CBC_SHA
        0036 TLS_DH_DSS_WITH_AES_256_CBC_SHA
        0037 TLS_DH_RSA_WITH_AES_256_CBC_SHA
        0038 TLS_DHE_DSS_WITH_AES_256_CBC_SHA
        0039 TLS_DHE_RSA_WITH_AES_256_CBC_SHA
        003A TLS_DH_anon_WITH_AES_256_CBC_SHA
        003B TLS_RSA_WITH_NULL_SHA256
        003C TLS_RSA_WITH_AES_128_CBC_SHA256
        003D TLS_RSA_WITH_AES_256_CBC_SHA256
        003E TLS_DH_DSS_WITH_AES_128_CBC_SHA256
        003F TLS_DH_RSA_WITH_AES_128_CBC_SHA256
        0040 TLS_DHE_DSS_WITH_AES_128_CBC_SHA256
        0041 TLS_RSA_WITH_CAMELLIA_128_CBC_SHA
        0042 TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA
        0043 TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA
        0044 TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA
        0045 TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA
        0046 TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA
        0067 TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
        0068 TLS_DH_DSS_WITH_AES_256_CBC_SHA256
        0069 TLS_DH_RSA_WITH_AES_256_CBC_SHA256
        006A TLS_DHE_DSS_WITH_AES_256_CBC_SHA256
        006B TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
        006C TLS_DH_anon_WITH_AES_128_CBC_SHA256
        006D TLS_DH_anon_WITH_AES_256_CBC_SHA256
        0084 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA
        0085 TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA
        0086 TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA
        0087 TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA
        0088 TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA
        0089 TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA
        008A TLS_PSK_WITH_RC4_128_SHA
        008B TLS_PSK_WITH_3DES_EDE_CBC_SHA
        008C TLS_PSK_WITH_AES_128_CBC_SHA
        008D TLS_PSK_WITH_AES_256_CBC_SHA
        0096 TLS_RSA_WITH_SEED_CBC_SHA
        0097 TLS_DH_DSS_WITH_SEED_CBC_SHA
        0098 TLS_DH_RSA_WITH_SEED_CBC_SHA
        0099 TLS_DHE_DSS_WITH_SEED_CBC_SHA
        009A TLS_DHE_RSA_WITH_SEED_CBC_SHA
        009B TLS_DH_anon_WITH_SEED_CBC_SHA
        009C TLS_RSA_WITH_AES_128_GCM_SHA256
        009D TLS_RSA_WITH_AES_256_GCM_SHA384
        009E TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
        009F TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
        00A0 TLS_DH_RSA_WITH_AES_128_GCM_SHA256
        00A1 TLS_DH_RSA_WITH_AES_256_GCM_SHA384
        00A2 TLS_DHE_DSS_WITH_AES_128_GCM_SHA256
        00A3 TLS_DHE_DSS_WITH_AES_256_GCM_SHA384
        00A4 TLS_DH_DSS_WITH_AES_128_GCM_SHA256
        00A5 TLS_DH_DSS_WITH_AES_256_GCM_SHA384
        00A6 TLS_DH_anon_WITH_AES_128_GCM_SHA256
        00A7 TLS_DH_anon_WITH_AES_256_GCM_SHA384
        00A8 TLS_PSK_WITH_AES_128_GCM_SHA256
        00A9 TLS_PSK_WITH_AES_256_GCM_SHA384
        1301 TLS_AES_128_GCM_SHA256
        1302 TLS_AES_256_GCM_SHA384
        1303 TLS_CHACHA20_POLY1305_SHA256
        1304 TLS_AES_128_CCM_SHA256
        1305 TLS_AES_128_CCM_8_SHA256
        C001 TLS_ECDH_ECDSA_WITH_NULL_SHA
        C002 TLS_ECDH_ECDSA_WITH_RC4_128_SHA
        C003 TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA
        C004 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA
        C005 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA
        C006 TLS_ECDHE_ECDSA_WITH_NULL_SHA
        C007 TLS_ECDHE_ECDSA_WITH_RC4_128_SHA
        C008 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA
        C009 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
        C00A TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
        C00B TLS_ECDH_RSA_WITH_NULL_SHA
        C00C TLS_ECDH_RSA_WITH_RC4_128_SHA
        C00D TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA
        C00E TLS_ECDH_RSA_WITH_AES_128_CBC_SHA
        C00F TLS_ECDH_RSA_WITH_AES_256_CBC_SHA
        C010 TLS_ECDHE_RSA_WITH_NULL_SHA
        C011 TLS_ECDHE_RSA_WITH_RC4_128_SHA
        C012 TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA
        C013 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
        C014 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
        C015 TLS_ECDH_anon_WITH_NULL_SHA
        C016 TLS_ECDH_anon_WITH_RC4_128_SHA
        C017 TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA
        C018 TLS_ECDH_anon_WITH_AES_128_CBC_SHA
        C019 TLS_ECDH_anon_WITH_AES_256_CBC_SHA
        C01A TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA
        C01B TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA
        C01C TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA
        C01D TLS_SRP_SHA_WITH_AES_128_CBC_SHA
        C01E TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA
        C01F TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA
        C020 TLS_SRP_SHA_WITH_AES_256_CBC_SHA
        C021 TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA
        C022 TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA
        C023 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
        C024 TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
        C025 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256
        C026 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384
        C027 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
        C028 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
        C029 TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256
        C02A TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384
        C02B TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        C02C TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        C02D TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256
        C02E TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384
        C02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        C030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        C031 TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256
        C032 TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384
        C09C TLS_RSA_WITH_AES_128_CCM
        C09D TLS_RSA_WITH_AES_256_CCM
        C0A0 TLS_RSA_WITH_AES_128_CCM_8
        C0A1 TLS_RSA_WITH_AES_256_CCM_8
        C0AC TLS_ECDHE_ECDSA_WITH_AES_128_CCM
        C0AE TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8
        CCA8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        CCA9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        CCAA TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        """;
    for (String line : table.strip().split("\n")) {
      String[] parts = line.strip().split(" ");
      NAMES.put(Integer.parseInt(parts[0], 16), parts[1]);
    }
  }
}
