package io.heartguard.sensor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One IPv4 TCP connection over Ethernet as classic pcap: handshake, data cut at the MSS and ACKed, FINs. */
final class TcpConversation {
  private static final int MSS = 1448;
  private static final int SYN = 0x02;
  private static final int ACK = 0x10;
  private static final int PSH_ACK = 0x18;
  private static final int FIN_ACK = 0x11;

  private final ByteArrayOutputStream pcap = new ByteArrayOutputStream();
  private final byte[] clientAddress;
  private final int clientPort;
  private final byte[] serverAddress;
  private final int serverPort;
  private final long[] next = {1_000, 500_000}; // client's and server's next sequence numbers
  private long micros = 1_396_828_800_000_000L; // 2014-04-07

  TcpConversation(byte[] clientAddress, int clientPort, byte[] serverAddress, int serverPort) {
    this.clientAddress = clientAddress;
    this.clientPort = clientPort;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
    // Global header: magic, version 2.4, zone 0, sigfigs 0, snaplen 262144, link type 1 (Ethernet).
    pcap.writeBytes(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
        .putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1).array());
  }

  void open() {
    segment(true, SYN, new byte[0]);
    next[0]++;
    segment(false, SYN | ACK, new byte[0]);
    next[1]++;
    segment(true, ACK, new byte[0]);
  }

  void send(boolean fromClient, byte[] data) {
    for (int offset = 0; offset < data.length; offset += MSS) {
      byte[] chunk = java.util.Arrays.copyOfRange(data, offset, Math.min(data.length, offset + MSS));
      segment(fromClient, PSH_ACK, chunk);
      next[fromClient ? 0 : 1] += chunk.length;
      segment(!fromClient, ACK, new byte[0]);
    }
  }

  void close() {
    segment(true, FIN_ACK, new byte[0]);
    next[0]++;
    segment(false, FIN_ACK, new byte[0]);
    next[1]++;
    segment(true, ACK, new byte[0]);
  }

  byte[] pcap() {
    return pcap.toByteArray();
  }

  private void segment(boolean fromClient, int flags, byte[] payload) {
    int from = fromClient ? 0 : 1;
    ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
    // Ethernet: destination, source, EtherType IPv4.
    frame.put(new byte[] {2, 0, 0, 0, 0, (byte) (2 - from), 2, 0, 0, 0, 0, (byte) (1 + from), 8, 0});
    // IPv4: version 4, IHL 5, total length, id 0, don't fragment, TTL 64, TCP; checksum left 0.
    frame.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 0)
        .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
        .put(fromClient ? clientAddress : serverAddress).put(fromClient ? serverAddress : clientAddress);
    // TCP: ports, seq, ack, data offset 5 words, flags, window; checksum and urgent pointer 0.
    frame.putShort((short) (fromClient ? clientPort : serverPort)).putShort((short) (fromClient ? serverPort : clientPort))
        .putInt((int) next[from]).putInt((flags & ACK) != 0 ? (int) next[1 - from] : 0).put((byte) 0x50)
        .put((byte) flags).putShort((short) 65535).putInt(0).put(payload);
    micros += 250;
    pcap.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (micros / 1_000_000))
        .putInt((int) (micros % 1_000_000)).putInt(frame.capacity()).putInt(frame.capacity()).array());
    pcap.writeBytes(frame.array());
  }
}
