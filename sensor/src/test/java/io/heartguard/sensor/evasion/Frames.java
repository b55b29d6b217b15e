package io.heartguard.sensor.evasion;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Builds Ethernet frames carrying IPv4 or IPv6 and TCP, with correct checksums (RFC 1071, computed here byte by byte,
 * independently of the sensor's own), for captures the tests write with {@code Captures.pcap}.
 */
final class Frames {
  static final int LINKTYPE_ETHERNET = 1;
  static final int TCP = 6;
  static final int FIN = 0x01;
  static final int SYN = 0x02;
  static final int RST = 0x04;
  static final int PSH = 0x08;
  static final int ACK = 0x10;

  private Frames() {}

  /** A TCP header and payload; the checksum covers the pseudo-header of {@code src} and {@code dst}. */
  static byte[] tcp(byte[] src, byte[] dst, int srcPort, int dstPort, int seq, int ack, int flags, int window,
      byte[] options, byte[] payload) {
    int headerLength = 20 + options.length;
    ByteBuffer b = ByteBuffer.allocate(headerLength + payload.length);
    b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack)
        .put((byte) ((headerLength / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0)
        .putShort((short) 0).put(options).put(payload);
    byte[] segment = b.array();
    int sum = checksum(pseudoHeader(src, dst, TCP, segment.length), segment);
    segment[16] = (byte) (sum >>> 8);
    segment[17] = (byte) sum;
    return segment;
  }

  /** The same segment with its checksum off by one: a receiver drops it. */
  static byte[] withBadChecksum(byte[] segment) {
    byte[] copy = segment.clone();
    copy[17] ^= 0x01;
    return copy;
  }

  /** An IPv4 packet; {@code flagsAndOffset} is the 16-bit field (0x2000 more fragments, offset in 8-byte units). */
  static byte[] ipv4(byte[] src, byte[] dst, int id, int flagsAndOffset, int protocol, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) id)
        .putShort((short) flagsAndOffset).put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst)
        .put(payload);
    byte[] packet = b.array();
    int sum = checksum(new byte[0], java.util.Arrays.copyOf(packet, 20));
    packet[10] = (byte) (sum >>> 8);
    packet[11] = (byte) sum;
    return packet;
  }

  /** An IPv6 packet whose first header after the fixed one is {@code nextHeader}. */
  static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
    b.putInt(0x6000_0000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64).put(src).put(dst)
        .put(payload);
    return b.array();
  }

  /** An IPv6 extension header of the 8-octet-unit kind (hop-by-hop, routing, destination options): padded with PadN. */
  static byte[] extensionHeader(int nextHeader, int units) {
    byte[] h = new byte[8 * units];
    h[0] = (byte) nextHeader;
    h[1] = (byte) (units - 1);
    h[2] = 1; // PadN option (RFC 8200 section 4.2) filling the rest
    h[3] = (byte) (h.length - 4);
    return h;
  }

  /** An IPv6 fragment header (RFC 8200 section 4.5). */
  static byte[] fragmentHeader(int nextHeader, int offset, boolean more, int id) {
    return ByteBuffer.allocate(8).put((byte) nextHeader).put((byte) 0).putShort((short) (offset | (more ? 1 : 0)))
        .putInt(id).array();
  }

  /** An Ethernet II frame around an IP packet. */
  static byte[] ethernet(byte[] ipPacket) {
    boolean v6 = (ipPacket[0] & 0xf0) == 0x60;
    return ByteBuffer.allocate(14 + ipPacket.length).put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2})
        .putShort((short) (v6 ? 0x86dd : 0x0800)).put(ipPacket).array();
  }

  /** An IP packet from {@code src} to {@code dst}, IPv4 or IPv6 by the addresses' length. */
  static byte[] ip(byte[] src, byte[] dst, int protocol, byte[] payload) {
    return src.length == 4 ? ipv4(src, dst, 0, 0x4000, protocol, payload) : ipv6(src, dst, protocol, payload);
  }

  static byte[] pseudoHeader(byte[] src, byte[] dst, int protocol, int length) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(src);
    p.writeBytes(dst);
    if (src.length == 4) {
      p.write(0);
      p.write(protocol);
      p.write(length >>> 8);
      p.write(length);
    } else {
      p.writeBytes(ByteBuffer.allocate(8).putInt(length).put(new byte[] {0, 0, 0, (byte) protocol}).array());
    }
    return p.toByteArray();
  }

  /** The ones' complement of the ones' complement sum of the 16-bit words of {@code a} then {@code b}. */
  static int checksum(byte[] a, byte[] b) {
    long sum = 0;
    for (byte[] part : new byte[][] {a, b}) {
      for (int i = 0; i < part.length; i += 2) {
        sum += ((part[i] & 0xff) << 8) | (i + 1 < part.length ? part[i + 1] & 0xff : 0);
      }
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
