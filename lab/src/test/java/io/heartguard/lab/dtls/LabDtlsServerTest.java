package io.heartguard.lab.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabMode;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.HelloVerifyRequest;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecord;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DTLS lab driven by hand, datagram by datagram, from a plain UDP socket on loopback. */
class LabDtlsServerTest {
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final SplittableRandom random = new SplittableRandom(20140407);
  private LabDtlsServer lab;
  private DatagramSocket socket;
  private long sequence;

  private void start(LabDtlsOptions options) throws Exception {
    lab = LabDtlsServer.start(options.withLog(log, false));
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    socket.connect(lab.address());
    socket.setSoTimeout(5_000); // a failure bound only: every receive below expects a datagram
  }

  @AfterEach
  void stop() {
    if (socket != null) {
      socket.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private void send(ContentType type, ProtocolVersion version, byte[] fragment) throws Exception {
    byte[] datagram = DtlsRecord.of(type, version, 0, sequence++, Bytes.of(fragment)).toByteArray();
    socket.send(new DatagramPacket(datagram, datagram.length));
  }

  private List<DtlsRecord> receive() throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket packet = new DatagramPacket(buf, buf.length);
    socket.receive(packet);
    return DtlsRecord.parseDatagram(buf, packet.getLength());
  }

  private byte[] receiveRaw() throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket packet = new DatagramPacket(buf, buf.length);
    socket.receive(packet);
    return Arrays.copyOf(buf, packet.getLength());
  }

  private void sendHello(ClientHello hello, int messageSeq) throws Exception {
    send(ContentType.HANDSHAKE, ProtocolVersion.DTLS1_0, DtlsHandshakeFragment.whole(hello.toMessage(), messageSeq).toByteArray());
  }

  /** Hello, cookie, hello again, and the whole flight read; returns the flight's fragments. */
  private List<DtlsHandshakeFragment> handshake(ProtocolVersion version) throws Exception {
    ClientHello hello = ClientHellos.like2014(version, null, random);
    sendHello(hello, 0);
    HelloVerifyRequest verify = HelloVerifyRequest.parse(
        DtlsHandshakeFragment.parseAll(receive().getFirst().fragment()).getFirst().body());
    sendHello(hello.withCookie(verify.cookie()), 1);
    List<DtlsHandshakeFragment> fragments = new ArrayList<>();
    while (fragments.isEmpty() || fragments.getLast().header().type() != HandshakeType.SERVER_HELLO_DONE) {
      for (DtlsRecord r : receive()) {
        fragments.addAll(DtlsHandshakeFragment.parseAll(r.fragment()));
      }
    }
    return fragments;
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aHelloWithoutCookieGetsAStatelessHelloVerifyRequestReusingItsRecordSequence() throws Exception {
    start(LabDtlsOptions.of(LabMode.VULNERABLE));
    sequence = 7;
    sendHello(ClientHellos.like2014(ProtocolVersion.DTLS1_2, null, random), 0);

    DtlsRecord record = receive().getFirst();
    assertThat(record.header().sequenceNumber()).isEqualTo(7); // RFC 6347 section 4.2.1
    assertThat(record.header().version()).isEqualTo(ProtocolVersion.DTLS1_0);
    DtlsHandshakeFragment fragment = DtlsHandshakeFragment.parseAll(record.fragment()).getFirst();
    assertThat(fragment.header().type()).isEqualTo(HandshakeType.HELLO_VERIFY_REQUEST);
    assertThat(HelloVerifyRequest.parse(fragment.body()).cookie().size()).isEqualTo(StatelessCookie.LENGTH);
  }

  @Test
  void theFlightIsFragmentedToTheMtuAndAnnouncesHeartbeats() throws Exception {
    start(LabDtlsOptions.of(LabMode.VULNERABLE).withMtu(300));
    List<DtlsHandshakeFragment> fragments = handshake(ProtocolVersion.DTLS1_2);

    assertThat(fragments).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(300 - 13));
    assertThat(fragments.stream().filter(f -> f.header().type() == HandshakeType.CERTIFICATE).count()).isGreaterThan(2);
    ServerHello hello = ServerHello.parse(fragments.getFirst().body());
    // 1.0.1f speaks DTLS 1.0 only: it answers a DTLS 1.2 hello with 1.0.
    assertThat(hello.version()).isEqualTo(ProtocolVersion.DTLS1_0);
    assertThat(hello.heartbeatMode()).isEqualTo(HeartbeatMode.PEER_ALLOWED_TO_SEND);
    assertThat(fragments.getFirst().header().messageSeq()).isEqualTo(1);
  }

  @Test
  void aVulnerableLabHoldsASmallAnswerInItsBufferUntilABigOneSplitsIt() throws Exception {
    start(LabDtlsOptions.of(LabMode.VULNERABLE));
    handshake(ProtocolVersion.DTLS1_0);
    // 3 + 100 + 16 bytes: the 13 + 119 = 132-byte answer fits the 4096-byte buffer and is held.
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x41, 100)).toByteArray());
    // 3 + 9000 + 16: its answer does not fit, so the buffer is topped up with its head and sent as one datagram, and
    // the rest, over 4096 bytes, goes out directly: one record cut across two datagrams, as bf_buff.c does.
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x42, 9000)).toByteArray());

    byte[] first = receiveRaw();
    assertThat(first).hasSize(4096);
    DtlsRecord small = DtlsRecord.parseDatagram(first, 132).getFirst();
    assertThat(small.type()).isEqualTo(ContentType.HEARTBEAT);
    assertThat(small.fragment().get(0)).isEqualTo(HeartbeatMessageType.RESPONSE.code());
    assertThat(receiveRaw()).hasSize(13 + 3 + 9000 + 16 - (4096 - 132));
  }

  @Test
  void aVulnerableLabOverReadsItsHeapForAnOverclaimingHeartbeat() throws Exception {
    start(LabDtlsOptions.of(LabMode.VULNERABLE));
    handshake(ProtocolVersion.DTLS1_0);
    HeartbeatMessage probe = HeartbeatMessage.request(Bytes.repeat(0x41, 4608));
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatProbe.withDeclaredPayloadLength(probe, 4608 + 16 + 16));

    DtlsRecord answer = receive().getFirst();
    assertThat(answer.fragment().size()).isEqualTo(3 + 4640 + 16);
    assertThat(log()).contains("\"bytes_overread\":16");
  }

  @Test
  void aPatchedLabDiscardsTheOverclaimAndAnswersTheWellFormed() throws Exception {
    start(LabDtlsOptions.of(LabMode.PATCHED));
    handshake(ProtocolVersion.DTLS1_0);
    HeartbeatMessage probe = HeartbeatMessage.request(Bytes.repeat(0x41, 4608));
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatProbe.withDeclaredPayloadLength(probe, 4640));
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x42, 4352)).toByteArray());

    DtlsRecord answer = receive().getFirst();
    assertThat(answer.fragment().size()).isEqualTo(3 + 4352 + 16);
    assertThat(answer.fragment().get(3)).isEqualTo(0x42);
    assertThat(log()).contains("\"outcome\":\"discarded_payload_too_long\"");
  }

  @Test
  void aResponseOverTwoToThe14IsDroppedWithTheAssociationAsTheRealOneAborts() throws Exception {
    start(LabDtlsOptions.of(LabMode.VULNERABLE));
    handshake(ProtocolVersion.DTLS1_0);
    // payload_length 16370 in a 19-byte record: the answer would be 3 + 16370 + 16 = 16389 bytes > 2^14.
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0,
        HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.EMPTY), 16370));
    // Then a well-formed one: with the association gone it is not answered either, and a fresh hello still is.
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x42, 4352)).toByteArray());
    sendHello(ClientHellos.like2014(ProtocolVersion.DTLS1_0, null, random), 0);

    DtlsRecord next = receive().getFirst();
    assertThat(next.type()).isEqualTo(ContentType.HANDSHAKE); // the HelloVerifyRequest, no heartbeat answer before it
    assertThat(log()).contains("heartbeat response of 16389 bytes exceeds 2^14")
        .contains("OPENSSL_assert(len <= SSL3_RT_MAX_PLAIN_LENGTH)");
  }

  @Test
  void aReplayedHeartbeatRecordIsDiscarded() throws Exception {
    start(LabDtlsOptions.of(LabMode.PATCHED));
    handshake(ProtocolVersion.DTLS1_0);
    byte[] request = HeartbeatMessage.request(Bytes.repeat(0x42, 4352)).toByteArray();
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, request);
    sequence--; // the same record sequence number again
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x43, 4352)).toByteArray());
    send(ContentType.HEARTBEAT, ProtocolVersion.DTLS1_0, HeartbeatMessage.request(Bytes.repeat(0x44, 4352)).toByteArray());

    assertThat(receive().getFirst().fragment().get(3)).isEqualTo(0x42);
    assertThat(receive().getFirst().fragment().get(3)).isEqualTo(0x44);
  }
}
