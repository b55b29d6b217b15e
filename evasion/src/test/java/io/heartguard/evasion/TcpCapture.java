package io.heartguard.evasion;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One recorded conversation written as a classic pcap of one IPv4 TCP connection over Ethernet: three-way
 * handshake, each write and read as data segments (cut at an Ethernet MSS) each ACKed, then FINs. IPv4 and TCP
 * checksums are correct (RFC 791 section 3.1, RFC 793 section 3.1), so a sensor that validates them keeps every
 * segment.
 */
final class TcpCapture {
  private static final int MSS = 1460;
  private static final int SYN = 0x02;
  private static final int ACK = 0x10;
  private static final int PSH_ACK = 0x18;
  private static final int FIN_ACK = 0x11;
  private static final byte[] CLIENT = {10, 0, 0, 1};
  private static final byte[] SERVER = {10, 0, 0, 2};
  private static final int SERVER_PORT = 443;
  /** 2014-04-07, the day of the disclosure, in microseconds. */
  private static final long EPOCH_MICROS = 1_396_828_800_000_000L;

  private final ByteArrayOutputStream pcap = new ByteArrayOutputStream();
  private final int clientPort;
  private final long[] next = {1_000, 500_000}; // client's and server's next sequence numbers
  private long micros = EPOCH_MICROS;

  private TcpCapture(int clientPort) {
    this.clientPort = clientPort;
    // Global header: magic, version 2.4, zone 0, sigfigs 0, snaplen 262144, link type 1 (Ethernet).
    pcap.writeBytes(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
        .putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1).array());
  }

  /** The conversation as a pcap, with the real gaps between segments kept in the timestamps. */
  static byte[] of(List<AttackClient.Segment> segments, int clientPort) {
    TcpCapture tcp = new TcpCapture(clientPort);
    tcp.segment(true, SYN, new byte[0]);
    tcp.next[0]++;
    tcp.segment(false, SYN | ACK, new byte[0]);
    tcp.next[1]++;
    tcp.segment(true, ACK, new byte[0]);
    for (AttackClient.Segment s : segments) {
      tcp.micros = Math.max(tcp.micros + 1, EPOCH_MICROS + 1_000 + s.nanos() / 1_000);
      tcp.data(s.fromClient(), s.bytes());
    }
    tcp.segment(true, FIN_ACK, new byte[0]);
    tcp.next[0]++;
    tcp.segment(false, FIN_ACK, new byte[0]);
    tcp.next[1]++;
    tcp.segment(true, ACK, new byte[0]);
    return tcp.pcap.toByteArray();
  }

  private void data(boolean fromClient, byte[] data) {
    for (int offset = 0; offset < data.length; offset += MSS) {
      byte[] chunk = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + MSS));
      segment(fromClient, PSH_ACK, chunk);
      next[fromClient ? 0 : 1] += chunk.length;
      segment(!fromClient, ACK, new byte[0]);
    }
  }

  private void segment(boolean fromClient, int flags, byte[] payload) {
    int from = fromClient ? 0 : 1;
    byte[] source = fromClient ? CLIENT : SERVER;
    byte[] destination = fromClient ? SERVER : CLIENT;
    ByteBuffer tcp = ByteBuffer.allocate(20 + payload.length);
    // TCP: ports, seq, ack, data offset 5 words, flags, window 65535, checksum (filled below), urgent pointer 0.
    tcp.putShort((short) (fromClient ? clientPort : SERVER_PORT)).putShort((short) (fromClient ? SERVER_PORT : clientPort))
        .putInt((int) next[from]).putInt((flags & ACK) != 0 ? (int) next[1 - from] : 0).put((byte) 0x50)
        .put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0).put(payload);
    byte[] segment = tcp.array();
    ByteBuffer pseudo = ByteBuffer.allocate(12 + segment.length);
    pseudo.put(source).put(destination).put((byte) 0).put((byte) 6).putShort((short) segment.length).put(segment);
    int tcpChecksum = checksum(pseudo.array());
    segment[16] = (byte) (tcpChecksum >>> 8);
    segment[17] = (byte) tcpChecksum;

    // IPv4: version 4, IHL 5, total length, id 0, don't fragment, TTL 64, TCP, header checksum.
    ByteBuffer ip = ByteBuffer.allocate(20);
    ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segment.length)).putShort((short) 0)
        .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(source).put(destination);
    byte[] ipHeader = ip.array();
    int ipChecksum = checksum(ipHeader);
    ipHeader[10] = (byte) (ipChecksum >>> 8);
    ipHeader[11] = (byte) ipChecksum;

    ByteBuffer frame = ByteBuffer.allocate(14 + 20 + segment.length);
    // Ethernet: destination, source, EtherType IPv4.
    frame.put(new byte[] {2, 0, 0, 0, 0, (byte) (2 - from), 2, 0, 0, 0, 0, (byte) (1 + from), 8, 0})
        .put(ipHeader).put(segment);
    micros += 1;
    pcap.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (micros / 1_000_000))
        .putInt((int) (micros % 1_000_000)).putInt(frame.capacity()).putInt(frame.capacity()).array());
    pcap.writeBytes(frame.array());
  }

  /** The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words. */
  static int checksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if (data.length % 2 == 1) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
