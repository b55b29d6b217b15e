package io.heartguard.sensor.evasion;

import io.heartguard.sensor.Captures;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A scripted TCP connection between a client and a server, written packet by packet: the honest exchange keeps
 * both sides' sequence numbers, and raw segments, frames and forged packets can be put anywhere in between.
 * Every packet is 1 ms after the one before it.
 */
final class Conversation {
  static final byte[] CLIENT_V4 = {10, 0, 0, 1};
  static final byte[] SERVER_V4 = {10, 0, 0, 2};
  static final byte[] CLIENT_V6 = HexFormat.of().parseHex("20010db8000000000000000000000001");
  static final byte[] SERVER_V6 = HexFormat.of().parseHex("20010db8000000000000000000000002");
  static final int WINDOW = 65535;
  private static final long MILLISECOND = 1_000_000L;

  /**
   * A TLS 1.1 ClientHello record: version 3.2, 32 bytes of random, no session, TLS_RSA_WITH_AES_128_CBC_SHA, no
   * compression, and the heartbeat extension (15, peer_allowed_to_send).
   */
  static final byte[] CLIENT_HELLO = HexFormat.of().parseHex("160301003401000030" + "0302" + "00".repeat(32)
      + "00" + "0002002f" + "0100" + "0005" + "000f000101");
  /** The server's ServerHello record, choosing the same suite, and the heartbeat extension. */
  static final byte[] SERVER_HELLO = HexFormat.of().parseHex("16030200310200002d" + "0302" + "11".repeat(32)
      + "00" + "002f" + "00" + "0005" + "000f000101");
  /**
   * The attack, a plaintext heartbeat record of 19 bytes: request (1), payload_length 16384, no payload and 16 bytes
   * of padding. RFC 6520 section 4: the payload_length exceeds the record; heartbleed_request_overflow.
   */
  static final byte[] ATTACK = HexFormat.of().parseHex("1803020013" + "014000" + "00".repeat(16));
  /** The same record with payload_length 0: a valid heartbeat, bytes an evasion would have the sensor read instead. */
  static final byte[] HARMLESS = HexFormat.of().parseHex("1803020013" + "010000" + "00".repeat(16));

  final List<Captures.Packet> packets = new ArrayList<>();
  final byte[] client;
  final byte[] server;
  final int clientPort;
  final int serverPort;
  int clientSeq;
  int serverSeq;
  long ts = 1_400_000_000L * 1_000_000_000L;
  /** Whether every segment carries the timestamp option (RFC 7323 section 3), with TSval from this clock. */
  boolean timestamps;
  int tsClock = 1_000;

  Conversation(boolean ipv6, int clientPort, int clientIsn, int serverIsn) {
    this.client = ipv6 ? CLIENT_V6 : CLIENT_V4;
    this.server = ipv6 ? SERVER_V6 : SERVER_V4;
    this.clientPort = clientPort;
    this.serverPort = 443;
    this.clientSeq = clientIsn;
    this.serverSeq = serverIsn;
  }

  Conversation(int clientPort) {
    this(false, clientPort, 0x1000_0000, 0x7000_0000);
  }

  /** SYN, SYN-ACK, ACK (RFC 9293 section 3.5). */
  Conversation handshake() {
    segment(true, clientSeq, 0, Frames.SYN, new byte[0]);
    clientSeq++;
    segment(false, serverSeq, clientSeq, Frames.SYN | Frames.ACK, new byte[0]);
    serverSeq++;
    segment(true, clientSeq, serverSeq, Frames.ACK, new byte[0]);
    return this;
  }

  /** The TLS hellos both ways, each acknowledged. */
  Conversation hellos() {
    return fromClient(CLIENT_HELLO).fromServer(SERVER_HELLO);
  }

  /** One segment of data from the client, then the server's ACK. */
  Conversation fromClient(byte[] data) {
    segment(true, clientSeq, serverSeq, Frames.PSH | Frames.ACK, data);
    clientSeq += data.length;
    segment(false, serverSeq, clientSeq, Frames.ACK, new byte[0]);
    return this;
  }

  Conversation fromServer(byte[] data) {
    segment(false, serverSeq, clientSeq, Frames.PSH | Frames.ACK, data);
    serverSeq += data.length;
    segment(true, clientSeq, serverSeq, Frames.ACK, new byte[0]);
    return this;
  }

  /** {@code data} from the client in segments of {@code size} bytes, without waiting for ACKs. */
  Conversation fromClientInPieces(byte[] data, int size) {
    for (int off = 0; off < data.length; off += size) {
      byte[] piece = Arrays.copyOfRange(data, off, Math.min(data.length, off + size));
      segment(true, clientSeq, serverSeq, Frames.ACK, piece);
      clientSeq += piece.length;
    }
    segment(false, serverSeq, clientSeq, Frames.ACK, new byte[0]);
    return this;
  }

  /** FIN from the client, FIN-ACK from the server, the last ACK. */
  Conversation close() {
    segment(true, clientSeq, serverSeq, Frames.FIN | Frames.ACK, new byte[0]);
    clientSeq++;
    segment(false, serverSeq, clientSeq, Frames.FIN | Frames.ACK, new byte[0]);
    serverSeq++;
    segment(true, clientSeq, serverSeq, Frames.ACK, new byte[0]);
    return this;
  }

  /** A TCP segment with these numbers and flags, the sequence counters left alone. */
  Conversation segment(boolean fromClient, int seq, int ack, int flags, byte[] payload) {
    return ip(fromClient, tcp(fromClient, seq, ack, flags, WINDOW, payload));
  }

  /** A TCP header and payload, not yet in an IP packet. */
  byte[] tcp(boolean fromClient, int seq, int ack, int flags, int window, byte[] payload) {
    return tcp(fromClient, seq, ack, flags, window, payload, timestamps ? tsClock++ : -1);
  }

  /** The same with this TSval in a timestamp option, or none when {@code tsVal} is -1. */
  byte[] tcp(boolean fromClient, int seq, int ack, int flags, int window, byte[] payload, int tsVal) {
    // NOP, NOP, timestamp (kind 8, length 10, TSval, TSecr): the layout Linux sends.
    byte[] options = tsVal == -1 ? new byte[0]
        : java.nio.ByteBuffer.allocate(12).put(new byte[] {1, 1, 8, 10}).putInt(tsVal).putInt(0).array();
    return fromClient
        ? Frames.tcp(client, server, clientPort, serverPort, seq, ack, flags, window, options, payload)
        : Frames.tcp(server, client, serverPort, clientPort, seq, ack, flags, window, options, payload);
  }

  /** A transport payload in one IP packet of its own. */
  Conversation ip(boolean fromClient, byte[] transport) {
    return frame(Frames.ethernet(fromClient ? Frames.ip(client, server, Frames.TCP, transport)
        : Frames.ip(server, client, Frames.TCP, transport)));
  }

  Conversation frame(byte[] frame) {
    packets.add(new Captures.Packet(Frames.LINKTYPE_ETHERNET, frame, frame.length, ts));
    ts += MILLISECOND;
    return this;
  }

  /** Another connection's packets, after this one's so far, in time. */
  Conversation then(Conversation next) {
    for (Captures.Packet p : next.packets) {
      frame(p.data());
    }
    return this;
  }

  byte[] pcap() {
    return Captures.pcap(packets, Frames.LINKTYPE_ETHERNET, ByteOrder.LITTLE_ENDIAN, frame -> frame);
  }
}
