package io.heartguard.sensor.flow;

import io.heartguard.sensor.capture.LinkLayer;
import io.heartguard.sensor.capture.PacketSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Peels link, IP and transport headers off each packet and hands TCP segments and UDP datagrams to the flow
 * table. IPv4 (RFC 791) and IPv6 with its extension headers (RFC 8200 section 4) are read in place; fragments are
 * rebuilt first, and an IPv6 fragmentable part is read on from its own extension headers. A packet the capture cut
 * short is used as far as it goes, and the flow is told what is missing.
 *
 * <p>Checksums: a receiver drops an IPv4 header or TCP segment whose checksum is wrong (Linux ip_rcv_core,
 * tcp_v4_rcv), so with checking on, the sensor drops them too. In {@link ChecksumMode#AUTO} each capture's first
 * {@link #SAMPLE_SEGMENTS} TCP segments (or {@link #MAX_SAMPLE_NANOS} of capture time) are held back and checked;
 * when more than one in {@link #OFFLOAD_RATIO} is wrong, the capture was taken where checksum offload leaves them
 * unfilled, and checking is turned off for it (Suricata's checksum-checks: auto uses the same 10% of its first 1000
 * packets). Then the held packets are decoded.
 */
public final class PacketDecoder implements PacketSink {
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int TCP_SYN = 0x02;
  static final int SAMPLE_SEGMENTS = 1000;
  static final int OFFLOAD_RATIO = 10;
  /** Held back while sampling at most this many bytes: a capture of jumbo frames decides early. */
  private static final long MAX_HELD_BYTES = 16L << 20;
  /** And at most this long in capture time, so that a quiet live feed still gets its alerts soon. */
  static final long MAX_SAMPLE_NANOS = 10_000_000_000L;

  private record Held(int linkType, byte[] data, long ts) {}

  private final FlowTable flows;
  private final SensorStats stats;
  /** Where decoding counts what it skips: the run's counters, or while sampling a scratch copy (replay counts). */
  private SensorStats tally;
  private final SensorStats scratch = new SensorStats();
  private final FragmentReassembler fragments;
  private final ChecksumMode mode;
  private boolean checking;
  private boolean sampling;
  private List<Held> held = new ArrayList<>();
  private long heldBytes;
  private long sampleStart;
  private int sampled;
  private int sampledBad;

  public PacketDecoder(FlowTable flows, SensorStats stats) {
    this(flows, stats, OsPolicy.LINUX, ChecksumMode.AUTO);
  }

  public PacketDecoder(FlowTable flows, SensorStats stats, OsPolicy policy, ChecksumMode checksums) {
    this.flows = flows;
    this.stats = stats;
    this.tally = stats;
    this.fragments = new FragmentReassembler(stats, policy);
    this.mode = checksums;
    this.checking = checksums == ChecksumMode.ON;
    this.sampling = checksums == ChecksumMode.AUTO;
    stats.checksums = checksums.cliName();
  }

  @Override
  public void onPacket(int linkType, byte[] data, int offset, int capturedLength, int originalLength, long ts) {
    stats.packets++;
    stats.bytes += capturedLength;
    if (sampling) {
      sample(linkType, data, offset, capturedLength, ts);
      return;
    }
    decode(linkType, data, offset, capturedLength, ts);
  }

  /**
   * A new capture begins: in the automatic mode each capture is judged on its own first segments, for one may come
   * from a tap and the next from the sending host.
   */
  public void beginCapture() {
    if (sampling && !held.isEmpty()) {
      decideAndReplay(); // the capture before was shorter than the sample: decided on what it had
    }
    if (mode == ChecksumMode.AUTO) {
      sampling = true;
      held = new ArrayList<>();
      heldBytes = 0;
      sampled = 0;
      sampledBad = 0;
    }
  }

  /** The input is over: a capture shorter than the sample is decided on what it had. */
  public void finish() {
    if (sampling) {
      decideAndReplay();
    }
  }

  private void sample(int linkType, byte[] data, int offset, int capturedLength, long ts) {
    byte[] copy = Arrays.copyOfRange(data, offset, offset + capturedLength);
    if (held.isEmpty()) {
      sampleStart = ts;
    }
    held.add(new Held(linkType, copy, ts));
    heldBytes += capturedLength;
    tally = scratch;
    try {
      decode(linkType, copy, 0, capturedLength, ts); // while sampling, decoding only counts checksums
    } finally {
      tally = stats;
    }
    if (sampled >= SAMPLE_SEGMENTS || heldBytes > MAX_HELD_BYTES || ts - sampleStart > MAX_SAMPLE_NANOS) {
      decideAndReplay();
    }
  }

  private void decideAndReplay() {
    sampling = false;
    checking = (long) sampledBad * OFFLOAD_RATIO <= sampled;
    if (checking) {
      stats.capturesChecked++;
    } else {
      stats.capturesOffloaded++;
      stats.offloadEvidence = sampledBad + " of the first " + sampled + " TCP segments wrong";
    }
    List<Held> replay = held;
    held = null;
    for (Held h : replay) {
      try {
        decode(h.linkType(), h.data(), 0, h.data().length, h.ts());
      } catch (RuntimeException e) {
        stats.internalError(e); // as the sensor does for a packet decoded at once: skip it, go on
      }
    }
  }

  private void decode(int linkType, byte[] data, int offset, int capturedLength, long ts) {
    int end = offset + capturedLength;
    int ip = LinkLayer.ipOffset(linkType, data, offset, capturedLength);
    if (ip < 0 || ip >= end) {
      tally.nonIp++;
      return;
    }
    int version = (data[ip] & 0xff) >>> 4;
    if (version == 4) {
      ipv4(data, ip, end, ts);
    } else if (version == 6) {
      ipv6(data, ip, end, ts);
    } else {
      tally.nonIp++;
    }
  }

  private void ipv4(byte[] b, int ip, int end, long ts) {
    if (end - ip < 20) {
      tally.truncatedPackets++;
      return;
    }
    int headerLength = (b[ip] & 0x0f) * 4;
    int totalLength = uint16(b, ip + 2);
    if (headerLength < 20 || end - ip < headerLength) {
      tally.malformed++;
      return;
    }
    if ((checking || sampling) && !InternetChecksum.verifies(InternetChecksum.add(0, b, ip, ip + headerLength))) {
      badChecksum(); // RFC 791 section 3.1: the header checksum covers the header only
      return;
    }
    boolean offloaded = false;
    if (totalLength == 0) {
      totalLength = end - ip; // segmentation offload: the NIC fills the length in later
      offloaded = true;
    } else if (totalLength < headerLength) {
      tally.malformed++;
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
      if (sampling) {
        return; // fragments are rebuilt once, when replayed
      }
      if (missingTail > 0) {
        stats.fragmentsDropped++;
        return;
      }
      FragmentReassembler.Key key = new FragmentReassembler.Key(0, srcLow, 0, dstLow, uint16(b, ip + 4), protocol);
      FragmentReassembler.Datagram whole = fragments.add(key, protocol, false, fragmentOffset, !moreFragments, b,
          payload, ipEnd - payload, ts);
      if (whole != null) {
        transport(protocol, false, 0, srcLow, 0, dstLow, whole.payload(), 0, whole.payload().length, 0, false, ts);
      }
      return;
    }
    transport(protocol, false, 0, srcLow, 0, dstLow, b, payload, ipEnd, missingTail, offloaded, ts);
  }

  private void ipv6(byte[] b, int ip, int end, long ts) {
    if (end - ip < 40) {
      tally.truncatedPackets++;
      return;
    }
    int payloadLength = uint16(b, ip + 4);
    int p = ip + 40;
    int ipEnd = payloadLength == 0 ? end : p + payloadLength; // 0: a jumbogram or segmentation offload
    int missingTail = 0;
    if (ipEnd > end) {
      missingTail = ipEnd - end;
      ipEnd = end;
    }
    extensionHeaders(b[ip + 6] & 0xff, Addresses.long64(b, ip + 8), Addresses.long64(b, ip + 16),
        Addresses.long64(b, ip + 24), Addresses.long64(b, ip + 32), b, p, ipEnd, missingTail, payloadLength == 0,
        false, ts);
  }

  /**
   * RFC 8200 section 4.1: walks the chain of extension headers from {@code next} at {@code p} to the upper-layer
   * header. At a fragment header the fragmentable part is rebuilt and its own chain (destination options, routing,
   * ...) walked in turn, as the receiver does once it has the whole datagram (section 4.5).
   */
  private void extensionHeaders(int next, long srcHigh, long srcLow, long dstHigh, long dstLow, byte[] b, int p,
      int ipEnd, int missingTail, boolean offloaded, boolean rebuilt, long ts) {
    for (int hops = 0; hops < 16; hops++) {
      switch (next) {
        case 0, 43, 60 -> { // hop-by-hop, routing, destination options: length in 8-octet units, less the first
          if (ipEnd - p < 8) {
            tally.malformed++;
            return;
          }
          next = b[p] & 0xff;
          p += ((b[p + 1] & 0xff) + 1) * 8;
        }
        case 51 -> { // authentication header (RFC 4302 section 2.2): length in 4-octet units, less two
          if (ipEnd - p < 8) {
            tally.malformed++;
            return;
          }
          next = b[p] & 0xff;
          p += ((b[p + 1] & 0xff) + 2) * 4;
        }
        case 44 -> { // fragment header (RFC 8200 section 4.5)
          if (ipEnd - p < 8 || rebuilt) {
            tally.malformed++; // a fragment header inside a rebuilt datagram is not one we can place
            return;
          }
          int fragmentNext = b[p] & 0xff;
          int offsetAndFlags = uint16(b, p + 2);
          int fragmentOffset = offsetAndFlags & 0xfff8;
          boolean moreFragments = (offsetAndFlags & 1) != 0;
          p += 8;
          if (fragmentOffset == 0 && !moreFragments) {
            next = fragmentNext; // an atomic fragment (RFC 6946) is a whole packet
            continue;
          }
          if (sampling) {
            return;
          }
          if (missingTail > 0 || p > ipEnd) {
            stats.fragmentsDropped++;
            return;
          }
          long id = ((b[p - 4] & 0xffL) << 24) | ((b[p - 3] & 0xffL) << 16) | ((b[p - 2] & 0xffL) << 8)
              | (b[p - 1] & 0xffL);
          FragmentReassembler.Key key = new FragmentReassembler.Key(srcHigh, srcLow, dstHigh, dstLow, id, 0);
          FragmentReassembler.Datagram whole = fragments.add(key, fragmentNext, true, fragmentOffset, !moreFragments,
              b, p, ipEnd - p, ts);
          if (whole != null) {
            extensionHeaders(whole.protocol(), srcHigh, srcLow, dstHigh, dstLow, whole.payload(), 0,
                whole.payload().length, 0, false, true, ts);
          }
          return;
        }
        default -> {
          if (p > ipEnd) {
            tally.malformed++;
            return;
          }
          transport(next, true, srcHigh, srcLow, dstHigh, dstLow, b, p, ipEnd, missingTail, offloaded, ts);
          return;
        }
      }
      if (p > ipEnd) {
        tally.malformed++;
        return;
      }
    }
    tally.malformed++; // more extension headers than any real packet carries
  }

  private void transport(int protocol, boolean ipv6, long srcHigh, long srcLow, long dstHigh, long dstLow, byte[] b,
      int p, int end, int missingTail, boolean offloaded, long ts) {
    if (protocol == TCP) {
      if (end - p < 20) {
        tally.truncatedPackets++;
        return;
      }
      int dataOffset = ((b[p + 12] & 0xff) >>> 4) * 4;
      if (dataOffset < 20 || end - p < dataOffset) {
        tally.malformed++;
        return;
      }
      if ((checking || sampling) && missingTail == 0 && !offloaded) {
        // RFC 793 section 3.1 (RFC 8200 section 8.1 for IPv6): the pseudo-header, then header and data.
        long sum = ipv6 ? InternetChecksum.add(InternetChecksum.add(0, srcHigh, srcLow), dstHigh, dstLow)
            : (srcLow & 0xffff_ffffL) + (dstLow & 0xffff_ffffL);
        sum = InternetChecksum.add(sum + TCP + (end - p), b, p, end);
        if (!InternetChecksum.verifies(sum)) {
          badChecksum();
          return;
        }
        if (sampling) {
          sampled++;
          return;
        }
      }
      if (sampling) {
        return;
      }
      int flags = b[p + 13] & 0xff;
      long timestamp = dataOffset > 20 ? timestamp(b, p, p + dataOffset) : -1;
      flows.onTcp(srcHigh, srcLow, uint16(b, p), dstHigh, dstLow, uint16(b, p + 2), int32(b, p + 4),
          int32(b, p + 8), flags, uint16(b, p + 14), (flags & TCP_SYN) != 0 ? windowScale(b, p, p + dataOffset) : -1,
          timestamp, b, p + dataOffset, end - p - dataOffset, missingTail, ts);
    } else if (protocol == UDP) {
      if (end - p < 8) {
        tally.truncatedPackets++;
        return;
      }
      if (sampling) {
        return;
      }
      int udpLength = uint16(b, p + 4);
      int payloadEnd = udpLength >= 8 ? Math.min(end, p + udpLength) : end;
      flows.onUdp(srcHigh, srcLow, uint16(b, p), dstHigh, dstLow, uint16(b, p + 2), b, p + 8, payloadEnd - p - 8,
          ts);
    }
  }

  private void badChecksum() {
    if (sampling) {
      sampled++;
      sampledBad++;
      return;
    }
    stats.badChecksums++;
  }

  /** The window scale option (RFC 7323 section 2.2) of a SYN, or -1 without one. */
  private static int windowScale(byte[] b, int from, int headerEnd) {
    int at = option(b, from + 20, headerEnd, 3, 3);
    return at < 0 ? -1 : Math.min(b[at + 2] & 0xff, 14); // RFC 7323 section 2.3: larger shifts are taken as 14
  }

  /** The timestamp option's TSval (RFC 7323 section 3.2), unsigned, or -1 without one. */
  private static long timestamp(byte[] b, int from, int headerEnd) {
    int at = option(b, from + 20, headerEnd, 8, 10);
    return at < 0 ? -1 : int32(b, at + 2) & 0xffff_ffffL;
  }

  /** Where the TCP option {@code kind} of {@code length} bytes starts among the options, or -1. */
  private static int option(byte[] b, int i, int headerEnd, int kind, int length) {
    while (i < headerEnd) {
      int k = b[i] & 0xff;
      if (k == 0) {
        break; // end of option list
      }
      if (k == 1) {
        i++; // no-operation
        continue;
      }
      if (i + 1 >= headerEnd) {
        break;
      }
      int l = b[i + 1] & 0xff;
      if (l < 2 || i + l > headerEnd) {
        break;
      }
      if (k == kind && l == length) {
        return i;
      }
      i += l;
    }
    return -1;
  }

  private static int uint16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }
}
