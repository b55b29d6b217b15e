package io.heartguard.tlsserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import org.junit.jupiter.api.Test;

class Ja3FingerprintTest {
  /**
   * ClientHello body, by field:
   * <pre>
   * 0301                      client_version TLS 1.0 (769)
   * 00 x 32                   random
   * 00                        session_id: empty
   * 0006 0a0a 002f 0035       cipher_suites: GREASE, TLS_RSA_WITH_AES_128_CBC_SHA (47), ..._256_CBC_SHA (53)
   * 01 00                     compression: null
   * 0019                      extensions, 25 bytes:
   *   0a0a 0000               GREASE, empty
   *   000a 0006 0004 001d 0017  supported_groups: x25519 (29), secp256r1 (23)
   *   000b 0002 01 00         ec_point_formats: uncompressed (0)
   *   000f 0001 01            heartbeat: peer_allowed_to_send
   * </pre>
   * By hand: version 769; ciphers 47-53 (GREASE dropped); extensions 10-11-15 (GREASE dropped); curves 29-23;
   * point formats 0. MD5 of "769,47-53,10-11-15,29-23,0" (md5sum) is 43c3025dc636c876b634e0c01168a953.
   */
  static final String HELLO_WITH_GREASE = "0301" + "00".repeat(32) + "00" + "00060a0a002f0035" + "0100"
      + "0019" + "0a0a0000" + "000a00060004001d0017" + "000b00020100" + "000f000101";

  @Test
  void ja3DropsGreaseAndJoinsDecimalCodesInSentOrder() throws Exception {
    Ja3Fingerprint ja3 = Ja3Fingerprint.of(ClientHello.parse(Bytes.ofHex(HELLO_WITH_GREASE)));
    assertThat(ja3.text()).isEqualTo("769,47-53,10-11-15,29-23,0");
    assertThat(ja3.md5()).isEqualTo("43c3025dc636c876b634e0c01168a953");
  }

  @Test
  void fieldsTheClientDidNotSendStayEmpty() throws Exception {
    // 0301, zero random, no session id, suites 002f 0035, null compression, no extensions block at all.
    String bare = "0301" + "00".repeat(32) + "00" + "0004002f0035" + "0100";
    Ja3Fingerprint ja3 = Ja3Fingerprint.of(ClientHello.parse(Bytes.ofHex(bare)));
    assertThat(ja3.text()).isEqualTo("769,47-53,,,");
    assertThat(ja3.md5()).isEqualTo("dac4920d4335e769327dbf4e1b759e15");
  }

  @Test
  void greaseIsTheSixteenValuesWithEqualBytesEndingInA() {
    assertThat(Ja3Fingerprint.isGrease(0x0a0a)).isTrue();
    assertThat(Ja3Fingerprint.isGrease(0xfafa)).isTrue();
    assertThat(Ja3Fingerprint.isGrease(0x0a1a)).isFalse();
    assertThat(Ja3Fingerprint.isGrease(0x002f)).isFalse();
  }
}
