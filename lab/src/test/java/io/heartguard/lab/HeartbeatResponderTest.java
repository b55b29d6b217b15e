package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.HeartbeatResponder.Outcome;
import io.heartguard.lab.HeartbeatResponder.Reply;
import io.heartguard.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** tls1_process_heartbeat of 1.0.1f and 1.0.1g on hex fixtures, without sockets. */
class HeartbeatResponderTest {
  private static final String KEY_PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n";
  private static final FakeMemory MEMORY = FakeMemory.seeded(42, KEY_PEM);
  /** Padding is 16 bytes of 0xaa, so expected responses can be written out. */
  private static final RandomGenerator PADDING_AA = () -> 0xaaaaaaaaaaaaaaaaL;
  private static final String PADDING_HEX = "aa".repeat(16);

  private static final HeartbeatResponder VULNERABLE = new HeartbeatResponder(LabMode.VULNERABLE, MEMORY, PADDING_AA);
  private static final HeartbeatResponder PATCHED = new HeartbeatResponder(LabMode.PATCHED, MEMORY, PADDING_AA);

  private static byte[] hex(String hex) {
    return Bytes.ofHex(hex).toByteArray();
  }

  private static byte[] heap(int byteCount) {
    return MEMORY.read(new byte[0], 0, byteCount);
  }

  // nmap ssl-heartbleed's request: 01 (request) 4000 (payload_length 16384) "Nmap ssl-heartbleed" (19 bytes), no padding.
  private static final byte[] NMAP_REQUEST = hex("01 4000" + "4e6d61702073736c2d6865617274626c656564");
  // testssl's request: 01 (request) 4000 (payload_length 16384) and nothing else: a 3-byte record.
  private static final byte[] TESTSSL_REQUEST = hex("01 4000");
  // A well-formed request: 01, payload_length 0004, payload deadbeef, 16 zero bytes of padding (23 bytes).
  private static final byte[] WELL_FORMED = hex("01 0004 deadbeef" + "00".repeat(16));
  // The same without padding (7 bytes): honest about its payload, illegal by RFC 6520 section 4.
  private static final byte[] PADDINGLESS = hex("01 0004 deadbeef");

  @Test
  void vulnerableCopiesTheClaimedLengthFromTheRequestPayloadOnIntoTheHeap() {
    Reply reply = VULNERABLE.respond(NMAP_REQUEST);
    assertThat(reply.outcome()).isEqualTo(Outcome.ANSWERED);
    assertThat(reply.declaredPayloadLength()).isEqualTo(16384);
    assertThat(reply.recordLength()).isEqualTo(22);
    // 02 (response) 4000, then the 19 bytes nmap sent, then 16365 heap bytes, then the padding.
    byte[] expected = Bytes.ofHex("02 4000" + "4e6d61702073736c2d6865617274626c656564").toByteArray();
    expected = concat(expected, heap(16384 - 19), hex(PADDING_HEX));
    assertThat(reply.message()).hasSize(3 + 16384 + 16).isEqualTo(expected);
    assertThat(reply.overreadBytes()).isEqualTo(16365);
  }

  @Test
  void vulnerableAnswersAThreeByteRecordWithSixteenKibibytesOfHeap() {
    Reply reply = VULNERABLE.respond(TESTSSL_REQUEST);
    assertThat(reply.outcome()).isEqualTo(Outcome.ANSWERED);
    assertThat(reply.message()).isEqualTo(concat(hex("02 4000"), heap(16384), hex(PADDING_HEX)));
    assertThat(reply.overreadBytes()).isEqualTo(16384);
  }

  @Test
  void vulnerableLeaksThePrivateKeyPemToALargeEnoughClaim() {
    Reply reply = VULNERABLE.respond(hex("01 ffff"));
    assertThat(new String(reply.message(), StandardCharsets.ISO_8859_1)).contains(KEY_PEM);
    assertThat(reply.message()).hasSize(3 + 65535 + 16);
  }

  @Test
  void vulnerableAnswersAWellFormedRequestWithItsOwnPayloadOnly() {
    Reply reply = VULNERABLE.respond(WELL_FORMED);
    assertThat(Bytes.of(reply.message()).hex()).isEqualTo("020004deadbeef" + PADDING_HEX);
    assertThat(reply.overreadBytes()).isZero();
  }

  @Test
  void vulnerableAnswersAPaddinglessRequest() {
    Reply reply = VULNERABLE.respond(PADDINGLESS);
    assertThat(Bytes.of(reply.message()).hex()).isEqualTo("020004deadbeef" + PADDING_HEX);
  }

  @Test
  void vulnerableReadsAMissingPayloadLengthFromTheHeapBehindAOneByteRecord() {
    byte[] heapHead = heap(2);
    int claimed = ((heapHead[0] & 0xff) << 8) | (heapHead[1] & 0xff);
    Reply reply = VULNERABLE.respond(hex("01"));
    assertThat(reply.outcome()).isEqualTo(Outcome.ANSWERED);
    assertThat(reply.declaredPayloadLength()).isEqualTo(claimed);
    assertThat(reply.message()).hasSize(3 + claimed + 16);
  }

  @Test
  void vulnerableSkipsAnEmptyRecordAsItsRecordLayerDid() {
    assertThat(VULNERABLE.respond(new byte[0]).outcome()).isEqualTo(Outcome.IGNORED_EMPTY);
  }

  @Test
  void patchedDiscardsAnOverclaimSilently() {
    for (byte[] request : new byte[][] {NMAP_REQUEST, TESTSSL_REQUEST}) {
      Reply reply = PATCHED.respond(request);
      assertThat(reply.answered()).isFalse();
      assertThat(reply.message()).isNull();
    }
    assertThat(PATCHED.respond(NMAP_REQUEST).outcome()).isEqualTo(Outcome.DISCARDED_PAYLOAD_TOO_LONG);
    assertThat(PATCHED.respond(TESTSSL_REQUEST).outcome()).isEqualTo(Outcome.DISCARDED_TOO_SHORT);
  }

  @Test
  void patchedDiscardsAPaddinglessRequest() {
    assertThat(PATCHED.respond(PADDINGLESS).outcome()).isEqualTo(Outcome.DISCARDED_TOO_SHORT);
  }

  @Test
  void patchedAnswersAWellFormedRequest() {
    Reply reply = PATCHED.respond(WELL_FORMED);
    assertThat(Bytes.of(reply.message()).hex()).isEqualTo("020004deadbeef" + PADDING_HEX);
  }

  @Test
  void patchedRequiresRoomForSixteenBytesOfPaddingExactly() {
    // 30-byte records: 01, payload_length, then 27 bytes. 3 + 11 + 16 = 30 fits; 3 + 12 + 16 = 31 does not.
    byte[] fits = hex("01 000b" + "11".repeat(11) + "00".repeat(16));
    byte[] overclaims = hex("01 000c" + "11".repeat(11) + "00".repeat(16));
    assertThat(PATCHED.respond(fits).outcome()).isEqualTo(Outcome.ANSWERED);
    assertThat(PATCHED.respond(overclaims).outcome()).isEqualTo(Outcome.DISCARDED_PAYLOAD_TOO_LONG);
  }

  @Test
  void unknownTypesAreDiscardedSilentlyInBothModes() {
    // 03: not request (1) nor response (2); RFC 6520 section 3.
    byte[] unknown = hex("03 0004 deadbeef" + "00".repeat(16));
    assertThat(VULNERABLE.respond(unknown).outcome()).isEqualTo(Outcome.DISCARDED_UNKNOWN_TYPE);
    assertThat(PATCHED.respond(unknown).outcome()).isEqualTo(Outcome.DISCARDED_UNKNOWN_TYPE);
  }

  @Test
  void anUnsolicitedResponseIsIgnoredInBothModes() {
    byte[] response = hex("02 0004 deadbeef" + "00".repeat(16));
    assertThat(VULNERABLE.respond(response).outcome()).isEqualTo(Outcome.IGNORED_RESPONSE);
    assertThat(PATCHED.respond(response).outcome()).isEqualTo(Outcome.IGNORED_RESPONSE);
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
