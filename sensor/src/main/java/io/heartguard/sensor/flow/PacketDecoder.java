package io.heartguard.sensor.flow;

import io.heartguard.sensor.capture.LinkLayer;
import io.heartguard.sensor.capture.PacketSink;

/**
 * Peels link, IP and transport headers off each packet and hands TCP segments and UDP datagrams to the flow
 * table. IPv4 (RFC 791) and IPv6 with its extension headers (RFC 8200 section 4) are read in place; fragments are
 * rebuilt first. A packet the capture cut short is used as far as it goes, and the flow is told what is missing.
 */
public final class PacketDecoder implements PacketSink {
  private static final int TCP = 6;
  private static final int UDP = 17;

  private final FlowTable flows;
  private final SensorStats stats;
  private final FragmentReassembler fragments;

  public PacketDecoder(FlowTable flows, SensorStats stats) {
    this.flows = flows;
    this.stats = stats;
    this.fragments = new FragmentReassembler(stats);
  }

  @Override
  public void onPacket(int linkType, byte[] data, int offset, int capturedLength, int originalLength, long ts) {
    stats.packets++;
    stats.bytes += capturedLength;
    int end = offset + capturedLength;
    int ip = LinkLayer.ipOffset(linkType, data, offset, capturedLength);
    if (ip < 0 || ip >= end) {
      stats.nonIp++;
      return;
    }
    int version = (data[ip] & 0xff) >>> 4;
    if (version == 4) {
      ipv4(data, ip, end, ts);
    } else if (version == 6) {
      ipv6(data, ip, end, ts);
    } else {
      stats.nonIp++;
    }
  }

  private void ipv4(byte[] b, int ip, int end, long ts) {
    if (end - ip < 20) {
      stats.truncatedPackets++;
      return;
    }
    int headerLength = (b[ip] & 0x0f) * 4;
    int totalLength = uint16(b, ip + 2);
    if (headerLength < 20 || end - ip < headerLength) {
      stats.malformed++;
      return;
    }
    if (totalLength == 0) {
      totalLength = end - ip; // segmentation offload: the NIC fills the length in later
    } else if (totalLength < headerLength) {
      stats.malformed++;
      return;
    }
    int ipEnd = ip + totalLength;
    int missingTail = 0;
    if (ipEnd > end) {
      missingTail = ipEnd - end; // cut by the snap length
      ipEnd = end;
    }
    int flagsAndOffset = uint16(b, ip + 6);
    boolean moreFragments = (flagsAndOffset & 0x2000) != 0;
    int fragmentOffset = (flagsAndOffset & 0x1fff) * 8;
    int protocol = b[ip + 9] & 0xff;
    long srcLow = Addresses.v4Low(b, ip + 12);
    long dstLow = Addresses.v4Low(b, ip + 16);
    int payload = ip + headerLength;
    if (moreFragments || fragmentOffset > 0) {
      if (missingTail > 0) {
        stats.fragmentsDropped++;
        return;
      }
      FragmentReassembler.Key key = new FragmentReassembler.Key(0, srcLow, 0, dstLow, uint16(b, ip + 4), protocol);
      byte[] whole = fragments.add(key, fragmentOffset, !moreFragments, b, payload, ipEnd - payload, ts);
      if (whole != null) {
        transport(protocol, 0, srcLow, 0, dstLow, whole, 0, whole.length, 0, ts);
      }
      return;
    }
    transport(protocol, 0, srcLow, 0, dstLow, b, payload, ipEnd, missingTail, ts);
  }

  private void ipv6(byte[] b, int ip, int end, long ts) {
    if (end - ip < 40) {
      stats.truncatedPackets++;
      return;
    }
    int payloadLength = uint16(b, ip + 4);
    int next = b[ip + 6] & 0xff;
    long srcHigh = Addresses.long64(b, ip + 8);
    long srcLow = Addresses.long64(b, ip + 16);
    long dstHigh = Addresses.long64(b, ip + 24);
    long dstLow = Addresses.long64(b, ip + 32);
    int p = ip + 40;
    int ipEnd = payloadLength == 0 ? end : p + payloadLength; // 0: a jumbogram or segmentation offload
    int missingTail = 0;
    if (ipEnd > end) {
      missingTail = ipEnd - end;
      ipEnd = end;
    }
    boolean fragment = false;
    int fragmentOffset = 0;
    boolean moreFragments = false;
    long id = 0;
    // RFC 8200 section 4.1: walk the chain of extension headers to the upper-layer header.
    for (int hops = 0; hops < 16; hops++) {
      switch (next) {
        case 0, 43, 60 -> { // hop-by-hop, routing, destination options: length in 8-octet units, less the first
          if (ipEnd - p < 8) {
            stats.malformed++;
            return;
          }
          next = b[p] & 0xff;
          p += ((b[p + 1] & 0xff) + 1) * 8;
        }
        case 51 -> { // authentication header (RFC 4302 section 2.2): length in 4-octet units, less two
          if (ipEnd - p < 8) {
            stats.malformed++;
            return;
          }
          next = b[p] & 0xff;
          p += ((b[p + 1] & 0xff) + 2) * 4;
        }
        case 44 -> { // fragment header (RFC 8200 section 4.5)
          if (ipEnd - p < 8) {
            stats.malformed++;
            return;
          }
          next = b[p] & 0xff;
          int offsetAndFlags = uint16(b, p + 2);
          fragmentOffset = offsetAndFlags & 0xfff8;
          moreFragments = (offsetAndFlags & 1) != 0;
          id = ((b[p + 4] & 0xffL) << 24) | ((b[p + 5] & 0xffL) << 16) | ((b[p + 6] & 0xffL) << 8) | (b[p + 7] & 0xffL);
          fragment = fragmentOffset > 0 || moreFragments; // an atomic fragment (RFC 6946) is a whole packet
          p += 8;
        }
        default -> {
          if (p > ipEnd) {
            stats.malformed++;
            return;
          }
          if (fragment) {
            if (missingTail > 0) {
              stats.fragmentsDropped++;
              return;
            }
            FragmentReassembler.Key key = new FragmentReassembler.Key(srcHigh, srcLow, dstHigh, dstLow, id, next);
            byte[] whole = fragments.add(key, fragmentOffset, !moreFragments, b, p, ipEnd - p, ts);
            if (whole != null) {
              transport(next, srcHigh, srcLow, dstHigh, dstLow, whole, 0, whole.length, 0, ts);
            }
            return;
          }
          transport(next, srcHigh, srcLow, dstHigh, dstLow, b, p, ipEnd, missingTail, ts);
          return;
        }
      }
      if (p > ipEnd) {
        stats.malformed++;
        return;
      }
    }
    stats.malformed++; // more extension headers than any real packet carries
  }

  private void transport(int protocol, long srcHigh, long srcLow, long dstHigh, long dstLow, byte[] b, int p,
      int end, int missingTail, long ts) {
    if (protocol == TCP) {
      if (end - p < 20) {
        stats.truncatedPackets++;
        return;
      }
      int dataOffset = ((b[p + 12] & 0xff) >>> 4) * 4;
      if (dataOffset < 20 || end - p < dataOffset) {
        stats.malformed++;
        return;
      }
      int seq = ((b[p + 4] & 0xff) << 24) | ((b[p + 5] & 0xff) << 16) | ((b[p + 6] & 0xff) << 8) | (b[p + 7] & 0xff);
      flows.onTcp(srcHigh, srcLow, uint16(b, p), dstHigh, dstLow, uint16(b, p + 2), seq, b[p + 13] & 0xff, b,
          p + dataOffset, end - p - dataOffset, missingTail, ts);
    } else if (protocol == UDP) {
      if (end - p < 8) {
        stats.truncatedPackets++;
        return;
      }
      int udpLength = uint16(b, p + 4);
      int payloadEnd = udpLength >= 8 ? Math.min(end, p + udpLength) : end;
      flows.onUdp(srcHigh, srcLow, uint16(b, p), dstHigh, dstLow, uint16(b, p + 2), b, p + 8, payloadEnd - p - 8,
          ts);
    }
  }

  private static int uint16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }
}
