package io.heartguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CipherLayoutTest {
  /** The minimum lengths in Zeek's heartbleed.zeek, which were measured against OpenSSL. */
  @ParameterizedTest(name = "{0} explicitIv={1} -> {2}")
  @CsvSource({
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, 43",
      "TLS_RSA_WITH_AES_256_CBC_SHA, true, 64",
      "TLS_RSA_WITH_AES_256_CBC_SHA, false, 48",
      "TLS_RSA_WITH_AES_128_CBC_SHA256, true, 80",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, true, 96",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA, true, 48",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA, false, 40",
      "TLS_RSA_WITH_RC4_128_SHA, false, 39",
      "TLS_RSA_WITH_RC4_128_MD5, true, 35",
      "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5, false, 40",
      "TLS_RSA_WITH_SEED_CBC_SHA, true, 64",
  })
  void minimumHeartbeatCiphertextMatchesZeeksTable(String name, boolean explicitIv, int minimum) {
    assertThat(CipherLayout.fromName(name).minimumHeartbeatCiphertext(explicitIv)).isEqualTo(minimum);
  }

  /**
   * The longest honest answer to a request: as much plaintext as the request could hold, written as OpenSSL writes
   * (minimal CBC padding), which is the request's own length for every length the suite produces.
   */
  @ParameterizedTest(name = "{0} explicitIv={1}: request {2} -> at most {3}")
  @CsvSource({
      "TLS_RSA_WITH_AES_128_CBC_SHA, true, 64, 64",
      "TLS_RSA_WITH_AES_128_CBC_SHA, true, 16432, 16432",
      "TLS_RSA_WITH_AES_128_CBC_SHA, true, 70, 64", // not whole blocks: what it could hold, rounded down
      "TLS_RSA_WITH_AES_256_CBC_SHA, false, 32, 32", // below the minimum: 11 bytes of plaintext at most
      "TLS_RSA_WITH_AES_256_CBC_SHA, false, 16, 32", // cannot hold a MAC: an honest answer is at least one block
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, true, 96, 96",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA, false, 40, 40",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, 43, 43",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true, 35, 35",
      "TLS_RSA_WITH_AES_128_CCM_8, true, 35, 35",
      "TLS_RSA_WITH_RC4_128_MD5, false, 35, 35",
  })
  void largestHonestResponseIsTheRequestItselfUnderEverySuite(String name, boolean explicitIv, int request,
      int largest) {
    assertThat(CipherLayout.fromName(name).largestHonestResponse(request, explicitIv)).isEqualTo(largest);
  }

  @ParameterizedTest(name = "{0} explicitIv={1}: {2} bytes hold at most {3}")
  @CsvSource({
      "TLS_RSA_WITH_AES_128_CBC_SHA, true, 64, 27", // 64 - 16 IV - 20 MAC - 1 padding_length
      "TLS_RSA_WITH_AES_256_CBC_SHA, false, 16416, 16395",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, 43, 19", // 43 - 8 nonce - 16 tag
      "TLS_RSA_WITH_RC4_128_SHA, false, 39, 19",
      "TLS_RSA_WITH_AES_128_CBC_SHA, true, 8, 0",
  })
  void maxPlaintextUndoesTheRecordProtection(String name, boolean explicitIv, int record, int plaintext) {
    CipherLayout layout = CipherLayout.fromName(name);
    assertThat(layout.maxPlaintext(record, explicitIv)).isEqualTo(plaintext);
    if (plaintext > 0) {
      assertThat(layout.ciphertextLength(plaintext, explicitIv)).isEqualTo(record);
    }
  }

  @ParameterizedTest
  @CsvSource({"0xC02F, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0x0004, TLS_RSA_WITH_RC4_128_MD5", "0xFEFE, 0xFEFE"})
  void suitesAreNamedByTheirCodeOrShownInHex(String code, String name) {
    assertThat(CipherLayout.nameOf(Integer.decode(code))).isEqualTo(name);
  }
}
