package io.heartguard.detect;

import static io.heartguard.detect.MonitoredConnection.opaqueHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.HeartbleedRules.Rule;
import org.junit.jupiter.api.Test;

/**
 * Encrypted heartbeats: each response paired with its own request, first in first out, and judged against the
 * longest honest answer under the negotiated cipher (CipherLayout); answers spread over several records.
 */
class EncryptedPairingRulesTest {
  private static final String TLS12 = "0303";
  private static final String APPLICATION_DATA = "17 0303 0020" + "cd".repeat(32);
  private final MonitoredConnection c = new MonitoredConnection();

  /** TLS 1.2, TLS_RSA_WITH_AES_128_CBC_SHA: a valid heartbeat is at least 64 bytes (Zeek's table). */
  private void aesCbcAfterApplicationData() {
    c.handshake(TLS12, "002f");
    c.client(APPLICATION_DATA);
  }

  @Test
  void heartbleedEncryptedResponseLeakIsOneBlockPastTheHonestAnswer() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 64));
    assertThat(c.monitor.largestHonestResponse(Direction.TO_CLIENT)).isEqualTo(64);
    assertThat(c.monitor.largestHonestResponse(Direction.TO_SERVER)).isEqualTo(-1);
    c.server(opaqueHeartbeat(TLS12, 80));
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.ENCRYPTED_RESPONSE_LEAK);
      assertThat(a.severity()).isEqualTo(Severity.HIGH);
      assertThat(a.bytesLeaked()).isZero(); // one block more: answered, nothing beyond the request
      assertThat(a.reason()).contains("an honest answer has at most 64 under TLS_RSA_WITH_AES_128_CBC_SHA");
    });
  }

  @Test
  void anEncryptedAnswerAsLongAsItsRequestIsHonest() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 96));
    c.server(opaqueHeartbeat(TLS12, 96));
    c.server(opaqueHeartbeat(TLS12, 64)); // the server's own request, later
    c.client(opaqueHeartbeat(TLS12, 64));
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void aeadAndStreamCiphersAreCountedToTheByte() {
    c.handshake(TLS12, "c02f"); // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 8-byte nonce, 16-byte tag
    c.client(APPLICATION_DATA);
    c.client(opaqueHeartbeat(TLS12, 43));
    c.server(opaqueHeartbeat(TLS12, 44));
    assertThat(c.rules()).containsExactly(Rule.ENCRYPTED_RESPONSE_LEAK);

    MonitoredConnection rc4 = new MonitoredConnection();
    rc4.handshake("0301", "0005"); // TLS 1.0, TLS_RSA_WITH_RC4_128_SHA: 20-byte MAC
    rc4.client("17 0301 0020" + "cd".repeat(32));
    rc4.client(opaqueHeartbeat("0301", 39));
    rc4.server(opaqueHeartbeat("0301", 39));
    assertThat(rc4.alerts).isEmpty();
    rc4.client(opaqueHeartbeat("0301", 39));
    rc4.server(opaqueHeartbeat("0301", 40));
    assertThat(rc4.rules()).containsExactly(Rule.ENCRYPTED_RESPONSE_LEAK);
  }

  @Test
  void heartbleedShortEncryptedRequestAnsweredLikeZeeksEncryptedShortCapture() {
    // Zeek's heartbleed-encrypted-short.pcap: TLS 1.0, TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA, a 32-byte request
    // (the minimum is 48) answered by 48 bytes.
    c.handshake("0301", "0088");
    c.client(opaqueHeartbeat("0301", 32));
    c.server(opaqueHeartbeat("0301", 48));
    assertThat(c.alerts).extracting(a -> a.rule().id() + " " + a.direction().eveName()).containsExactly(
        "heartbeat_before_application_data to_server", "heartbeat_shorter_than_cipher_minimum to_server",
        "heartbeat_before_application_data to_client", "heartbleed_short_encrypted_request_answered to_client");
    Alert answered = c.only(Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED);
    assertThat(answered.severity()).isEqualTo(Severity.HIGH);
    assertThat(answered.bytesLeaked()).isZero();
    assertThat(answered.requestRecordLength()).isEqualTo(32);
  }

  @Test
  void zeeksEncryptedSuccessCaptureLeaksSixteenKilobytes() {
    // Zeek's heartbleed-encrypted-success.pcap: TLS 1.0, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, 32 bytes answered by
    // 16416: at most 16416 - 20 - 1 = 16395 bytes of plaintext against 11, less the answer's 16 bytes of padding.
    c.handshake("0301", "c014");
    c.client(opaqueHeartbeat("0301", 32));
    c.server(opaqueHeartbeat("0301", 16416));
    assertThat(c.only(Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED).bytesLeaked()).isEqualTo(16395 - 11 - 16);
  }

  @Test
  void aSmallAttackBehindAnHonestRequestIsJudgedAgainstItsOwnRequest() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 1024)); // honest, large
    c.client(opaqueHeartbeat(TLS12, 48)); // below the minimum of 64
    c.server(opaqueHeartbeat(TLS12, 1024)); // answers the first: honest
    c.server(opaqueHeartbeat(TLS12, 1024)); // answers the second with far more than it held
    assertThat(c.rules()).containsExactly(Rule.ENCRYPTED_REQUEST_TOO_SHORT, Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED);
    assertThat(c.only(Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED).requestRecordLength()).isEqualTo(48);
  }

  @Test
  void heartbleedUnrequestedResponseLeakIsTheRestOfAnAnswerSpreadOverSeveralRecords() {
    aesCbcAfterApplicationData();
    // A full-size request (2^14 bytes of plaintext: 16432 bytes under AES-CBC-SHA, TLS 1.2) claiming 65535 bytes:
    // the first answer record is as long as the request (it echoes the request's own bytes), the next ones have no
    // request left to answer.
    c.client(opaqueHeartbeat(TLS12, 16432));
    c.server(opaqueHeartbeat(TLS12, 16432));
    assertThat(c.alerts).as("an honest full-size answer, as far as anyone can tell yet").isEmpty();
    c.server(opaqueHeartbeat(TLS12, 16432));
    c.server(opaqueHeartbeat(TLS12, 16432));
    assertThat(c.rules()).containsExactly(Rule.UNREQUESTED_RESPONSE_LEAK);
    assertThat(c.only(Rule.UNREQUESTED_RESPONSE_LEAK)).satisfies(a -> {
      assertThat(a.direction()).isEqualTo(Direction.TO_CLIENT);
      assertThat(a.bytesLeaked()).isEqualTo(16395);
    });
  }

  @Test
  void heartbeatFullRecordResponseWhileAnotherRequestWaitsIsCutBecauseItsContinuationWouldPairWithThatRequest() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 16432));
    c.client(opaqueHeartbeat(TLS12, 16432));
    c.server(opaqueHeartbeat(TLS12, 16432));
    // As long as its request: honest, or the first of several records whose second would pass for the answer to
    // the second request. A guard's block-leak cuts it here.
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.FULL_RECORD_RESPONSE);
      assertThat(a.rule().id()).isEqualTo("heartbeat_full_record_response");
      assertThat(a.severity()).isEqualTo(Severity.MEDIUM);
    });
  }

  @Test
  void heartbeatPendingOverflowBeyondSixteenRequests() {
    aesCbcAfterApplicationData();
    for (int i = 0; i < 18; i++) {
      c.client(opaqueHeartbeat(TLS12, 64));
    }
    assertThat(c.rules()).containsExactly(Rule.MANY_UNANSWERED, Rule.PENDING_OVERFLOW);
    assertThat(c.only(Rule.PENDING_OVERFLOW).reason()).contains("17 heartbeat requests from the client pending");
    for (int i = 0; i < 18; i++) {
      c.server(opaqueHeartbeat(TLS12, 64)); // every answer, the two beyond the queue too, is honest
    }
    assertThat(c.rules()).containsExactly(Rule.MANY_UNANSWERED, Rule.PENDING_OVERFLOW);
  }

  @Test
  void aLaterEncryptedLeakIsReportedAfterAnAnswerThatLeakedNothing() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 64));
    c.server(opaqueHeartbeat(TLS12, 80)); // answered: 0 bytes beyond
    c.client(opaqueHeartbeat(TLS12, 64));
    c.server(opaqueHeartbeat(TLS12, 80)); // the same finding again: not repeated
    c.client(opaqueHeartbeat(TLS12, 64));
    c.server(opaqueHeartbeat(TLS12, 160)); // now 123 - 27 - 16 = 80 bytes beyond: more severe, reported
    c.client(opaqueHeartbeat(TLS12, 64));
    c.server(opaqueHeartbeat(TLS12, 4096)); // more again, but the leak is already reported
    assertThat(c.alerts).extracting(Alert::bytesLeaked).containsExactly(0L, 80L);
    assertThat(c.rules()).containsOnly(Rule.ENCRYPTED_RESPONSE_LEAK);
  }

  @Test
  void dtlsEncryptedAnswersArePairedToo() {
    ConnectionMonitor dtls = new ConnectionMonitor(
        new FlowInfo(FlowInfo.Transport.UDP, "192.0.2.1", 5000, "192.0.2.2", 4433, 1), c.alerts::add);
    byte[] request = Records.hex("18 fefd 0001 000000000003 0030" + "ab".repeat(48)); // epoch 1: protected
    byte[] response = Records.hex("18 fefd 0001 000000000004 0400" + "ab".repeat(1024));
    dtls.onDatagram(Direction.TO_SERVER, request, 0, request.length, 0);
    dtls.onDatagram(Direction.TO_CLIENT, response, 0, response.length, 1);
    assertThat(c.rules()).contains(Rule.ENCRYPTED_RESPONSE_LEAK);
    // Suite unknown (no ServerHello): the bound is the request's own length, and the leak is estimated from it.
    assertThat(c.only(Rule.ENCRYPTED_RESPONSE_LEAK).bytesLeaked()).isEqualTo(1024 - 48 - 16);
  }

  @Test
  void aFixedPeerThatDiscardsAShortRequestAndAnswersTheNextIsNotAccused() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 48));
    assertThat(c.monitor.largestHonestResponse(Direction.TO_CLIENT)).isZero(); // any answer proves a vulnerable peer
    c.client(opaqueHeartbeat(TLS12, 64));
    assertThat(c.monitor.largestHonestResponse(Direction.TO_CLIENT)).isEqualTo(64);
    c.server(opaqueHeartbeat(TLS12, 64)); // 1.0.1g: the 48-byte request is discarded, the 64-byte one answered
    c.client(APPLICATION_DATA);
    c.server("17 0303 0020" + "cd".repeat(32));
    c.server(opaqueHeartbeat(TLS12, 64)); // later, the server's own request
    assertThat(c.rules()).containsExactly(Rule.ENCRYPTED_REQUEST_TOO_SHORT);
  }

  @Test
  void aVulnerablePeerAnsweringAShortRequestBeforeTheNextIsStillCaught() {
    aesCbcAfterApplicationData();
    c.client(opaqueHeartbeat(TLS12, 48) + opaqueHeartbeat(TLS12, 64));
    c.server(opaqueHeartbeat(TLS12, 64)); // 1.0.1f answers the 48-byte request...
    c.server(opaqueHeartbeat(TLS12, 64)); // ...and then the 64-byte one, which finds nothing else pending
    assertThat(c.rules()).containsExactly(Rule.ENCRYPTED_REQUEST_TOO_SHORT, Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED);
  }
}
