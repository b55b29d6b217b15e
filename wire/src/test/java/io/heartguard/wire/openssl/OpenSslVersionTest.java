package io.heartguard.wire.openssl;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.openssl.OpenSslVersion.BannerExposure;
import io.heartguard.wire.openssl.OpenSslVersion.BannerExposure.Exposure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSslVersionTest {
  @ParameterizedTest(name = "{0} -> {1} ({2})")
  @CsvSource(delimiter = '|', textBlock = """
      Server: Apache/2.4.7 (Ubuntu) OpenSSL/1.0.1e | AFFECTED     | 1.0.1e
      OpenSSL/1.0.1                                | AFFECTED     | 1.0.1
      OpenSSL/1.0.1f                               | AFFECTED     | 1.0.1f
      OpenSSL/1.0.1g                               | NOT_AFFECTED | 1.0.1g
      OpenSSL 1.0.2-beta1                          | AFFECTED     | 1.0.2-beta1
      OpenSSL 1.0.2-beta2                          | NOT_AFFECTED | 1.0.2-beta2
      OpenSSL/1.0.2                                | NOT_AFFECTED | 1.0.2
      OpenSSL/0.9.8zh                              | NOT_AFFECTED | 0.9.8zh
      OpenSSL/1.0.0l                               | NOT_AFFECTED | 1.0.0l
      OpenSSL 1.0.1e-fips 11 Feb 2013              | AFFECTED     | 1.0.1e
      Apache/2.2.15 (CentOS) mod_ssl/2.2.15 OpenSSL/1.0.1e-fips | AFFECTED | 1.0.1e
      openssl-1.0.1c                               | AFFECTED     | 1.0.1c
      OPENSSL/1.0.1A                               | AFFECTED     | 1.0.1a
      OpenSSL/1.0.1u                               | NOT_AFFECTED | 1.0.1u
      OpenSSL/1.1.1w                               | NOT_AFFECTED | 1.1.1w
      OpenSSL/3.0.13                               | NOT_AFFECTED | 3.0.13
      """)
  void classifiesBanner(String banner, Exposure expected, String version) {
    BannerExposure exposure = OpenSslVersion.classify(banner);
    assertThat(exposure.exposure()).isEqualTo(expected);
    assertThat(exposure.version()).hasToString(version);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Server: nginx/1.4.6 (Ubuntu)
      Server: Apache/2.4.7 (Ubuntu)
      OpenSSL/99999999999.0.1
      OpenSSL/1.0.1efg
      OpenSSL/1.0.12345
      """)
  void bannerWithoutARecognisableOpenSslVersionIsUnknown(String banner) {
    BannerExposure exposure = OpenSslVersion.classify(banner);
    assertThat(exposure.exposure()).isEqualTo(Exposure.UNKNOWN);
    assertThat(exposure.version()).isNull();
  }

  @Test
  void nullBannerIsUnknown() {
    assertThat(OpenSslVersion.classify(null).exposure()).isEqualTo(Exposure.UNKNOWN);
  }

  @Test
  void fipsSuffixDoesNotChangeTheVersion() {
    assertThat(OpenSslVersion.findIn("OpenSSL 1.0.1e-fips 11 Feb 2013"))
        .contains(new OpenSslVersion(1, 0, 1, "e", ""));
  }
}
