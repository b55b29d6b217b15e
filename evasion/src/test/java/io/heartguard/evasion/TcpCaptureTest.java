package io.heartguard.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The captures the sensor is given carry valid checksums, so a sensor that validates them drops nothing. */
class TcpCaptureTest {
  @Test
  void internetChecksumMatchesTheWorkedExampleOfRfc1071() {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum (with end-around carry) to ddf2; the checksum is its
    // one's complement.
    assertThat(TcpCapture.checksum(HexFormat.of().parseHex("0001f203f4f5f6f7"))).isEqualTo(~0xddf2 & 0xffff);
  }

  @Test
  void everyPacketHasAValidIpv4AndTcpChecksum() {
    List<AttackClient.Segment> segments = List.of(
        new AttackClient.Segment(true, AttackBytes.clientHello(), 1_000),
        new AttackClient.Segment(false, new byte[3001], 2_000), // odd length, over two MSS
        new AttackClient.Segment(true, AttackBytes.heartbleed(AttackBytes.CLAIM), 3_000));
    List<byte[]> frames = frames(TcpCapture.of(segments, 50_000));

    // SYN, SYN-ACK, ACK; data segments 1 + 3 (1460 + 1460 + 81) + 1, each ACKed; FIN, FIN, ACK
    assertThat(frames.size()).isEqualTo(3 + 2 * (1 + 3 + 1) + 3);
    for (byte[] frame : frames) {
      byte[] ip = java.util.Arrays.copyOfRange(frame, 14, 34);
      byte[] tcp = java.util.Arrays.copyOfRange(frame, 34, frame.length);
      assertThat(TcpCapture.checksum(ip)).as("IPv4 header checksum verifies to 0").isZero();
      ByteBuffer pseudo = ByteBuffer.allocate(12 + tcp.length);
      pseudo.put(ip, 12, 8).put((byte) 0).put((byte) 6).putShort((short) tcp.length).put(tcp);
      assertThat(TcpCapture.checksum(pseudo.array())).as("TCP checksum verifies to 0").isZero();
    }
  }

  private static List<byte[]> frames(byte[] pcap) {
    ByteBuffer in = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(in.getInt(0)).isEqualTo(0xa1b2c3d4);
    List<byte[]> frames = new ArrayList<>();
    int pos = 24;
    while (pos < pcap.length) {
      int length = in.getInt(pos + 8);
      frames.add(java.util.Arrays.copyOfRange(pcap, pos + 16, pos + 16 + length));
      pos += 16 + length;
    }
    return frames;
  }
}
