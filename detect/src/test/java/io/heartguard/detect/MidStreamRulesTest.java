package io.heartguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.HeartbleedRules.Rule;
import org.junit.jupiter.api.Test;

/** A direction picked up mid-stream is not assumed encrypted: a heartbeat's own bytes decide. */
class MidStreamRulesTest {
  private final MonitoredConnection c = new MonitoredConnection();

  private void midStream() {
    c.monitor.onResync(Direction.TO_SERVER, TlsRecordReader.Resync.MID_STREAM, 1000);
    c.monitor.onResync(Direction.TO_CLIENT, TlsRecordReader.Resync.MID_STREAM, 1000);
  }

  @Test
  void aPlaintextAttackPickedUpMidStreamIsReadAsPlaintext() {
    midStream();
    c.record(Direction.TO_SERVER, 24, 3, "01 4000"); // too short to be protected
    assertThat(c.rules()).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW);
  }

  @Test
  void aShortPaddingAttackMidStreamIsReadAsPlaintextByItsLengths() {
    midStream();
    c.record(Direction.TO_SERVER, 24, 16368, "01 3fed"); // heartbleed.pcap's request: its payload fits its record
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING);
  }

  @Test
  void opaqueHeartbeatsMidStreamAreJudgedAsEncryptedAndQuietly() {
    midStream();
    c.record(Direction.TO_SERVER, 24, 64, "ab cdef");
    c.record(Direction.TO_CLIENT, 24, 64, "01 ffff"); // type 1, but payload_length far past its record
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void anOverclaimingRequestReadAsEncryptedIsStillCaughtByItsPlaintextAnswer() {
    midStream();
    c.record(Direction.TO_SERVER, 24, 22, "01 4000"); // nmap's 22-byte request: long enough to be ciphertext
    c.record(Direction.TO_CLIENT, 24, 16384, "02 4000"); // the first 2^14 bytes of a 16403-byte answer
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.RESPONSE_LEAK);
      assertThat(a.bytesLeaked()).isEqualTo(16384 - 19);
    });
  }

  @Test
  void applicationDataFromADirectionMakesItsHeartbeatsEncrypted() {
    midStream();
    c.record(Direction.TO_SERVER, 23, 100, "");
    c.record(Direction.TO_SERVER, 24, 35, "01 0010"); // would read as a plaintext request; the direction is not
    c.record(Direction.TO_CLIENT, 24, 35, "02 0010");
    assertThat(c.alerts).isEmpty();
    assertThat(HeartbleedRules.looksLikePlaintextHeartbeat(35, Records.hex("01 0010"), 0, 3)).isTrue();
  }
}
