package io.heartguard.sensor.evasion;

import static io.heartguard.sensor.evasion.Conversation.ATTACK;
import static io.heartguard.sensor.evasion.Conversation.HARMLESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.sensor.Sensor;
import io.heartguard.sensor.flow.ChecksumMode;
import io.heartguard.sensor.flow.OsPolicy;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12's evasion cases for the sensor: each capture plays the attack (a plaintext heartbeat whose payload_length
 * overflows its record) behind one trick on the TCP/IP layer, and the sensor must raise the attack's alert exactly
 * as on the clean capture, because the receiving host (Linux, by default) reads the attack.
 */
class SensorEvasionTest {
  private static final String ATTACK_ALERT = "heartbleed_request_overflow to_server record 19 payload 16384";

  /** What a run saw: its alerts, as rule, direction and lengths, and the sensor for its counters. */
  private record Run(List<String> alerts, List<Alert> raw, Sensor sensor) {}

  private static Run run(byte[] pcap) throws Exception {
    return run(pcap, Sensor.DEFAULT_MAX_FLOWS, OsPolicy.LINUX, ChecksumMode.AUTO);
  }

  private static Run run(byte[] pcap, int maxFlows, OsPolicy policy, ChecksumMode checksums) throws Exception {
    List<Alert> alerts = new ArrayList<>();
    Sensor sensor = new Sensor(alerts::add, false, maxFlows, Sensor.DEFAULT_TIMEOUT_NANOS,
        Sensor.DEFAULT_MEMORY_CAP_BYTES, policy, checksums);
    sensor.read("test", new ByteArrayInputStream(pcap));
    sensor.finish();
    assertThat(sensor.stats().internalErrors).as("internal errors").isZero();
    return new Run(alerts.stream().map(a -> a.rule().id() + " " + a.direction().eveName() + " record "
        + a.recordLength() + " payload " + a.payloadLength()).toList(), alerts, sensor);
  }

  /** The clean capture: a handshake, the hellos, the attack, a close. */
  private static Conversation clean(int clientPort) {
    return new Conversation(clientPort).handshake().hellos().fromClient(ATTACK).close();
  }

  @Test
  void theCleanCaptureRaisesTheAttackAlertOnce() throws Exception {
    assertThat(run(clean(40000).pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  // ---- Flow lifecycle ---------------------------------------------------------------------------------------------

  @Test
  void strayPacketsBeforeTheSyn() throws Exception {
    // Two application-data records in a packet on the 5-tuple before the SYN: Linux answers it with a reset, there
    // is no connection. The SYN that follows starts the real one, read from its start.
    byte[] stray = HexFormat.of().parseHex("1703020005" + "0102030405" + "1703020005" + "0607080910");
    Conversation c = new Conversation(40001);
    c.segment(true, 0x5555_0000, 0x6666_0000, Frames.PSH | Frames.ACK, stray);
    c.segment(true, 0x5555_0000 + stray.length, 0x6666_0000, Frames.PSH | Frames.ACK, stray);
    c.handshake().hellos().fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().connectionsReused).isEqualTo(1);
  }

  @Test
  void resetOutOfWindow() throws Exception {
    // Linux ignores a reset outside the window, and answers one inside it but not at RCV.NXT with a challenge ACK
    // (RFC 5961 section 3.2): the connection goes on and the attack reaches the server.
    Conversation c = new Conversation(40002).handshake().hellos();
    c.segment(true, c.clientSeq + 1_000_000, c.serverSeq, Frames.RST | Frames.ACK, new byte[0]);
    c.segment(true, c.clientSeq + 10, c.serverSeq, Frames.RST | Frames.ACK, new byte[0]);
    c.segment(false, c.serverSeq - 100_000_000, c.clientSeq, Frames.RST | Frames.ACK, new byte[0]);
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().resetsIgnored).isEqualTo(3);
  }

  @Test
  void resetAtTheNextSequenceNumberEndsTheConnection() throws Exception {
    Conversation c = new Conversation(40003).handshake().hellos();
    c.segment(true, c.clientSeq, c.serverSeq, Frames.RST | Frames.ACK, new byte[0]);
    c.fromClient(ATTACK); // the server's stack answers these bytes with a reset: no one reads them
    Run run = run(c.pcap());
    assertThat(run.alerts()).isEmpty();
    assertThat(run.sensor().stats().flowsClosed).isEqualTo(1);
    assertThat(run.sensor().stats().resetsIgnored).isZero();
  }

  @Test
  void otherPoliciesTakeAResetAnywhereInTheWindow() throws Exception {
    Conversation c = new Conversation(40004).handshake().hellos();
    c.segment(true, c.clientSeq + 10, c.serverSeq, Frames.RST | Frames.ACK, new byte[0]);
    c.fromClient(ATTACK);
    assertThat(run(c.pcap(), 1000, OsPolicy.BSD, ChecksumMode.AUTO).alerts()).isEmpty();
  }

  @Test
  void synInsideAnOpenConnection() throws Exception {
    // A SYN with another sequence number in the middle of the connection: Linux answers with a challenge ACK and
    // changes nothing (RFC 5961 section 4), so the attack at the old numbers is read.
    Conversation c = new Conversation(40030).handshake().hellos();
    c.segment(true, c.clientSeq + 1000, 0, Frames.SYN, new byte[0]);
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().connectionsReused).isZero();
  }

  @Test
  void fiveTupleReusedAfterRst() throws Exception {
    Conversation refused = new Conversation(false, 40005, 0x1000_0000, 0);
    refused.segment(true, 0x1000_0000, 0, Frames.SYN, new byte[0]);
    refused.segment(false, 0, 0x1000_0001, Frames.RST | Frames.ACK, new byte[0]);
    Conversation attack = new Conversation(false, 40005, 0x2000_0000, 0x7000_0000).handshake().hellos()
        .fromClient(ATTACK).close();
    Run run = run(refused.then(attack).pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().connectionsReused).isEqualTo(1);
  }

  @Test
  void fiveTupleReusedAfterFin() throws Exception {
    byte[] applicationData = HexFormat.of().parseHex("1703020010" + "00".repeat(16));
    Conversation first = new Conversation(false, 40006, 0x1000_0000, 0x3000_0000).handshake().hellos()
        .fromClient(applicationData).close();
    Conversation second = new Conversation(false, 40006, 0x2000_0000, 0x7000_0000).handshake().hellos()
        .fromClient(ATTACK).close();
    assertThat(run(first.then(second).pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @Test
  void everyConnectionOnARepeatedFiveTupleGetsItsOwnAlerts() throws Exception {
    Conversation first = new Conversation(false, 40007, 0x1000_0000, 0x3000_0000).handshake().hellos()
        .fromClient(ATTACK).close();
    Conversation second = new Conversation(false, 40007, 0x2000_0000, 0x7000_0000).handshake().hellos()
        .fromClient(ATTACK).close();
    Run run = run(first.then(second).pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT, ATTACK_ALERT);
    assertThat(run.raw().get(0).flow().flowId()).isNotEqualTo(run.raw().get(1).flow().flowId());
  }

  @Test
  void twentyThousandHalfOpenFlowsBeforeTheAttack() throws Exception {
    // With room for 1000 flows, 20,000 SYNs from other clients must evict each other, not the flow that carried a
    // TLS handshake.
    Conversation c = new Conversation(40008).handshake().hellos();
    for (int i = 0; i < 20_000; i++) {
      byte[] source = {10, 1, (byte) (i >>> 8), (byte) i};
      c.frame(Frames.ethernet(Frames.ip(source, Conversation.SERVER_V4, Frames.TCP, Frames.tcp(source,
          Conversation.SERVER_V4, 50_000, 443, i * 7919, 0, Frames.SYN, 65535, new byte[0], new byte[0]))));
    }
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap(), 1000, OsPolicy.LINUX, ChecksumMode.AUTO);
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().flowsEvictedForCapacity).isGreaterThanOrEqualTo(19_000);
  }

  @Test
  void aFlowEvictedAnywayIsOpenedAgainAndRead() throws Exception {
    // Room for two flows and three TLS connections: the first is evicted; when it comes back, it is read again.
    Conversation a = new Conversation(40009).handshake().hellos();
    Conversation b = new Conversation(40010).handshake().hellos();
    Conversation c = new Conversation(40011).handshake().hellos();
    byte[] attackThenData = ByteBuffer.allocate(ATTACK.length + 21).put(ATTACK)
        .put(HexFormat.of().parseHex("1703020010" + "00".repeat(16))).array();
    Conversation back = new Conversation(40009);
    back.clientSeq = a.clientSeq;
    back.serverSeq = a.serverSeq;
    back.fromClient(attackThenData);
    Run run = run(a.then(b).then(c).then(back).pcap(), 2, OsPolicy.LINUX, ChecksumMode.AUTO);
    assertThat(run.sensor().stats().flowsEvictedForCapacity).isEqualTo(2);
    assertThat(run.sensor().stats().flowsCreated).isEqualTo(4);
    assertThat(run.sensor().stats().heartbeats).as("the heartbeat read on the flow opened again").isEqualTo(1);
  }

  // ---- Segmentation and overlaps ------------------------------------------------------------------------------------

  @Test
  void heartbeatSplitByteByByte() throws Exception {
    Conversation c = new Conversation(40012).handshake().hellos().fromClientInPieces(ATTACK, 1).close();
    assertThat(run(c.pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @ParameterizedTest(name = "first segment {0} bytes")
  @ValueSource(ints = {1, 2, 3, 4, 6})
  void heartbeatSplitAcrossTheRecordHeader(int firstSegment) throws Exception {
    Conversation c = new Conversation(40013).handshake().hellos();
    c.fromClientInPieces(Arrays.copyOf(ATTACK, firstSegment), firstSegment);
    c.fromClient(Arrays.copyOfRange(ATTACK, firstSegment, ATTACK.length)).close();
    assertThat(run(c.pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  /**
   * Out of order, a harmless copy of bytes 5..8 (payload_length 0), then the attack's bytes 5..24 at the same
   * sequence number, then bytes 0..5: Linux replaces the queued segment by the longer one that starts with it
   * (tcp_data_queue_ofo), so the server reads the attack. BSD and Windows keep the first copy.
   */
  private static Conversation shortCopyThenLongerOne(int port) {
    Conversation c = new Conversation(port).handshake().hellos();
    int s = c.clientSeq;
    c.segment(true, s + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(HARMLESS, 5, 8));
    c.segment(true, s + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(ATTACK, 5, ATTACK.length));
    c.segment(true, s, c.serverSeq, Frames.ACK, Arrays.copyOf(ATTACK, 5));
    c.clientSeq += ATTACK.length;
    return c.close();
  }

  @Test
  void overlappingSegmentsWithConflictingBytesHarmlessFirst() throws Exception {
    assertThat(run(shortCopyThenLongerOne(40014).pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @Test
  void overlappingSegmentsWithConflictingBytesAttackFirst() throws Exception {
    // The attack's bytes 5..24 wait out of order; a harmless copy of 5..8 inside them is "all bits present".
    Conversation c = new Conversation(40015).handshake().hellos();
    int s = c.clientSeq;
    c.segment(true, s + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(ATTACK, 5, ATTACK.length));
    c.segment(true, s + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(HARMLESS, 5, 8));
    c.segment(true, s, c.serverSeq, Frames.ACK, Arrays.copyOf(ATTACK, 5));
    c.clientSeq += ATTACK.length;
    assertThat(run(c.close().pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @Test
  void overlappingSegmentsWithConflictingBytesAfterDelivery() throws Exception {
    // Bytes already taken in order are final: a conflicting retransmission changes nothing.
    Conversation c = new Conversation(40016).handshake().hellos();
    int s = c.clientSeq;
    c.fromClient(ATTACK);
    c.segment(true, s, c.serverSeq, Frames.PSH | Frames.ACK, HARMLESS);
    assertThat(run(c.close().pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @Test
  void overlappingSegmentsInOrderBeatWhatWaitsOutOfOrder() throws Exception {
    // A harmless copy of bytes 5..24 waits; the whole attack then arrives in order, and Linux reads it, dropping the
    // queued copy (tcp_ofo_queue: "if (!after(end_seq, rcv_nxt)) drop").
    Conversation c = new Conversation(40017).handshake().hellos();
    c.segment(true, c.clientSeq + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(HARMLESS, 5, HARMLESS.length));
    c.fromClient(ATTACK);
    assertThat(run(c.close().pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @ParameterizedTest(name = "{0}: attack read {1}")
  @CsvSource({"LINUX, true", "BSD, false", "WINDOWS, false", "FIRST, false", "LAST, true"})
  void theOsPolicyDecidesWhichOverlappingCopyIsRead(OsPolicy policy, boolean attackRead) throws Exception {
    List<String> alerts = run(shortCopyThenLongerOne(40018).pcap(), 1000, policy, ChecksumMode.AUTO).alerts();
    if (attackRead) {
      assertThat(alerts).containsExactly(ATTACK_ALERT);
    } else {
      assertThat(alerts).doesNotContain(ATTACK_ALERT);
    }
  }

  @Test
  void dataBeyondTheWindowIsDropped() throws Exception {
    // A harmless copy of the attack's bytes 5..24 is sent where the attack will be, 80 KB ahead: beyond the 64 KB
    // the server offers, so Linux drops it (tcp_data_queue: out of window). 80 KB of application data later, the
    // attack's own bytes arrive, and those are what the server reads.
    Conversation c = new Conversation(40019).handshake().hellos();
    byte[] bulk = new byte[5 * (5 + 16_384)];
    for (int r = 0; r < 5; r++) {
      System.arraycopy(HexFormat.of().parseHex("1703024000"), 0, bulk, r * (5 + 16_384), 5);
    }
    int attackSeq = c.clientSeq + bulk.length;
    c.segment(true, attackSeq + 5, c.serverSeq, Frames.ACK, Arrays.copyOfRange(HARMLESS, 5, HARMLESS.length));
    for (int off = 0; off < bulk.length; off += 1448) {
      c.fromClient(Arrays.copyOfRange(bulk, off, Math.min(bulk.length, off + 1448)));
    }
    c.fromClientInPieces(ATTACK, 5);
    Run run = run(c.close().pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().outOfWindowSegments).isEqualTo(1);
  }

  @Test
  void copyWithAnOldTimestamp() throws Exception {
    // Both SYNs offer timestamps; a harmless copy of the attack comes first, in order, but with a TSval older than
    // the last one the server took: PAWS drops it (RFC 7323 section 5.3), and the server reads the attack after it.
    Conversation c = new Conversation(40027);
    c.timestamps = true;
    c.handshake().hellos();
    c.ip(true, c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, HARMLESS, 5));
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().oldTimestamps).isEqualTo(1);
  }

  @Test
  void aTimestampAheadOfTheLastAckDoesNotMakeTheAttackOld() throws Exception {
    // An empty segment past data the server has not acknowledged yet carries a TSval far ahead. Linux keeps
    // TS.Recent only from segments at or before its last ACK (tcp_replace_ts_recent), so the attack after it,
    // with an ordinary TSval, is not old.
    byte[] applicationData = HexFormat.of().parseHex("1703020010" + "00".repeat(16));
    Conversation c = new Conversation(40029);
    c.timestamps = true;
    c.handshake().hellos();
    c.segment(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, applicationData);
    c.clientSeq += applicationData.length;
    c.ip(true, c.tcp(true, c.clientSeq, c.serverSeq, Frames.ACK, 65535, new byte[0], 2_000_000_000));
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().oldTimestamps).isZero();
  }

  @Test
  void withoutTimestampsInTheSynsNoSegmentIsOld() throws Exception {
    // Timestamps on data segments only: they were not agreed, and Linux does not check them.
    Conversation c = new Conversation(40028).handshake();
    c.timestamps = true;
    c.hellos();
    c.ip(true, c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, HARMLESS, 5));
    c.fromClient(ATTACK).close();
    assertThat(run(c.pcap()).alerts()).isEmpty();
  }

  // ---- Checksums ----------------------------------------------------------------------------------------------------

  /** A harmless copy of the attack's bytes, at its sequence number but with a wrong checksum, goes first. */
  private static Conversation badChecksumCopyFirst(int port) {
    Conversation c = new Conversation(port).handshake().hellos();
    c.ip(true, Frames.withBadChecksum(c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535,
        HARMLESS)));
    return c.fromClient(ATTACK).close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"AUTO", "ON"})
  void badChecksumInsertion(ChecksumMode mode) throws Exception {
    Run run = run(badChecksumCopyFirst(40020).pcap(), 1000, OsPolicy.LINUX, mode);
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().badChecksums).isEqualTo(1);
  }

  @Test
  void withChecksumsOffTheBadCopyIsRead() throws Exception {
    assertThat(run(badChecksumCopyFirst(40021).pcap(), 1000, OsPolicy.LINUX, ChecksumMode.OFF).alerts()).isEmpty();
  }

  @Test
  void aCaptureWithOffloadedChecksumsTurnsCheckingOffInAutoMode() throws Exception {
    // As tcpdump on loopback or on a host with checksum offload records it: every TCP checksum left unfilled.
    Conversation c = clean(40022);
    List<io.heartguard.sensor.Captures.Packet> unfilled = c.packets.stream().map(p -> {
      byte[] frame = p.data().clone();
      frame[14 + 20 + 16] = 0;
      frame[14 + 20 + 17] = 0;
      return new io.heartguard.sensor.Captures.Packet(p.linkType(), frame, frame.length, p.timestampNanos());
    }).toList();
    c.packets.clear();
    c.packets.addAll(unfilled);
    Run auto = run(c.pcap());
    assertThat(auto.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(auto.sensor().stats().capturesOffloaded).isEqualTo(1);
    assertThat(run(c.pcap(), 1000, OsPolicy.LINUX, ChecksumMode.ON).alerts()).isEmpty();
  }

  // ---- IP fragments -------------------------------------------------------------------------------------------------

  @Test
  void ipv4FragmentOverlap() throws Exception {
    // A harmless copy of the attack segment in two fragments that overlap at bytes 16..24; the last copy of those
    // bytes makes it whole and its checksum right. Linux drops a datagram whose fragments overlap
    // (inet_frag_queue_insert), so the server reads the attack that follows in a packet of its own.
    Conversation c = new Conversation(40023).handshake().hellos();
    byte[] harmless = c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, HARMLESS);
    byte[] first = ByteBuffer.allocate(24).put(harmless, 0, 16).put(new byte[8]).array();
    byte[] second = Arrays.copyOfRange(harmless, 16, harmless.length);
    c.frame(Frames.ethernet(Frames.ipv4(c.client, c.server, 7, 0x2000, Frames.TCP, first)));
    c.frame(Frames.ethernet(Frames.ipv4(c.client, c.server, 7, 16 / 8, Frames.TCP, second)));
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().fragmentOverlaps).isEqualTo(1);
  }

  @Test
  void ipv4FragmentNotAMultipleOfEightIsTrimmedAsLinuxDoes() throws Exception {
    // The first fragment carries 27 bytes; Linux keeps 24 (ip_frag_queue: "end &= ~7") and the second, at 24,
    // completes the attack segment.
    Conversation c = new Conversation(40024).handshake().hellos();
    byte[] attack = c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, ATTACK);
    byte[] first = ByteBuffer.allocate(27).put(attack, 0, 24).put(new byte[] {1, 2, 3}).array();
    c.frame(Frames.ethernet(Frames.ipv4(c.client, c.server, 8, 0x2000, Frames.TCP, first)));
    c.frame(Frames.ethernet(Frames.ipv4(c.client, c.server, 8, 24 / 8, Frames.TCP,
        Arrays.copyOfRange(attack, 24, attack.length))));
    c.clientSeq += ATTACK.length;
    assertThat(run(c.close().pcap()).alerts()).containsExactly(ATTACK_ALERT);
  }

  @Test
  void ipv6FragmentsWithExtensionHeaders() throws Exception {
    // Hop-by-hop and destination options before the fragment header, destination options after it, inside the
    // fragmentable part (RFC 8200 section 4.5): rebuilt, the attack segment is found behind them. The second
    // fragment names another Next Header (UDP); only the first fragment's counts.
    Conversation c = new Conversation(true, 40025, 0x1000_0000, 0x7000_0000).handshake().hellos();
    byte[] attack = c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, ATTACK);
    byte[] fragmentable = ByteBuffer.allocate(8 + attack.length).put(Frames.extensionHeader(Frames.TCP, 1))
        .put(attack).array();
    byte[] unfragmentable = ByteBuffer.allocate(16).put(Frames.extensionHeader(60, 1))
        .put(Frames.extensionHeader(44, 1)).array();
    for (int offset : new int[] {0, 24}) {
      int end = offset == 0 ? 24 : fragmentable.length;
      byte[] payload = ByteBuffer.allocate(16 + 8 + end - offset).put(unfragmentable)
          .put(Frames.fragmentHeader(offset == 0 ? 60 : 17, offset, offset == 0, 0x12345678))
          .put(fragmentable, offset, end - offset).array();
      c.frame(Frames.ethernet(Frames.ipv6(c.client, c.server, 0, payload)));
    }
    c.clientSeq += ATTACK.length;
    Run run = run(c.close().pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().fragmentsReassembled).isEqualTo(1);
  }

  @Test
  void ipv6OverlappingFragmentsDropTheDatagram() throws Exception {
    // RFC 5722 section 4: the whole datagram is discarded; the attack that follows on its own is read.
    Conversation c = new Conversation(true, 40026, 0x1000_0000, 0x7000_0000).handshake().hellos();
    byte[] harmless = c.tcp(true, c.clientSeq, c.serverSeq, Frames.PSH | Frames.ACK, 65535, HARMLESS);
    byte[] first = ByteBuffer.allocate(8 + 24).put(Frames.fragmentHeader(Frames.TCP, 0, true, 9))
        .put(harmless, 0, 16).put(new byte[8]).array();
    byte[] second = ByteBuffer.allocate(8 + harmless.length - 16).put(Frames.fragmentHeader(Frames.TCP, 16, false, 9))
        .put(harmless, 16, harmless.length - 16).array();
    c.frame(Frames.ethernet(Frames.ipv6(c.client, c.server, 44, first)));
    c.frame(Frames.ethernet(Frames.ipv6(c.client, c.server, 44, second)));
    c.fromClient(ATTACK).close();
    Run run = run(c.pcap());
    assertThat(run.alerts()).containsExactly(ATTACK_ALERT);
    assertThat(run.sensor().stats().fragmentOverlaps).isEqualTo(1);
  }
}
