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

  @ParameterizedTest
  @CsvSource({"0xC02F, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0x0004, TLS_RSA_WITH_RC4_128_MD5", "0xFEFE, 0xFEFE"})
  void suitesAreNamedByTheirCodeOrShownInHex(String code, String name) {
    assertThat(CipherLayout.nameOf(Integer.decode(code))).isEqualTo(name);
  }
}
