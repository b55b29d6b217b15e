package io.heartguard.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ProtocolVersion;
import org.junit.jupiter.api.Test;

/** The PRF against the published test vectors (the TLS working group's list, as BearSSL's tests carry them). */
class PrfTest {
  @Test
  void tls12Sha256PrfMatchesTheWorkingGroupVector() {
    // https://www.ietf.org/mail-archive/web/tls/current/msg03416.html
    byte[] out = Prf.compute(ProtocolVersion.TLS1_2, "SHA-256", hex("9bbe436ba940f017b17652849a71db35"),
        "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 100);

    assertThat(Bytes.of(out).hex()).isEqualTo("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
        + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d1"
        + "22ee42c5a72e5a5110fff70187347b66");
  }

  @Test
  void tls12Sha384PrfMatchesTheWorkingGroupVector() {
    byte[] out = Prf.compute(ProtocolVersion.TLS1_2, "SHA-384", hex("b80b733d6ceefcdc71566ea48e5567df"),
        "test label", hex("cd665cf6a8447dd6ff8b27555edb7465"), 148);

    assertThat(Bytes.of(out).hex()).isEqualTo("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
        + "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473"
        + "ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d"
        + "5eaa3be85e0990703d73e56f");
  }

  @Test
  void tls10PrfXorsMd5AndSha1OverTheSecretsHalves() {
    // The RFC 2246 vector from the ietf-tls archive (msg01589): 48 bytes of 0xab, label "PRF Testvector", 64 of 0xcd.
    byte[] out = Prf.compute(ProtocolVersion.TLS1_0, "SHA-256", Bytes.repeat(0xab, 48).toByteArray(),
        "PRF Testvector", Bytes.repeat(0xcd, 64).toByteArray(), 104);

    assertThat(Bytes.of(out).hex()).isEqualTo("d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754"
        + "443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb"
        + "459d3ae8de9810454b8b2d8f1afbc655a8c9a013");
  }

  private static byte[] hex(String h) {
    return Bytes.ofHex(h).toByteArray();
  }
}
