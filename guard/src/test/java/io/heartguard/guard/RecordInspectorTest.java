package io.heartguard.guard;

import static io.heartguard.detect.Direction.TO_CLIENT;
import static io.heartguard.detect.Direction.TO_SERVER;
import static io.heartguard.guard.TlsBytes.APPLICATION_DATA;
import static io.heartguard.guard.TlsBytes.CHANGE_CIPHER_SPEC;
import static io.heartguard.guard.TlsBytes.CLIENT_HELLO;
import static io.heartguard.guard.TlsBytes.FINISHED;
import static io.heartguard.guard.TlsBytes.HANDSHAKE;
import static io.heartguard.guard.TlsBytes.HEARTBLEED_REQUEST;
import static io.heartguard.guard.TlsBytes.MISLEADING_AFTER_SSL2_HELLO;
import static io.heartguard.guard.TlsBytes.SSL2_COMPATIBLE_HELLO;
import static io.heartguard.guard.TlsBytes.VALID_REQUEST;
import static io.heartguard.guard.TlsBytes.VALID_RESPONSE;
import static io.heartguard.guard.TlsBytes.concat;
import static io.heartguard.guard.TlsBytes.hex;
import static io.heartguard.guard.TlsBytes.opaqueRecord;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.detect.RecordAction;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class RecordInspectorTest {
  private static final Set<Policy> PRECISE = EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK);
  private static final Set<Policy> BLOCK_LEAK_ONLY = EnumSet.of(Policy.BLOCK_LEAK);

  @Test
  void allowedRecordsCrossTheGuardByteForByte() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.RESET);
    byte[] client = concat(CLIENT_HELLO, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA);
    byte[] server = concat(HANDSHAKE, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA);

    c.send(TO_SERVER, client).send(TO_CLIENT, server).send(TO_SERVER, VALID_REQUEST).send(TO_CLIENT, VALID_RESPONSE);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(client, VALID_REQUEST));
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(server, VALID_RESPONSE));
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void recordSplitAcrossWritesIsJudgedWholeAndForwardedIntact() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.RESET);
    byte[] client = concat(CLIENT_HELLO, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA);
    byte[] server = concat(HANDSHAKE, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA);

    c.sendInChunks(TO_SERVER, client, 1).sendInChunks(TO_CLIENT, server, 1);
    c.sendInChunks(TO_SERVER, concat(VALID_REQUEST, APPLICATION_DATA), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(client, VALID_REQUEST, APPLICATION_DATA));
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server);
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void heartbleedRequestSplitAcrossWritesIsBlockedBeforeAnyOfItsBytesPass() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);

    c.sendInChunks(TO_SERVER, concat(CLIENT_HELLO, HEARTBLEED_REQUEST, APPLICATION_DATA), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, APPLICATION_DATA));
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void malformedPlaintextRequestIsDroppedAndTheConnectionKept() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);

    c.send(TO_SERVER, concat(CLIENT_HELLO, HEARTBLEED_REQUEST, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, APPLICATION_DATA));
    assertThat(c.open(TO_SERVER)).isTrue();
    assertThat(c.resets).isEmpty();
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule().id()).isEqualTo("heartbleed_request_overflow");
      assertThat(a.recordAction()).isEqualTo(RecordAction.DROP);
    });
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void malformedPlaintextRequestResetsTheConnectionByDefault() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.send(TO_SERVER, concat(CLIENT_HELLO, HEARTBLEED_REQUEST, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.open(TO_SERVER)).isFalse();
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow"); // the finding carries the block
  }

  @Test
  void requestWithoutSixteenBytesOfPaddingIsMalformed() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);
    // 18 0303 0006 | heartbeat record, 6 bytes
    // 01 0003      | heartbeat_request, payload_length 3
    // 414243       | "ABC" and no padding: RFC 6520 section 4 wants 16, so a fixed peer discards it
    byte[] shortPadding = hex("18 0303 0006 01 0003 414243");

    c.send(TO_SERVER, concat(CLIENT_HELLO, shortPadding));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_short_padding");
  }

  @Test
  void maliciousServerRequestIsStoppedBeforeTheClientCanBleed() {
    // In front of clients going out, the server is the attacker: its request is judged as a client's would be.
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.RESET);

    c.send(TO_SERVER, CLIENT_HELLO).send(TO_CLIENT, concat(HANDSHAKE, HEARTBLEED_REQUEST));

    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(HANDSHAKE);
    assertThat(c.resets).containsExactly(TO_CLIENT);
    assertThat(c.alerts).extracting((Alert a) -> a.rule().id(), Alert::direction, Alert::recordAction)
        .containsExactly(Tuple.tuple("heartbleed_request_overflow", TO_CLIENT, RecordAction.RESET));
  }

  @Test
  void blockLeakAloneStopsAPlaintextAttackBecauseItComesDuringTheHandshake() {
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.RESET);

    c.send(TO_SERVER, concat(CLIENT_HELLO, HEARTBLEED_REQUEST));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
  }

  @Test
  void plaintextLeakIsCutBeforeOneByteOfItIsForwarded() {
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.RESET);

    c.send(TO_SERVER, CLIENT_HELLO).send(TO_CLIENT, concat(HANDSHAKE, TlsBytes.heartbleedResponse()));

    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(HANDSHAKE);
    assertThat(c.resets).containsExactly(TO_CLIENT);
    assertThat(c.blockedRules()).hasSize(1);
  }

  @Test
  void droppedLeakTakesTheRestOfTheResponseWithIt() {
    InspectedConnection c = new InspectedConnection(BLOCK_LEAK_ONLY, Action.DROP);

    c.send(TO_SERVER, CLIENT_HELLO);
    // The second record of the response starts with memory (0x5a...), not with a heartbeat type.
    c.send(TO_CLIENT, concat(HANDSHAKE, TlsBytes.heartbleedResponse(), APPLICATION_DATA));

    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.open(TO_CLIENT)).isTrue();
    assertThat(c.blockedRules()).hasSize(1);
  }

  @Test
  void encryptedResponseLongerThanItsRequestIsCutOnItsHeader() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.RESET).handshake();
    byte[] request = opaqueRecord(24, 64, 0x11); // 18 0303 0040 + 64 bytes of ciphertext
    byte[] leak = opaqueRecord(24, 16384 + 64, 0x22); // 18 0303 4040 + 16448 bytes

    c.send(TO_SERVER, request);
    // Only the header and a few bytes arrive at first: the decision cannot wait for the record's end.
    c.send(TO_CLIENT, Arrays.copyOf(leak, 9));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(request);
    assertThat(c.forwarded(TO_CLIENT)).isEmpty();
    assertThat(c.resets).containsExactly(TO_CLIENT);
    assertThat(c.blockedRules()).containsExactly("heartbleed_encrypted_response_leak");
  }

  @Test
  void encryptedResponseAsLongAsItsRequestPasses() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.RESET).handshake();
    byte[] request = opaqueRecord(24, 64, 0x11);
    byte[] response = opaqueRecord(24, 64, 0x22);

    c.send(TO_SERVER, request).send(TO_CLIENT, response);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(request);
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(response);
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void cbcPaddingCanHideALeakFromThePrecisePoliciesSoTheDefaultIsRestrict() {
    // TLS 1.2, AES-CBC-SHA: the attacker's request is 01 00f0 + 16 bytes of padding (19 bytes claiming 240),
    // + a 20-byte MAC + 249 bytes of CBC padding (TLS allows up to 255): 16 (IV) + 288 = 304 bytes on the wire.
    // 1.0.1f answers 3 + 240 + 16 bytes + MAC, padded minimally to 288: 304 bytes too, 240 of them its memory.
    byte[] request = opaqueRecord(24, 304, 0x11);
    byte[] leak = opaqueRecord(24, 304, 0x5a);
    InspectedConnection precise = new InspectedConnection(PRECISE, Action.RESET).handshake();
    InspectedConnection byDefault = InspectedConnection.withDefaults().handshake();

    precise.send(TO_SERVER, request).send(TO_CLIENT, leak);
    byDefault.send(TO_SERVER, request);

    assertThat(precise.forwarded(TO_CLIENT)).as("the precise policies cannot see it").isEqualTo(leak);
    assertThat(byDefault.forwarded(TO_SERVER)).isEmpty();
    assertThat(byDefault.blockedRules()).containsExactly("heartbeat_restricted");
    assertThat(Policy.DEFAULT).containsExactly(Policy.RESTRICT);
  }

  @Test
  void encryptedRequestShorterThanAnyValidHeartbeatIsMalformed() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP).handshake();
    // 18 0303 0003 + 3 bytes: no cipher fits type, payload_length and 16 bytes of padding in 3 bytes.
    byte[] tooShort = opaqueRecord(24, 3, 0x33);

    c.send(TO_SERVER, concat(tooShort, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(APPLICATION_DATA);
    assertThat(c.blockedRules()).containsExactly("heartbeat_shorter_than_cipher_minimum");
  }

  @Test
  void restrictDropsEveryHeartbeatBothWaysAndReportsOncePerDirection() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.RESTRICT), Action.DROP);

    c.send(TO_SERVER, concat(CLIENT_HELLO, VALID_REQUEST, VALID_REQUEST, APPLICATION_DATA));
    c.send(TO_CLIENT, concat(HANDSHAKE, VALID_RESPONSE, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, APPLICATION_DATA));
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(concat(HANDSHAKE, APPLICATION_DATA));
    assertThat(c.blockedRules()).containsExactly("heartbeat_restricted", "heartbeat_restricted");
    assertThat(c.alerts).extracting(Alert::direction).containsExactly(TO_SERVER, TO_CLIENT);
  }

  @Test
  void monitorForwardsEverythingAndAlertsOnly() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);
    byte[] client = concat(CLIENT_HELLO, HEARTBLEED_REQUEST);
    byte[] server = concat(HANDSHAKE, TlsBytes.heartbleedResponse());

    c.send(TO_SERVER, client).send(TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client);
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server);
    assertThat(c.ruleIds()).startsWith("heartbleed_request_overflow", "heartbleed_response_leak");
    assertThat(c.blockedRules()).isEmpty();
  }

  @Test
  void heartbeatDuringTheHandshakeIsDroppedBothWaysUnderEveryBlockingPolicy() {
    for (Set<Policy> policies : List.of(PRECISE, BLOCK_LEAK_ONLY, EnumSet.of(Policy.BLOCK_MALFORMED),
        EnumSet.of(Policy.RESTRICT))) {
      InspectedConnection c = new InspectedConnection(policies, Action.DROP);
      // Only the client has finished: RFC 6520 section 3 still forbids heartbeats, and 1.0.1f still answers them.
      c.send(TO_SERVER, concat(CLIENT_HELLO, CHANGE_CIPHER_SPEC, FINISHED, VALID_REQUEST));
      c.send(TO_CLIENT, concat(HANDSHAKE, VALID_RESPONSE));

      assertThat(c.forwarded(TO_SERVER)).as("%s", policies).isEqualTo(concat(CLIENT_HELLO, CHANGE_CIPHER_SPEC, FINISHED));
      assertThat(c.forwarded(TO_CLIENT)).as("%s", policies).isEqualTo(HANDSHAKE);
      assertThat(c.alerts).extracting(Alert::direction).contains(TO_SERVER, TO_CLIENT);
      assertThat(c.alerts).extracting(Alert::recordAction).as("%s", policies).containsOnly(RecordAction.DROP);
    }
  }

  @Test
  void honestHeartbeatDuringTheHandshakeIsReportedUnderItsOwnRule() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);

    c.send(TO_SERVER, concat(CLIENT_HELLO, VALID_REQUEST));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule().id()).isEqualTo("heartbeat_during_handshake");
      assertThat(a.reason()).isEqualTo("heartbeat record of 22 bytes from the client before"
          + " both sides sent ChangeCipherSpec and Finished (RFC 6520 section 3) (later ones on this connection are"
          + " not reported)");
    });
  }

  @Test
  void encryptedHeartbeatsOfOneAndTwoBytesAreBelowTheCipherMinimumAndTheHonestOneAfterThemGoesToo() {
    // 18 0303 0001 01 / 0002 0140 after ChangeCipherSpec: shorter than any MAC, so shorter than any valid heartbeat
    for (String tooShort : List.of("18 0303 0001 01", "18 0303 0002 0140")) {
      InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP).handshake();

      c.send(TO_SERVER, concat(hex(tooShort), opaqueRecord(24, 64, 0x11), APPLICATION_DATA));

      assertThat(c.forwarded(TO_SERVER)).as(tooShort).isEqualTo(APPLICATION_DATA);
      assertThat(c.blockedRules()).as(tooShort).containsExactly("heartbeat_shorter_than_cipher_minimum");
    }
  }

  @Test
  void emptyHeartbeatRecordAfterTheHandshakeIsForwardedLikeEveryEmptyRecordOpenSslSkips() {
    // 18 0303 0000: ssl3_get_record skips a record of 0 bytes ("just read a 0 length packet"), so no peer reads it
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP).handshake();
    byte[] stream = concat(hex("18 0303 0000"), opaqueRecord(24, 64, 0x11), APPLICATION_DATA);

    c.send(TO_SERVER, stream);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(stream);
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void everyBlockingPolicyBlocksTheEnginesTruncatedHeartbeatAndMonitorNone() {
    // A heartbeat record of 1 or 2 bytes: 1.0.1f reads payload_length from stale memory (tls1_process_heartbeat).
    for (Set<Policy> policies : List.of(PRECISE, BLOCK_LEAK_ONLY, EnumSet.of(Policy.BLOCK_MALFORMED),
        EnumSet.of(Policy.RESTRICT))) {
      assertThat(DetectJudge.blocks(Rule.HEARTBEAT_TRUNCATED, policies)).as("%s", policies).isTrue();
    }
    assertThat(DetectJudge.blocks(Rule.HEARTBEAT_TRUNCATED, EnumSet.of(Policy.MONITOR))).isFalse();
  }

  @Test
  void plaintextHeartbeatOfTwoBytesThenAnHonestOneAreBothBlocked() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);
    // 18 0301 0002 | heartbeat record, 2 bytes
    // 01 40        | heartbeat_request, and half a payload_length: 1.0.1f takes the other byte from stale memory
    byte[] twoBytes = hex("18 0301 0002 0140");

    c.send(TO_SERVER, concat(CLIENT_HELLO, twoBytes, VALID_REQUEST, APPLICATION_DATA));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, APPLICATION_DATA));
    // the engine's finding, and the honest one goes with it, unreported
    assertThat(c.blockedRules()).containsExactly("heartbleed_truncated_heartbeat");
  }

  @Test
  void plaintextHeartbeatOfOneByteIsReportedAsTruncatedEvenUnderMonitor() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);

    c.send(TO_SERVER, concat(CLIENT_HELLO, hex("18 0303 0001 01"))); // 1 byte: heartbeat_request, no length

    assertThat(c.ruleIds()).containsExactly("heartbleed_truncated_heartbeat");
    assertThat(c.blockedRules()).isEmpty();
  }

  @Test
  void emptyChangeCipherSpecChangesNothingSoThePlaintextAttackAfterItIsSeen() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);
    // 14 0303 0000 | ChangeCipherSpec with no byte: ssl3_get_record skips it, the direction stays plaintext
    // 17 0303 0000 | an empty application_data record, skipped the same way
    byte[] empties = hex("14 0303 0000 17 0303 0000");

    c.send(TO_SERVER, concat(CLIENT_HELLO, empties, HEARTBLEED_REQUEST));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, empties));
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow"); // judged as plaintext, on content
    assertThat(c.judge.monitor().changeCipherSpecSeen(TO_SERVER)).isFalse();
  }

  @Test
  void changeCipherSpecOtherThanTheOneByte01DoesNotCompleteTheHandshake() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);
    // 14 0303 0002 0101: two bytes, which ssl3_read_bytes answers with a fatal illegal_parameter alert
    byte[] badCcs = hex("14 0303 0002 0101");

    c.send(TO_SERVER, concat(CLIENT_HELLO, badCcs, FINISHED)).send(TO_CLIENT, concat(HANDSHAKE, badCcs, FINISHED));
    c.send(TO_SERVER, VALID_REQUEST);

    assertThat(c.judge.handshakeComplete()).isFalse();
    assertThat(c.blockedRules()).containsExactly("heartbeat_during_handshake");
  }

  @Test
  void sslv2CompatibleHelloThenAMisleadingReadIsFramedWhereOpenSslFramesIt() {
    for (Set<Policy> policies : List.of(PRECISE, BLOCK_LEAK_ONLY, Policy.DEFAULT)) {
      InspectedConnection c = new InspectedConnection(policies, Action.RESET);
      // The first read ends 8 bytes into the heartbeat record; the second starts with what looks like a header.
      c.send(TO_SERVER, concat(SSL2_COMPATIBLE_HELLO, Arrays.copyOf(MISLEADING_AFTER_SSL2_HELLO, 8)));
      c.send(TO_SERVER, Arrays.copyOfRange(MISLEADING_AFTER_SSL2_HELLO, 8, MISLEADING_AFTER_SSL2_HELLO.length));

      assertThat(c.forwarded(TO_SERVER)).as("%s", policies).isEqualTo(SSL2_COMPATIBLE_HELLO);
      assertThat(c.resets).containsExactly(TO_SERVER);
      assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
    }
  }

  @Test
  void sslv2CompatibleHelloAndTheAttackSplitByteByByteAreFramedTheSame() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.sendInChunks(TO_SERVER, concat(SSL2_COMPATIBLE_HELLO, MISLEADING_AFTER_SSL2_HELLO), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(SSL2_COMPATIBLE_HELLO);
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");
  }

  @Test
  void legitimateSslv2CompatibleHelloAndTheRecordsAfterItCrossUnchanged() {
    InspectedConnection c = InspectedConnection.withDefaults();
    byte[] client = concat(SSL2_COMPATIBLE_HELLO, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA);

    byte[] server = concat(HANDSHAKE, CHANGE_CIPHER_SPEC, FINISHED);

    c.sendInChunks(TO_SERVER, client, 7).send(TO_CLIENT, server);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(client);
    assertThat(c.forwarded(TO_CLIENT)).isEqualTo(server);
    assertThat(c.alerts).isEmpty();
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void recordVersionsOpenSslFramesAreFramedAndOnesItRefusesReset() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 17 03ff 0005 ... | application_data with minor 0xff: ssl3_get_record frames it (then refuses it after the
    // ClientHello): the guard frames it too, and the heartbeat after it is seen where the receiver would see it.
    byte[] oddMinor = hex("17 03ff 0005 68656c6c6f");
    // 18 0304 0003 01 4000 | the Heartbleed probe with record version 3.4
    byte[] probe34 = hex("18 0304 0003 014000");

    c.send(TO_SERVER, concat(CLIENT_HELLO, oddMinor, probe34));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(CLIENT_HELLO, oddMinor));
    assertThat(c.blockedRules()).containsExactly("heartbleed_request_overflow");

    InspectedConnection major2 = InspectedConnection.withDefaults();
    major2.send(TO_SERVER, concat(CLIENT_HELLO, hex("18 0203 0003 014000"))); // major 2: ssl3_get_record refuses
    assertThat(major2.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(major2.blockedRules()).containsExactly("framing_lost");
  }

  @Test
  void plaintextFirstMessageIsResetAsNotTls() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);
    byte[] ehlo = "EHLO client\r\n".getBytes(StandardCharsets.US_ASCII);

    c.send(TO_SERVER, ehlo);

    assertThat(c.forwarded(TO_SERVER)).isEmpty();
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule().id()).isEqualTo("not_tls");
      assertThat(a.reason()).isEqualTo("first bytes from the client are not TLS as OpenSSL"
          + " reads it: first byte 0x45 starts neither a TLS handshake record (0x16) nor an SSLv2 2-byte header"
          + " (top bit set); reset, failing closed");
    });
  }

  @Test
  void serverSpeakingFirstInPlaintextIsResetAsNotTls() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.sendInChunks(TO_CLIENT, "220 mail.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII), 1);

    assertThat(c.forwarded(TO_CLIENT)).isEmpty();
    assertThat(c.blockedRules()).containsExactly("not_tls");
  }

  @Test
  void starttlsUnderMonitorIsReportedAndPassedThroughUninspected() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);
    byte[] ehlo = "EHLO client\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] rest = concat("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII), CLIENT_HELLO, HEARTBLEED_REQUEST);

    c.send(TO_SERVER, ehlo).send(TO_SERVER, rest);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(concat(ehlo, rest));
    assertThat(c.ruleIds()).containsExactly("not_tls");
  }

  @Test
  void realSslv2HelloIsNotCarried() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 8025 01 0002 ...: SSLv2 CLIENT-HELLO, version 0x0002: an SSLv2 session, which the guard does not frame
    c.send(TO_SERVER, hex("8025 01 0002 0015 0000 0010 000000"));

    assertThat(c.forwarded(TO_SERVER)).isEmpty();
    assertThat(c.blockedRules()).containsExactly("not_tls");
  }

  @Test
  void openingIsHeldUntilElevenBytesDecideIt() {
    InspectedConnection c = InspectedConnection.withDefaults();

    c.sendInChunks(TO_SERVER, Arrays.copyOf(CLIENT_HELLO, 10), 1);
    assertThat(c.forwarded(TO_SERVER)).isEmpty();
    c.sendInChunks(TO_SERVER, Arrays.copyOfRange(CLIENT_HELLO, 10, CLIENT_HELLO.length), 1);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.alerts).isEmpty();
  }

  @Test
  void lostFramingFailsClosed() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 47 4554 202f | "GET /": not a record header (version byte 0x45, expected 0x03)
    byte[] notARecord = "GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);

    c.send(TO_SERVER, concat(CLIENT_HELLO, notARecord));

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    assertThat(c.resets).containsExactly(TO_SERVER);
    assertThat(c.alerts).singleElement().satisfies(a -> {
      assertThat(a.rule().id()).isEqualTo("framing_lost");
      assertThat(a.reason()).isEqualTo("bytes 474554202f from the client do not start a TLS"
          + " record (expected version 0x03xx, length up to 2^14 + 2048); reset, failing closed");
    });
  }

  @Test
  void lostFramingUnderMonitorPassesTheRestThroughUninspected() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.MONITOR), Action.RESET);
    byte[] stream = concat(CLIENT_HELLO, "GET / HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII), HEARTBLEED_REQUEST);

    c.sendInChunks(TO_SERVER, stream, 3);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(stream);
    assertThat(c.ruleIds()).containsExactly("framing_lost");
  }

  @Test
  void peerClosingMidRecordHasTheHeldBytesPassedOn() {
    InspectedConnection c = InspectedConnection.withDefaults();
    byte[] partial = Arrays.copyOf(VALID_REQUEST, 6); // header and the type byte: still held

    c.send(TO_SERVER, concat(CLIENT_HELLO, partial));
    assertThat(c.forwarded(TO_SERVER)).isEqualTo(CLIENT_HELLO);
    c.channel(TO_SERVER).pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(partial);
    assertThat(c.finishClean()).isTrue();
  }

  @Test
  void recordsOfTypesTlsDoesNotDefineAreForwarded() {
    InspectedConnection c = InspectedConnection.withDefaults();
    // 19 0303 0002 abcd | content type 25, which TLS 1.2 does not define: the receiver decides, not the guard
    byte[] stream = concat(CLIENT_HELLO, hex("19 0303 0002 abcd"), APPLICATION_DATA);

    c.send(TO_SERVER, stream);

    assertThat(c.forwarded(TO_SERVER)).isEqualTo(stream);
  }

  @Test
  void metricsCountRecordsByTypeAndForwardedBytes() {
    InspectedConnection c = new InspectedConnection(PRECISE, Action.DROP);

    c.send(TO_SERVER, concat(CLIENT_HELLO, HEARTBLEED_REQUEST, APPLICATION_DATA));

    String text = c.metrics.prometheusText();
    assertThat(text).contains(
        "heartguard_guard_records_total{direction=\"to_server\",type=\"handshake\"} 1",
        "heartguard_guard_records_total{direction=\"to_server\",type=\"heartbeat\"} 1",
        "heartguard_guard_records_total{direction=\"to_server\",type=\"application_data\"} 1",
        "heartguard_guard_bytes_total{direction=\"to_server\"} " + (CLIENT_HELLO.length + APPLICATION_DATA.length));
  }
}
