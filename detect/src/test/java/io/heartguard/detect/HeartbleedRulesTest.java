package io.heartguard.detect;

import static io.heartguard.detect.Records.FLOW;
import static io.heartguard.detect.Records.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.HeartbleedRules.Rule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbleedRulesTest {
  private final List<Alert> alerts = new ArrayList<>();
  private final ConnectionMonitor monitor = new ConnectionMonitor(FLOW, alerts::add);
  private final TlsRecordReader toServer = monitor.reader(Direction.TO_SERVER, true);
  private final TlsRecordReader toClient = monitor.reader(Direction.TO_CLIENT, true);

  private static final String CCS = "14 0303 0001 01"; // ChangeCipherSpec, TLS 1.2, length 1, value 1
  /** ClientKeyExchange (16) in a handshake record: the monitor reads only its type. */
  static final String CLIENT_KEY_EXCHANGE = "16 0303 0008 10 000004 0002 abcd";

  /** ServerHello (2), TLS 1.2, no session id, the given suite, no compression, heartbeat extension. */
  static String serverHello(String suite) {
    return "16 0303 0031 02 00002d 0303" + "11".repeat(32) + "00" + suite + "00 0005 000f000101";
  }

  /** A full TLS 1.2 handshake under TLS_RSA_WITH_AES_128_CBC_SHA (16-byte blocks and IV, 20-byte MAC). */
  private void handshake() {
    server(serverHello("002f"));
    client(CLIENT_KEY_EXCHANGE + CCS);
    server(CCS);
  }

  private void client(String hex) {
    byte[] b = hex(hex);
    toServer.feed(b, 0, b.length, 1_000_000_000L);
  }

  private void server(String hex) {
    byte[] b = hex(hex);
    toClient.feed(b, 0, b.length, 2_000_000_000L);
  }

  @Test
  void plaintextRequestClaimingMoreThanItsRecordIsTheExploit() {
    client("18 0302 0003" // heartbeat record, TLS 1.1, 3 bytes
        + "01 4000"); // HeartbeatRequest, payload_length 16384, no payload at all
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.REQUEST_PAYLOAD_OVERFLOW);
      assertThat(a.direction()).isEqualTo(Direction.TO_SERVER);
      assertThat(a.recordLength()).isEqualTo(3);
      assertThat(a.payloadLength()).isEqualTo(16384);
      assertThat(a.reason()).startsWith(
          "heartbeat request from the client: payload_length 16384 exceeds its 3-byte record by 16384 bytes");
    });
  }

  @Test
  void plaintextRequestWithoutSixteenBytesOfPaddingIsAnAttack() {
    client("18 0303 0013" // heartbeat, 19 bytes
        + "01 0010" // request, payload_length 16
        + "41414141414141414141414141414141"); // 16 bytes payload, no padding
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.REQUEST_SHORT_PADDING);
    assertThat(alerts.get(0).reason()).contains("leaves 0 bytes of padding in its 19-byte record");
  }

  @Test
  void wellFormedPlaintextRequestAndEchoRaiseNothing() {
    String body = "0010" + "41".repeat(16) + "00".repeat(16); // payload 16, padding 16: 35 bytes with the type
    client("18 0303 0023 01" + body);
    server("18 0303 0023 02" + body);
    assertThat(alerts).isEmpty();
  }

  @Test
  void responseEchoingMoreThanTheRequestCarriedIsALeakWithItsByteCount() {
    client("18 0302 0003 01 4000");
    server("18 0302 4013" // 16403-byte response record
        + "02 4000" // response, payload_length 16384
        + "42".repeat(16384) + "00".repeat(16));
    assertThat(alerts).extracting(Alert::rule)
        .containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW, Rule.RESPONSE_LEAK);
    Alert leak = alerts.get(1);
    assertThat(leak.direction()).isEqualTo(Direction.TO_CLIENT);
    assertThat(leak.bytesLeaked()).isEqualTo(16384);
    assertThat(leak.requestRecordLength()).isEqualTo(3);
    assertThat(leak.leakedBytes().isEmpty()).as("leaked bytes are not kept unless asked").isTrue();
  }

  @Test
  void leakedBytesAreKeptOnlyWhenAsked() {
    ConnectionMonitor keeping = new ConnectionMonitor(FLOW, alerts::add, true);
    byte[] request = hex("18 0302 0003 01 0004");
    byte[] response = hex("18 0302 0017 02 0004 73656372" + "00".repeat(16)); // echoes "secr"
    keeping.reader(Direction.TO_SERVER, true).feed(request, 0, request.length, 0);
    keeping.reader(Direction.TO_CLIENT, true).feed(response, 0, response.length, 0);
    assertThat(alerts.get(1).leakedBytes().hex()).isEqualTo("73656372");
  }

  @Test
  void aServerAttackingItsClientIsReportedTowardTheClient() {
    server("18 0301 0003 01 ffff");
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.direction()).isEqualTo(Direction.TO_CLIENT);
      assertThat(a.reason()).startsWith("heartbeat request from the server");
    });
  }

  @Test
  void oneAlertPerRuleAndDirectionNotOnePerRecord() {
    client("18 0302 0003 01 4000 18 0302 0003 01 4000 18 0302 0003 01 4000");
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW);
  }

  @Test
  void encryptedHeartbeatBeforeApplicationDataIsReported() {
    handshake();
    client("18 0303 0056" + "ab".repeat(86)); // 86 bytes of ciphertext
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.ENCRYPTED_BEFORE_APPLICATION_DATA);
      assertThat(a.recordLength()).isEqualTo(86);
      assertThat(a.payloadLength()).isEqualTo(Alert.UNKNOWN);
    });
  }

  @Test
  void encryptedHeartbeatsAfterApplicationDataWithEqualEchoesAreQuiet() {
    handshake();
    client("17 0303 0020" + "cd".repeat(32)); // 32 bytes of application data
    client("18 0303 0040" + "ab".repeat(64));
    server("18 0303 0040" + "ab".repeat(64));
    assertThat(alerts).isEmpty();
  }

  @Test
  void encryptedResponseMuchLongerThanItsRequestIsALeak() {
    handshake();
    client("17 0303 0020" + "cd".repeat(32));
    client("18 0303 0040" + "ab".repeat(64));
    server("18 0303 4000" + "ab".repeat(16384));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(Rule.ENCRYPTED_RESPONSE_LEAK);
      // Plaintext at most 16384 - 16 (IV) - 20 (MAC) - 1 (padding_length) = 16347 against the request's 27, less
      // the 16 bytes of padding the answer adds: 16304 bytes beyond the request.
      assertThat(a.bytesLeaked()).isEqualTo(16347 - 27 - 16);
      assertThat(a.requestRecordLength()).isEqualTo(64);
      assertThat(a.severity()).isEqualTo(Severity.HIGH);
    });
  }

  @Test
  void encryptedRequestShorterThanAnyValidHeartbeatIsReported() {
    handshake();
    client("17 0303 0020" + "cd".repeat(32));
    client("18 0303 0030" + "ab".repeat(48)); // 48 bytes: AES-CBC-SHA needs 64 for an empty, padded heartbeat
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.ENCRYPTED_REQUEST_TOO_SHORT);
  }

  @Test
  void manyRequestsWithoutResponsesAreReportedOnce() {
    handshake();
    client("17 0303 0020" + "cd".repeat(32));
    for (int i = 0; i < 6; i++) {
      client("18 0303 0040" + "ab".repeat(64));
    }
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.MANY_UNANSWERED);
    assertThat(alerts.get(0).reason()).isEqualTo(
        "4 heartbeat requests from the client and 0 responses: more than 3 unanswered");
  }

  @Test
  void dtlsHeartbeatsFollowTheSameRules() {
    // DTLS 1.2 heartbeat, epoch 0, sequence 5, length 3: request with payload_length 0x4000
    byte[] datagram = hex("18 fefd 0000 000000000005 0003 01 4000");
    ConnectionMonitor dtls = new ConnectionMonitor(
        new FlowInfo(FlowInfo.Transport.UDP, "192.0.2.1", 5000, "192.0.2.2", 4433, 1), alerts::add);
    assertThat(dtls.onDatagram(Direction.TO_SERVER, datagram, 0, datagram.length, 0)).isEqualTo(1);
    assertThat(alerts).extracting(Alert::rule).containsExactly(Rule.REQUEST_PAYLOAD_OVERFLOW);
  }

  @Test
  void everyRuleHasItsOwnStableSignatureIdAndTheAnsweredOnesAreHigh() {
    assertThat(java.util.Arrays.stream(Rule.values()).map(Rule::signatureId).distinct())
        .hasSize(Rule.values().length);
    assertThat(java.util.Arrays.stream(Rule.values()).map(Rule::id).distinct()).hasSize(Rule.values().length);
    assertThat(Rule.REQUEST_PAYLOAD_OVERFLOW.signatureId()).isEqualTo(9_160_001); // ids never move
    assertThat(Rule.CHANGE_CIPHER_SPEC_NOT_APPLIED.signatureId()).isEqualTo(9_160_014);
    assertThat(Rule.values()).filteredOn(r -> r.id().contains("_answered") || r.id().contains("_leak"))
        .extracting(Rule::severity).containsOnly(Severity.HIGH);
  }
}
