package io.heartguard.detect;

import static io.heartguard.detect.Records.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.HeartbleedRules.Rule;
import org.junit.jupiter.api.Test;

/**
 * "The peer answered": a request that OpenSSL 1.0.1g discards (tls1_process_heartbeat) answered anyway proves the
 * peer vulnerable, with the bytes beyond the request reported as leaked. Plaintext rules, each response paired with
 * its own request.
 */
class AnsweredHeartbeatRulesTest {
  private final MonitoredConnection c = new MonitoredConnection();

  @Test
  void heartbleedTruncatedHeartbeatIsAOneOrTwoByteRecord() {
    c.client("18 0303 0001 01"); // heartbeat record of 1 byte: type request, no payload_length
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.HEARTBEAT_TRUNCATED);
      assertThat(a.rule().id()).isEqualTo("heartbleed_truncated_heartbeat");
      assertThat(a.severity()).isEqualTo(Severity.HIGH);
      assertThat(a.recordLength()).isEqualTo(1);
      assertThat(a.reason()).contains("heartbeat record of 1 byte from the client (type 1)");
    });
  }

  @Test
  void heartbleedTruncatedHeartbeatAnsweredReportsWhatCameBackAsLeaked() {
    c.client("18 0303 0002 01 40"); // 2 bytes: 1.0.1f takes payload_length from whatever byte follows in its buffer
    c.server("18 0303 0017 02 0004 73656372" + "00".repeat(16)); // answered with 4 bytes of memory
    assertThat(c.rules()).containsExactly(Rule.HEARTBEAT_TRUNCATED, Rule.TRUNCATED_ANSWERED);
    Alert answered = c.only(Rule.TRUNCATED_ANSWERED);
    assertThat(answered.bytesLeaked()).isEqualTo(4);
    assertThat(answered.direction()).isEqualTo(Direction.TO_CLIENT);
    assertThat(answered.requestRecordLength()).isEqualTo(2);
  }

  @Test
  void aTruncatedHeartbeatIsToldApartFromBytesTheCaptureLost() {
    c.record(Direction.TO_SERVER, 24, 40, ""); // 40-byte record, none of it captured or held: nothing to judge
    c.record(Direction.TO_SERVER, 24, 0, ""); // empty: ssl3_get_record discards it
    c.record(Direction.TO_SERVER, 24, 40, "01"); // a request whose payload_length the capture lost
    c.server("18 0303 0023 02 0010" + "41".repeat(16) + "00".repeat(16)); // its answer: not unrequested
    assertThat(c.alerts).isEmpty();
    c.record(Direction.TO_SERVER, 24, 2, "01 40"); // all of a 2-byte record: malformed
    assertThat(c.rules()).containsExactly(Rule.HEARTBEAT_TRUNCATED);
  }

  @Test
  void heartbleedShortPaddingAnsweredLikeZeeksHeartbleedSuccessCapture() {
    // Zeek's heartbleed-success.pcap: request record 16368, payload_length 16365 (payload present, no padding),
    // answered by a 16384-byte record echoing it. Nothing beyond the request came back, but the peer is vulnerable.
    c.client("18 0302 3ff0 01 3fed" + "41".repeat(16365));
    c.server("18 0302 4000 02 3fed" + "41".repeat(16365) + "00".repeat(16));
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING, Rule.SHORT_PADDING_ANSWERED);
    Alert answered = c.only(Rule.SHORT_PADDING_ANSWERED);
    assertThat(answered.rule().id()).isEqualTo("heartbleed_short_padding_answered");
    assertThat(answered.severity()).isEqualTo(Severity.HIGH);
    assertThat(answered.bytesLeaked()).isZero();
    assertThat(answered.recordLength()).isEqualTo(16384);
    assertThat(answered.payloadLength()).isEqualTo(16365);
    assertThat(answered.requestRecordLength()).isEqualTo(16368);
  }

  @Test
  void aShortPaddingRequestLeftUnansweredIsOnlyTheRequest() {
    c.client("18 0303 0013 01 0010" + "41".repeat(16));
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING);
  }

  @Test
  void heartbleedResponseLeakIsJudgedAgainstItsOwnRequestNotTheLargest() {
    // An honest request carrying 1000 bytes, then a 3-byte attack claiming 1000: answered in order.
    c.client("18 0303 03fb 01 03e8" + "41".repeat(1000) + "00".repeat(16));
    c.client("18 0303 0003 01 03e8");
    c.server("18 0303 03fb 02 03e8" + "41".repeat(1000) + "00".repeat(16));
    c.server("18 0303 03fb 02 03e8" + "42".repeat(1000) + "00".repeat(16));
    assertThat(c.rules()).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW, Rule.RESPONSE_LEAK);
    Alert leak = c.only(Rule.RESPONSE_LEAK);
    assertThat(leak.bytesLeaked()).isEqualTo(1000);
    assertThat(leak.requestRecordLength()).isEqualTo(3);
  }

  @Test
  void heartbleedResponseLeakCountsAnAnswerSplitOverSeveralRecordsOnceAndExactly() {
    c.client("18 0303 0003 01 ffff");
    // 1.0.1f answers 3 + 65535 + 16 = 65554 bytes: four 2^14-byte records and one of 18 (ssl3_write_bytes). The
    // later records start with bytes that would read as a request: they are the rest of the answer, not parsed.
    c.server("18 0303 4000 02 ffff" + "42".repeat(16381));
    for (int i = 0; i < 3; i++) {
      c.server("18 0303 4000 01 ffff" + "42".repeat(16381));
    }
    c.server("18 0303 0012" + "42".repeat(18));
    assertThat(c.rules()).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW, Rule.RESPONSE_LEAK);
    assertThat(c.only(Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(65535);
  }

  @Test
  void heartbleedUnrequestedResponseLeakIsAnAnswerToNothing() {
    c.server("18 0303 0023 02 0010" + "42".repeat(16) + "00".repeat(16));
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.UNREQUESTED_RESPONSE_LEAK);
      assertThat(a.rule().id()).isEqualTo("heartbleed_unrequested_response_leak");
      assertThat(a.bytesLeaked()).isEqualTo(16);
    });
  }

  @Test
  void aServerAttackingItsClientIsAnsweredByTheClientWithALeakTowardTheServer() {
    c.server("18 0303 0003 01 4000");
    c.client("18 0303 4000 02 4000" + "43".repeat(16381));
    assertThat(c.alerts).extracting(a -> a.rule().id() + " " + a.direction().eveName())
        .containsExactly("heartbleed_request_overflow to_client", "heartbleed_response_leak to_server");
    assertThat(c.only(Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(16384);
  }

  @Test
  void dtlsShortPaddingAnsweredIsReportedLikeTls() {
    ConnectionMonitor dtls = new ConnectionMonitor(
        new FlowInfo(FlowInfo.Transport.UDP, "192.0.2.1", 5000, "192.0.2.2", 4433, 1), c.alerts::add);
    byte[] request = hex("18 fefd 0000 000000000005 0013 01 0010" + "41".repeat(16));
    byte[] response = hex("18 fefd 0000 000000000007 0023 02 0010" + "41".repeat(16) + "00".repeat(16));
    dtls.onDatagram(Direction.TO_SERVER, request, 0, request.length, 0);
    dtls.onDatagram(Direction.TO_CLIENT, response, 0, response.length, 1);
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING, Rule.SHORT_PADDING_ANSWERED);
  }

  @Test
  void aLeakAfterAnAnswerThatLeakedNothingIsStillReported() {
    c.client("18 0303 0013 01 0010" + "41".repeat(16));
    c.server("18 0303 0023 02 0010" + "41".repeat(16) + "00".repeat(16)); // answered, nothing beyond the request
    c.client("18 0303 0013 01 0010" + "41".repeat(16));
    c.server("18 0303 0023 02 0010" + "41".repeat(16) + "00".repeat(16)); // the same again: not repeated
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING, Rule.SHORT_PADDING_ANSWERED);
    c.client("18 0303 0013 01 0010" + "41".repeat(16));
    c.server("18 0303 0033 02 0020" + "41".repeat(32) + "00".repeat(16)); // now 16 bytes beyond the request
    assertThat(c.rules()).containsExactly(Rule.REQUEST_SHORT_PADDING, Rule.SHORT_PADDING_ANSWERED,
        Rule.RESPONSE_LEAK);
  }

  @Test
  void aFixedPeerThatDiscardsTheAttackAndAnswersTheNextRequestIsNotAccused() {
    String honest = "18 0303 0023 01 0010" + "41".repeat(16) + "00".repeat(16);
    c.client("18 0303 0001 01" + "18 0303 0013 01 0010" + "41".repeat(16) + honest); // truncated, short, honest
    c.server("18 0303 0023 02 0010" + "41".repeat(16) + "00".repeat(16)); // 1.0.1g answers the honest one only
    assertThat(c.rules()).containsExactly(Rule.HEARTBEAT_TRUNCATED, Rule.REQUEST_SHORT_PADDING);
  }

  @Test
  void aVulnerablePeerAnsweringTheAttackAndTheNextRequestIsStillCaught() {
    String honest = "18 0303 0023 01 0008" + "41".repeat(8) + "00".repeat(24);
    c.client("18 0303 0001 01" + honest);
    // 1.0.1f answers the 1-byte record with payload_length 8 read from stale bytes, then the honest request.
    c.server("18 0303 001b 02 0008" + "42".repeat(8) + "00".repeat(16));
    c.server("18 0303 001b 02 0008" + "41".repeat(8) + "00".repeat(16));
    assertThat(c.rules()).containsExactly(Rule.HEARTBEAT_TRUNCATED, Rule.TRUNCATED_ANSWERED);
    assertThat(c.only(Rule.TRUNCATED_ANSWERED).bytesLeaked()).isEqualTo(8);
  }

  @Test
  void heartbleedResponseLeakOfAFullSizeRequestIsCaughtOnTheAnswersFirstRecord() {
    // The request fills a 2^14-byte record and claims 65535: the answer's first record echoes no more than the
    // request held, but its payload_length says 49154 more bytes follow. block-leak must cut this first record.
    c.client("18 0303 4000 01 ffff" + "41".repeat(16381));
    c.server("18 0303 4000 02 ffff" + "41".repeat(16381));
    assertThat(c.rules()).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW, Rule.RESPONSE_LEAK);
    assertThat(c.only(Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(65535 - 16381);
  }
}
