package io.heartguard.sensor.flow;

import io.heartguard.detect.AlertSink;
import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.wire.record.RecordFramer;

/**
 * The connections being watched. Bounded three ways, each counted when it bites: flows idle for the timeout (capture
 * time; a closed flow's from its close) are closed, a flow is evicted when a new one would exceed the flow limit,
 * and when buffered bytes exceed the memory cap.
 *
 * <p>Eviction cannot be forced cheaply: flows are kept in tiers, each its own least-recently-used list, and the
 * lowest tier is evicted first: closed flows, then flows that carried no payload (a SYN flood's half-open
 * connections), then flows with payload, and last flows that carried TLS or DTLS records both ways, which only a
 * real server's answer gives. A flow evicted anyway that comes back is opened again mid-stream and read in full.
 *
 * <p>The hot path: every packet looks its flow up here. The table is open addressing with linear probing over the
 * flows themselves, keyed by primitives hashed in place, and the recency order is a list threaded through the flows,
 * so a lookup allocates nothing.
 */
public final class FlowTable {
  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final byte TCP_FIN = 0x01;
  private static final byte TCP_SYN = 0x02;
  private static final byte TCP_RST = 0x04;
  private static final byte TCP_ACK = 0x10;
  private static final int INITIAL_CAPACITY = 1024;
  /** Tiers, lowest evicted first. */
  static final int TIER_CLOSED = 0;
  static final int TIER_NO_PAYLOAD = 1;
  static final int TIER_PAYLOAD = 2;
  static final int TIER_RECORDS_BOTH_WAYS = 3;
  private static final int TIERS = 4;
  /** Ports where a server, not a client, usually listens: used to tell who is who when the SYN was not seen. */
  private static final long[] SERVER_PORTS = portSet(443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995,
      5061, 5223, 8443, 4433, 4400, 9090, 25, 587, 143, 110, 5222, 5269, 3389, 6697, 4443, 10443);

  /** Slots of the open-addressing table (a power of two, at most half full); null is empty. */
  private Flow[] slots = new Flow[INITIAL_CAPACITY];
  private int size;
  /** Per tier, the least and the most recently used flow. */
  private final Flow[] oldest = new Flow[TIERS];
  private final Flow[] newest = new Flow[TIERS];
  private final SensorStats stats;
  private final AlertSink alerts;
  private final boolean keepLeakedBytes;
  private final int maxFlows;
  private final long timeoutNanos;
  private final long memoryCapBytes;
  private final OsPolicy policy;
  private long bufferedBytes;
  private long nextFlowId = 1;
  private long nextSweepNanos = Long.MIN_VALUE;
  /** Counts every use of a flow, so that flows of different tiers can still be put in one recency order. */
  private long uses;

  public FlowTable(SensorStats stats, AlertSink alerts, boolean keepLeakedBytes, int maxFlows, long timeoutNanos,
      long memoryCapBytes) {
    this(stats, alerts, keepLeakedBytes, maxFlows, timeoutNanos, memoryCapBytes, OsPolicy.LINUX);
  }

  public FlowTable(SensorStats stats, AlertSink alerts, boolean keepLeakedBytes, int maxFlows, long timeoutNanos,
      long memoryCapBytes, OsPolicy policy) {
    this.stats = stats;
    this.alerts = alerts;
    this.keepLeakedBytes = keepLeakedBytes;
    this.maxFlows = maxFlows;
    this.timeoutNanos = timeoutNanos;
    this.memoryCapBytes = memoryCapBytes;
    this.policy = policy;
  }

  /**
   * One TCP segment. {@code window} is the raw 16-bit field; {@code windowScale} the SYN's window scale option, or
   * -1 (none, or not a SYN); {@code timestamp} the timestamp option's TSval, or -1 without one.
   */
  void onTcp(long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort, int seq, int ack,
      int flags, int window, int windowScale, long timestamp, byte[] data, int offset, int length, int missingTail,
      long ts) {
    stats.tcpSegments++;
    sweep(ts);
    boolean srcIsA = isFirst(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort);
    Flow flow = srcIsA ? find(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, TCP)
        : find(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, TCP);
    boolean syn = (flags & TCP_SYN) != 0;
    boolean acks = (flags & TCP_ACK) != 0;
    boolean rst = (flags & TCP_RST) != 0;
    if (flow != null && syn && !rst && startsNewConnection(flow, srcIsA, acks, seq)) {
      remove(flow);
      finish(flow, ts);
      stats.connectionsReused++;
      flow = null;
    }
    if (flow == null) {
      if (rst || !syn && length + missingTail == 0) {
        return; // a bare ACK, FIN or reset of a connection we do not know carries nothing to watch
      }
      boolean srcIsClient = syn ? !acks : srcIsClient(srcPort, dstPort);
      flow = open(srcIsA, srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, TCP, srcIsClient, syn,
          FlowInfo.Transport.TCP);
    } else if (flow.closed) {
      return; // late packets after FIN or RST: absorbed, and the entry's time still counts from the close
    } else {
      touch(flow);
    }
    flow.lastSeenNanos = ts;
    Direction direction = flow.direction(srcIsA);
    TcpDirection sender = flow.tcp[direction.ordinal()];
    TcpDirection receiver = flow.tcp[1 - direction.ordinal()];
    if (syn) {
      sender.onSyn(seq, windowScale, timestamp);
    } else if (!rst && !sender.passesPaws(timestamp, sender.offeredTimestamps && receiver.offeredTimestamps, seq)) {
      return; // dropped whole, its ACK too (tcp_validate_incoming); a reset passes PAWS in any case
    }
    if (acks) {
      // RFC 7323 section 2.2: the window in a SYN is never scaled.
      receiver.onWindow(ack, syn ? window : (long) window << shift(sender, receiver));
    }
    if (rst) {
      if (acceptsReset(sender, receiver, seq, acks, ack)) {
        close(flow, ts);
      } else {
        stats.resetsIgnored++;
      }
      return;
    }
    if (!syn) {
      sender.onSegment(seq, (flags & TCP_FIN) != 0, data, offset, length, missingTail, ts);
    }
    if (flow.tcp[0].finSeen && flow.tcp[1].finSeen) {
      close(flow, ts);
      return;
    }
    account(flow);
    promote(flow);
  }

  /**
   * Whether a SYN starts a new connection on this 5-tuple: always after a close, and a client's SYN with a new
   * initial sequence number when the old connection is closing, was never answered, or was only seen mid-stream
   * (then it was no connection at the receiver: Linux answers stray data with a reset). A SYN inside an open
   * connection is ignored, as its receiver does (RFC 5961 section 4).
   */
  private static boolean startsNewConnection(Flow flow, boolean srcIsA, boolean acks, int seq) {
    if (flow.closed) {
      return true;
    }
    if (!flow.synSeen()) {
      return true;
    }
    if (acks) {
      return false; // a SYN-ACK answers the SYN already seen
    }
    TcpDirection sender = flow.tcp[flow.direction(srcIsA).ordinal()];
    TcpDirection receiver = flow.tcp[1 - flow.direction(srcIsA).ordinal()];
    if (sender.synSeen && seq == sender.isn) {
      return false; // a retransmitted SYN
    }
    return flow.closing() || !receiver.synSeen;
  }

  /**
   * Whether the receiver takes this reset. From a side whose sequence numbers are not known yet (a reset answering a
   * SYN), it counts when it acknowledges the SYN (RFC 9293 section 3.10.7.3).
   */
  private static boolean acceptsReset(TcpDirection sender, TcpDirection receiver, int seq, boolean acks, int ack) {
    if (sender.initialized()) {
      return sender.acceptsReset(seq);
    }
    return !receiver.initialized() || acks && ack == receiver.nextSeq();
  }

  /** The shift for windows {@code sender} advertises: as both SYNs agreed, or the largest when they were not seen. */
  private static int shift(TcpDirection sender, TcpDirection receiver) {
    if (sender.announcedScale == TcpDirection.NO_SYN || receiver.announcedScale == TcpDirection.NO_SYN) {
      return 14;
    }
    if (sender.announcedScale == TcpDirection.NO_SCALE || receiver.announcedScale == TcpDirection.NO_SCALE) {
      return 0; // RFC 7323 section 2.2: scaling only when both sides offered it
    }
    return sender.announcedScale;
  }

  private void close(Flow flow, long ts) {
    bufferedBytes -= flow.accountedBytes;
    flow.close(ts, stats);
    flow.accountedBytes = 0;
    stats.flowsClosed++;
    moveToTier(flow, TIER_CLOSED);
  }

  void onUdp(long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort, byte[] data, int offset,
      int length, long ts) {
    stats.udpDatagrams++;
    sweep(ts);
    boolean srcIsA = isFirst(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort);
    Flow flow = srcIsA ? find(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, UDP)
        : find(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, UDP);
    if (flow == null) {
      if (length < 13 + 12 + 1 || !RecordFramer.isDtlsHeader(data, offset)) {
        return; // only DTLS is watched on UDP
      }
      // RFC 6347 section 4.2.2: a handshake record's body starts with its type: ClientHello 1, ServerHello 2,
      // HelloVerifyRequest 3.
      int handshakeType = (data[offset] & 0xff) == 22 ? data[offset + 13] & 0xff : -1;
      boolean srcIsClient = handshakeType == 1 || handshakeType != 2 && handshakeType != 3
          && srcIsClient(srcPort, dstPort);
      flow = open(srcIsA, srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, UDP, srcIsClient, true,
          FlowInfo.Transport.UDP);
    } else {
      touch(flow);
    }
    flow.lastSeenNanos = ts;
    Direction direction = flow.direction(srcIsA);
    flow.monitor.onDatagram(direction, data, offset, length, ts);
    promote(flow);
  }

  /** Whether src is endpoint A of the flow: the endpoints are ordered by address, then port. */
  static boolean isFirst(long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort) {
    int c = Long.compareUnsigned(srcHigh, dstHigh);
    if (c == 0) {
      c = Long.compareUnsigned(srcLow, dstLow);
    }
    return c < 0 || c == 0 && srcPort <= dstPort;
  }

  private static boolean srcIsClient(int srcPort, int dstPort) {
    boolean srcServer = isServerPort(srcPort);
    boolean dstServer = isServerPort(dstPort);
    if (srcServer != dstServer) {
      return dstServer;
    }
    return srcPort > dstPort || srcPort == dstPort; // ephemeral ports are the high ones
  }

  private static long[] portSet(int... ports) {
    long[] set = new long[65536 / 64];
    for (int port : ports) {
      set[port >>> 6] |= 1L << port;
    }
    return set;
  }

  private static boolean isServerPort(int port) {
    return (SERVER_PORTS[port >>> 6] & (1L << port)) != 0;
  }

  // ---- The open-addressing table ---------------------------------------------------------------------------------

  private static int hash(long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort, int protocol) {
    long h = aLow * 0x9e37_79b9_7f4a_7c15L;
    h = (h ^ bLow ^ (h >>> 29)) * 0xbf58_476d_1ce4_e5b9L;
    h = (h ^ aHigh ^ (h >>> 31)) * 0x94d0_49bb_1331_11ebL;
    h = (h ^ bHigh ^ ((long) aPort << 32 | (long) bPort << 8 | protocol) ^ (h >>> 29)) * 0x9e37_79b9_7f4a_7c15L;
    return (int) (h ^ (h >>> 32));
  }

  private Flow find(long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort, int protocol) {
    Flow[] s = slots;
    int mask = s.length - 1;
    for (int i = hash(aHigh, aLow, aPort, bHigh, bLow, bPort, protocol) & mask; ; i = (i + 1) & mask) {
      Flow f = s[i];
      if (f == null || f.is(aHigh, aLow, aPort, bHigh, bLow, bPort, protocol)) {
        return f;
      }
    }
  }

  private void insert(Flow flow) {
    if (size + 1 > slots.length >>> 1) {
      Flow[] old = slots;
      slots = new Flow[old.length << 1];
      for (Flow f : old) {
        if (f != null) {
          place(f);
        }
      }
    }
    place(flow);
    size++;
    link(flow);
  }

  private void place(Flow flow) {
    int mask = slots.length - 1;
    int i = flow.hash & mask;
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = flow;
  }

  /** Takes a flow out of the table and the recency list. */
  private void remove(Flow flow) {
    Flow[] s = slots;
    int mask = s.length - 1;
    int i = flow.hash & mask;
    while (s[i] != flow) {
      i = (i + 1) & mask;
    }
    // Backward-shift deletion (Knuth 6.4, algorithm R): move later members of the probe run into the hole so that
    // lookups, which stop at the first empty slot, still find them.
    int hole = i;
    for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {
      int home = s[j].hash & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        s[hole] = s[j];
        hole = j;
      }
    }
    s[hole] = null;
    size--;
    unlink(flow);
  }

  private void unlink(Flow flow) {
    int t = flow.tier;
    if (flow.older != null) {
      flow.older.newer = flow.newer;
    } else {
      oldest[t] = flow.newer;
    }
    if (flow.newer != null) {
      flow.newer.older = flow.older;
    } else {
      newest[t] = flow.older;
    }
    flow.older = flow.newer = null;
  }

  /** Makes a flow the most recently used of its tier. */
  private void link(Flow flow) {
    int t = flow.tier;
    flow.older = newest[t];
    flow.newer = null;
    if (newest[t] != null) {
      newest[t].newer = flow;
    } else {
      oldest[t] = flow;
    }
    newest[t] = flow;
    flow.lastUse = ++uses;
  }

  /** The least recently used flow of all tiers, or null. */
  private Flow leastRecentlyUsed() {
    Flow least = null;
    for (Flow f : oldest) {
      if (f != null && (least == null || f.lastUse < least.lastUse)) {
        least = f;
      }
    }
    return least;
  }

  private void touch(Flow flow) {
    if (flow != newest[flow.tier]) {
      unlink(flow);
      link(flow);
    }
  }

  private void moveToTier(Flow flow, int tier) {
    unlink(flow);
    flow.tier = tier;
    link(flow);
  }

  /** Moves a flow up once it carried payload, and again once records went both ways. */
  private void promote(Flow flow) {
    if (flow.closed || flow.tier == TIER_RECORDS_BOTH_WAYS) {
      return;
    }
    int tier;
    if (flow.monitor.records(Direction.TO_SERVER) > 0 && flow.monitor.records(Direction.TO_CLIENT) > 0) {
      tier = TIER_RECORDS_BOTH_WAYS;
    } else if (flow.tcp == null || flow.tcp[0].carriedPayload() || flow.tcp[1].carriedPayload()) {
      tier = TIER_PAYLOAD;
    } else {
      tier = TIER_NO_PAYLOAD;
    }
    if (tier != flow.tier) {
      moveToTier(flow, tier);
    }
  }

  // ---- Lifecycle -------------------------------------------------------------------------------------------------

  private Flow open(boolean srcIsA, long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort,
      int protocol, boolean srcIsClient, boolean streamStart, FlowInfo.Transport transport) {
    if (size >= maxFlows) {
      evict(TIER_CLOSED);
      stats.flowsEvictedForCapacity++;
    }
    String src = Addresses.format(srcHigh, srcLow);
    String dst = Addresses.format(dstHigh, dstLow);
    FlowInfo info = srcIsClient ? new FlowInfo(transport, src, srcPort, dst, dstPort, nextFlowId++)
        : new FlowInfo(transport, dst, dstPort, src, srcPort, nextFlowId++);
    ConnectionMonitor monitor = new ConnectionMonitor(info, alerts, keepLeakedBytes);
    boolean clientIsA = srcIsA == srcIsClient;
    Flow flow = srcIsA
        ? new Flow(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, protocol,
            hash(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, protocol), info, monitor, clientIsA,
            streamStart, stats, policy)
        : new Flow(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, protocol,
            hash(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, protocol), info, monitor, clientIsA,
            streamStart, stats, policy);
    flow.tier = transport == FlowInfo.Transport.UDP ? TIER_PAYLOAD : TIER_NO_PAYLOAD;
    insert(flow);
    stats.flowsCreated++;
    return flow;
  }

  private void account(Flow flow) {
    int now = flow.bufferedBytes();
    bufferedBytes += now - flow.accountedBytes;
    flow.accountedBytes = now;
    while (bufferedBytes > memoryCapBytes && size > 1) {
      if (!evict(TIER_NO_PAYLOAD)) {
        break;
      }
      stats.flowsEvictedForMemory++;
    }
  }

  /** Evicts the least recently used flow of the lowest tier from {@code lowestTier} up; false if there is none. */
  private boolean evict(int lowestTier) {
    for (int t = lowestTier; t < TIERS; t++) {
      Flow f = oldest[t];
      if (f != null) {
        remove(f);
        finish(f, f.lastSeenNanos);
        return true;
      }
    }
    return false;
  }

  private void finish(Flow flow, long ts) {
    if (!flow.closed) {
      bufferedBytes -= flow.accountedBytes;
      flow.close(ts, stats);
    }
  }

  /** Closes flows idle longer than the timeout; runs at most once a second of capture time. */
  private void sweep(long ts) {
    if (ts < nextSweepNanos) {
      return;
    }
    nextSweepNanos = ts + 1_000_000_000L;
    // Each tier's list is in order of use, so its oldest flow that is fresh enough ends that tier's sweep.
    for (Flow f = stalest(ts); f != null; f = stalest(ts)) {
      remove(f);
      if (!f.closed) {
        stats.flowsTimedOut++;
      }
      finish(f, f.lastSeenNanos);
    }
  }

  /** The least recently used of the tiers' oldest flows idle longer than the timeout, or null. */
  private Flow stalest(long ts) {
    Flow least = null;
    for (Flow f : oldest) {
      if (f != null && ts - f.lastSeenNanos > timeoutNanos && (least == null || f.lastUse < least.lastUse)) {
        least = f;
      }
    }
    return least;
  }

  /** The run is over: closes every flow, least recently used first. */
  public void closeAll() {
    for (Flow f = leastRecentlyUsed(); f != null; f = leastRecentlyUsed()) {
      remove(f);
      finish(f, f.lastSeenNanos);
    }
  }

  public int size() {
    return size;
  }

  public long bufferedBytes() {
    return bufferedBytes;
  }
}
