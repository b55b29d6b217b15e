package io.heartguard.detect;

import static io.heartguard.detect.MonitoredConnection.CCS;
import static io.heartguard.detect.MonitoredConnection.CLIENT_KEY_EXCHANGE;
import static io.heartguard.detect.MonitoredConnection.opaqueHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.HeartbleedRules.Rule;
import org.junit.jupiter.api.Test;

/** A direction becomes encrypted only where OpenSSL switches it; change_cipher_spec_not_applied otherwise. */
class ChangeCipherSpecRulesTest {
  private static final String ATTACK = "18 0303 0003 01 4000";
  private final MonitoredConnection c = new MonitoredConnection();

  /** ClientHello (1), TLS 1.2, the given 32-byte session id (or none), one suite, no compression. */
  private static String clientHello(String sessionId) {
    int idLength = sessionId.length() / 2;
    int body = 2 + 32 + 1 + idLength + 4 + 2;
    return String.format("16 0303 %04x 01 %06x 0303", body + 4, body) + "22".repeat(32)
        + String.format("%02x", idLength) + sessionId + "0002 002f 01 00";
  }

  private static String serverHello(String sessionId) {
    int idLength = sessionId.length() / 2;
    int body = 2 + 32 + 1 + idLength + 3 + 7;
    return String.format("16 0303 %04x 02 %06x 0303", body + 4, body) + "11".repeat(32)
        + String.format("%02x", idLength) + sessionId + "002f 00 0005 000f000101";
  }

  @Test
  void changeCipherSpecNotAppliedWhenEmptyAndAPlaintextAttackAfterItIsStillRead() {
    c.client(clientHello("")).server(serverHello("")).client(CLIENT_KEY_EXCHANGE);
    c.client("14 0303 0000"); // empty: 1.0.1f's ssl3_get_record discards it
    c.client(ATTACK);
    assertThat(c.rules()).containsExactly(Rule.CHANGE_CIPHER_SPEC_NOT_APPLIED, Rule.REQUEST_PAYLOAD_OVERFLOW);
    Alert ccs = c.only(Rule.CHANGE_CIPHER_SPEC_NOT_APPLIED);
    assertThat(ccs.rule().id()).isEqualTo("change_cipher_spec_not_applied");
    assertThat(ccs.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(ccs.reason()).contains("ChangeCipherSpec of 0 bytes from the client is empty");
    assertThat(c.monitor.changeCipherSpecSeen(Direction.TO_SERVER)).isFalse();
  }

  @Test
  void changeCipherSpecNotAppliedWithOtherContent() {
    c.client(clientHello("")).server(serverHello("")).client(CLIENT_KEY_EXCHANGE);
    c.client("14 0303 0002 0101");
    c.server("14 0303 0001 02");
    assertThat(c.alerts).extracting(Alert::reason).containsExactly(
        "ChangeCipherSpec of 2 bytes from the client is not a single byte; ssl3_read_bytes fails the handshake on"
            + " it: OpenSSL does not switch to encryption on it",
        "ChangeCipherSpec of 1 byte from the server holds 0x02, not 0x01; ssl3_read_bytes fails the handshake on"
            + " it: OpenSSL does not switch to encryption on it");
    c.server(ATTACK);
    assertThat(c.rules()).endsWith(Rule.REQUEST_PAYLOAD_OVERFLOW);
  }

  @Test
  void aChangeCipherSpecBeforeTheSendersHelloSwitchesNothing() {
    c.client(CCS); // first record: the server has no cipher to change to (ssl3_read_bytes: new_cipher is NULL)
    c.client(ATTACK);
    assertThat(c.rules()).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW);
    assertThat(c.monitor.changeCipherSpecSeen(Direction.TO_SERVER)).isFalse();
  }

  @Test
  void anEarlyChangeCipherSpecAfterTheClientHelloSwitchesAsOneZeroOneFSwitches() {
    // 1.0.1f applies it right after the ClientHello, before any key exchange (CVE-2014-0224): so must the monitor,
    // or an attacker who knows those keys could send an encrypted attack read as plaintext noise.
    String session = "5a".repeat(32);
    c.client(clientHello(session) + CCS);
    assertThat(c.monitor.changeCipherSpecSeen(Direction.TO_SERVER)).isTrue();
    c.server(serverHello(session));
    c.client(opaqueHeartbeat("0303", 48));
    assertThat(c.rules()).containsExactly(Rule.ENCRYPTED_BEFORE_APPLICATION_DATA, Rule.ENCRYPTED_REQUEST_TOO_SHORT);
  }

  @Test
  void aProxyThatHoldsNoHandshakeBytesStillPlacesChangeCipherSpecs() {
    c.record(Direction.TO_SERVER, 20, 1, ""); // before any hello: not applied
    assertThat(c.monitor.changeCipherSpecSeen(Direction.TO_SERVER)).isFalse();
    c.record(Direction.TO_SERVER, 22, 200, ""); // ClientHello, not held
    c.record(Direction.TO_SERVER, 20, 1, ""); // a one-byte ChangeCipherSpec, not held: its length decides
    assertThat(c.monitor.changeCipherSpecSeen(Direction.TO_SERVER)).isTrue();
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void aRenegotiationsProtectedChangeCipherSpecIsNotAnAnomaly() {
    c.client(clientHello("")).server(serverHello("")).client(CLIENT_KEY_EXCHANGE + CCS).server(CCS);
    c.client("14 0303 0030" + "ab".repeat(48)); // encrypted under the current keys
    assertThat(c.alerts).isEmpty();
  }
}
