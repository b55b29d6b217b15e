package io.heartguard.guard;

import static io.heartguard.detect.Direction.TO_CLIENT;
import static io.heartguard.detect.Direction.TO_SERVER;
import static io.heartguard.guard.TlsBytes.APPLICATION_DATA;
import static io.heartguard.guard.TlsBytes.CHANGE_CIPHER_SPEC;
import static io.heartguard.guard.TlsBytes.HANDSHAKE;
import static io.heartguard.guard.TlsBytes.HEARTBLEED_REQUEST;
import static io.heartguard.guard.TlsBytes.VALID_REQUEST;
import static io.heartguard.guard.TlsBytes.VALID_RESPONSE;
import static io.heartguard.guard.TlsBytes.concat;
import static io.heartguard.guard.TlsBytes.hex;
import static io.heartguard.guard.TlsBytes.opaqueRecord;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordInspectorTest {
  private static final Set<Policy> BLOCK_LEAK_ONLY = EnumSet.of(Policy.BLOCK_LEAK);

  @Test
  void allowedRecordsCrossTheGuardByteForByte() {
    InspectedConnection c = InspectedConnection.withDefaults();
    byte[] client = concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA, VALID_REQUEST);
    byte[] server = concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA);

    c.send(TO_SERVER, client).send(TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client);
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server);
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void recordSplitAcrossWritesIsJudgedWholeAndForwardedIntact() {
    InspectedConnection c = InspectedConnection.withDefaults();
    byte[] client = concat(HANDSHAKE, VALID_REQUEST, APPLICATION_DATA);

    c.sendInChunks(TO_SERVER, client, 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client);
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void heartbleedRequestSplitAcrossWritesIsBlockedBeforeAnyOfItsBytesPass() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);

    c.sendInChunks(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST, APPLICATION_DATA), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void malformedPlaintextRequestIsDroppedAndTheConnectionKept() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);

    c.send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.open(TO_SERVER)).isTrue();
    assertThat(c.resets).isEmpty();
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleId()).isEqualTo("heartbleed_request_overflow");
      assertThat(a.verdict()).isEqualTo(Verdict.DROP);
    });
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void malformedPlaintextRequestResetsTheConnectionByDefault() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(HANDSHAKE);
    assertThat(c.open(TO_SERVER)).isFalse();
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
  }

  @Test
  void requestWithoutSixteenBytesOfPaddingIsMalformed() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);
    // 18 0303 0006 | heartbeat record, 6 bytes
    // 01 0003      | heartbeat_request, payload_length 3
    // 414243       | "ABC" and no padding: RFC 6520 section 4 wants 16, so a fixed peer discards it
    byte[] shortPadding = hex("18 0303 0006 01 0003 414243");

    c.send(TO_SERVER, concat(HANDSHAKE, shortPadding));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(HANDSHAKE);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_short_padding");
  }

  @Test
  void maliciousServerBleedingAClientIsStoppedTheSameWay() {
    // In front of clients going out, the server is the attacker: its request and the client's leak are judged
    // by the same rules in the other direction.
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.RESET);

    c.send(TO_SERVER, HANDSHAKE).send(TO_CLIENT, concat(HANDSHAKE, HEARTBLEED_REQUEST));
    c.send(TO_SERVER, TlsBytes.heartbleedResponse());

    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, HEARTBLEED_REQUEST));
    assertThat(c.forwarded(TO_SERVER)).isEqualTo(HANDSHAKE);
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.alerts).extracting(GuardAlert::ruleId, GuardAlert::direction).containsExactly(
        org.assertj.core.groups.Tuple.tuple("heartbleed_request_overflow", TO_CLIENT),
        org.assertj.core.groups.Tuple.tuple("heartbleed_response_leak", TO_SERVER));
  }

  @Test
  void plaintextLeakIsCutBeforeOneByteOfItIsForwarded() {
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.RESET);

    c.send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST));
    c.send(TO_CLIENT, concat(HANDSHAKE, TlsBytes.heartbleedResponse()));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, HEARTBLEED_REQUEST)); // block-leak lets it by
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(HANDSHAKE);
    assertThat(c.resets).containsExactly(TO_CLIENT);
    assertThat(c.ruleIds()).containsExactly("heartbleed_request_overflow", "heartbleed_response_leak");
    assertThat(c.blockedRules()).containsExactly("heartbleed_response_leak");
  }

  @Test
  void droppedLeakTakesTheRestOfTheResponseWithIt() {
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.DROP);

    c.send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST));
    // The second record of the response starts with memory (0x5a...), not with a heartbeat type.
    c.send(TO_CLIENT, concat(HANDSHAKE, TlsBytes.heartbleedResponse(), APPLICATION_DATA));

    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.open(TO_CLIENT)).isTrue();
    assertThat(c.blockedRules()).containsExactly("heartbleed_response_leak");
  }

  @Test
  void encryptedResponseLongerThanItsRequestIsCutOnItsHeader() {
    InspectedConnection c = InspectedConnection.withDefaults();
    c.send(TO_SERVER, concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    c.send(TO_CLIENT, concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    byte[] request = opaqueRecord(24, 64, 0x11); // 18 0303 0040 + 64 bytes of ciphertext
    byte[] leak = opaqueRecord(24, 16384 + 64, 0x22); // 18 0303 4040 + 16448 bytes

    c.send(TO_SERVER, request);
    // Only the header and a few bytes arrive at first: the verdict cannot wait for the record's end.
    c.send(TO_CLIENT, java.util.Arrays.copyOf(leak, 9));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA, request));
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    assertThat(c.resets).containsExactly(TO_CLIENT);
    assertThat(c.blockedRules()).containsExactly("heartbleed_encrypted_response_leak");
  }

  @Test
  void encryptedResponseAsLongAsItsRequestPasses() {
    InspectedConnection c = InspectedConnection.withDefaults();
    c.send(TO_SERVER, concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    c.send(TO_CLIENT, concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    byte[] request = opaqueRecord(24, 64, 0x11);
    byte[] response = opaqueRecord(24, 64, 0x22);

    c.send(TO_SERVER, request).send(TO_CLIENT, response);

    assertThat(c.forwarded(TO_SERVER)).endsWith(request);
    assertThat(c.forwarded(TO_CLIENT)).endsWith(response);
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void encryptedRequestShorterThanAnyValidHeartbeatIsMalformed() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);
    c.send(TO_SERVER, concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA));
    // 18 0303 0003 + 3 bytes: no cipher fits type, payload_length and 16 bytes of padding in 3 bytes.
    byte[] tooShort = opaqueRecord(24, 3, 0x33);

    c.send(TO_SERVER, concat(tooShort, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, CHANGE_CIPHER_SPEC, APPLICATION_DATA, APPLICATION_DATA));
    assertThat(c.blockedRules()).containsExactly("heartbeat_shorter_than_cipher_minimum");
  }

  @Test
  void restrictDropsEveryHeartbeatBothWaysAndReportsOncePerDirection() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.RESTRICT), Action.DROP);

    c.send(TO_SERVER, concat(HANDSHAKE, VALID_REQUEST, VALID_REQUEST, APPLICATION_DATA));
    c.send(TO_CLIENT, concat(HANDSHAKE, VALID_RESPONSE, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.blockedRules()).containsExactly("heartbeat_restricted", "heartbeat_restricted");
    assertThat(c.alerts).extracting(GuardAlert::direction).containsExactly(TO_SERVER, TO_CLIENT);
  }

  @Test
  void monitorForwardsEverythingAndAlertsOnly() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);
    byte[] client = concat(HANDSHAKE, HEARTBLEED_REQUEST);
    byte[] server = concat(HANDSHAKE, TlsBytes.heartbleedResponse());

    c.send(TO_SERVER, client).send(TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client);
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server);
    assertThat(c.ruleIds()).containsExactly("heartbleed_request_overflow", "heartbleed_response_leak");
    assertThat(c.blockedRules()).isEmpty();
  }

  @Test
  void plaintextBeforeTlsPassesThroughUntilAReadStartsWithARecordHeader() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);
    byte[] ehlo = "EHLO client\r\n".getBytes(StandardCharsets.US_ASCII);
    // 0x18 0x03 inside the plaintext: not at the start of a read, so not taken for TLS.
    byte[] starttls = concat("STARTTLS".getBytes(StandardCharsets.US_ASCII), hex("1803 0100 03"), hex("0d0a"));

    c.send(TO_SERVER, ehlo).send(TO_SERVER, starttls).send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(ehlo, starttls, HANDSHAKE));
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
  }

  @Test
  void firstHeaderCutIntoTinyReadsIsHeldUntilItCanBeJudged() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);

    c.sendInChunks(TO_SERVER, concat(HEARTBLEED_REQUEST, APPLICATION_DATA), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(APPLICATION_DATA);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
  }

  @Test
  void plaintextThatCannotStartARecordIsNotHeld() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.send(TO_SERVER, hex("45")); // "E", one byte

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(hex("45"));
  }

  @Test
  void lostFramingFailsClosed() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 47 4554 202f | "GET /": not a record header (version byte 0x45, expected 0x03)
    byte[] notARecord = "GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);

    c.send(TO_SERVER, concat(HANDSHAKE, notARecord));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(HANDSHAKE);
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.ruleId()).isEqualTo("framing_lost");
      assertThat(((GuardAlert.PolicyHit) a).reason()).isEqualTo(
          "bytes 474554202f from the client do not start a TLS record (expected version 0x03xx); reset, failing closed");
    });
  }

  @Test
  void lostFramingUnderMonitorPassesTheRestThroughUninspected() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);
    byte[] stream = concat(HANDSHAKE, "GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII), HEARTBLEED_REQUEST);

    c.sendInChunks(TO_SERVER, stream, 3);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(stream);
    assertThat(c.ruleIds()).containsExactly("framing_lost");
  }

  @Test
  void peerClosingMidRecordHasTheHeldBytesPassedOn() {
    InspectedConnection c = InspectedConnection.withDefaults();
    byte[] partial = java.util.Arrays.copyOf(VALID_REQUEST, 6); // header and the type byte: still held

    c.send(TO_SERVER, concat(HANDSHAKE, partial));
    assertThat(c.forwarded(TO_SERVER)).isEqualTo(HANDSHAKE);
    c.channel(TO_SERVER).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(partial);
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void recordsOfTypesTlsDoesNotDefineAreForwarded() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 19 0303 0002 abcd | content type 25, which TLS 1.2 does not define: the receiver decides, not the guard
    byte[] stream = concat(HANDSHAKE, hex("19 0303 0002 abcd"), APPLICATION_DATA);

    c.send(TO_SERVER, stream);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(stream);
  }

  @Test
  void metricsCountRecordsByTypeAndForwardedBytes() {
    InspectedConnection c = new InspectedConnection(Policy.DEFAULT, Action.DROP);

    c.send(TO_SERVER, concat(HANDSHAKE, HEARTBLEED_REQUEST, APPLICATION_DATA));

    String text = c.metrics.prometheusText();
    assertThat(text).contains(
        "heartguard_guard_records_total{direction=\"to_server\",type=\"handshake\"} 1",
        "heartguard_guard_records_total{direction=\"to_server\",type=\"heartbeat\"} 1",
        "heartguard_guard_records_total{direction=\"to_server\",type=\"application_data\"} 1",
        "heartguard_guard_bytes_total{direction=\"to_server\"} " + (HANDSHAKE.length + APPLICATION_DATA.length));
  }
}
