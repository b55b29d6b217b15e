package io.heartguard.sensor.flow;

import io.heartguard.detect.AlertSink;
import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.wire.record.RecordFramer;

/**
 * The connections being watched, least recently used first. Bounded three ways, each counted when it bites: flows
 * idle for the timeout (capture time) are closed, the least recently used flow is evicted when a new one would
 * exceed the flow limit, and when buffered bytes exceed the memory cap.
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
  /** Ports where a server, not a client, usually listens: used to tell who is who when the SYN was not seen. */
  private static final long[] SERVER_PORTS = portSet(443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995,
      5061, 5223, 8443, 4433, 4400, 9090, 25, 587, 143, 110, 5222, 5269, 3389, 6697, 4443, 10443);

  /** Slots of the open-addressing table (a power of two, at most half full); null is empty. */
  private Flow[] slots = new Flow[INITIAL_CAPACITY];
  private int size;
  /** The least and the most recently used flow. */
  private Flow oldest;
  private Flow newest;
  private final SensorStats stats;
  private final AlertSink alerts;
  private final boolean keepLeakedBytes;
  private final int maxFlows;
  private final long timeoutNanos;
  private final long memoryCapBytes;
  private long bufferedBytes;
  private long nextFlowId = 1;
  private long nextSweepNanos = Long.MIN_VALUE;

  public FlowTable(SensorStats stats, AlertSink alerts, boolean keepLeakedBytes, int maxFlows, long timeoutNanos,
      long memoryCapBytes) {
    this.stats = stats;
    this.alerts = alerts;
    this.keepLeakedBytes = keepLeakedBytes;
    this.maxFlows = maxFlows;
    this.timeoutNanos = timeoutNanos;
    this.memoryCapBytes = memoryCapBytes;
  }

  void onTcp(long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort, int seq, int flags,
      byte[] data, int offset, int length, int missingTail, long ts) {
    stats.tcpSegments++;
    sweep(ts);
    boolean srcIsA = isFirst(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort);
    Flow flow = srcIsA ? find(srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, TCP)
        : find(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, TCP);
    boolean syn = (flags & TCP_SYN) != 0;
    boolean ack = (flags & TCP_ACK) != 0;
    boolean rst = (flags & TCP_RST) != 0;
    if (flow == null) {
      if (rst || !syn && length + missingTail == 0) {
        return; // a bare ACK, FIN or reset of a connection we do not know carries nothing to watch
      }
      boolean srcIsClient = syn ? !ack : srcIsClient(srcPort, dstPort);
      flow = open(srcIsA, srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort, TCP, srcIsClient, syn,
          FlowInfo.Transport.TCP);
    } else {
      touch(flow);
    }
    flow.lastSeenNanos = ts;
    if (flow.closed) {
      return; // late packets after FIN or RST: the connection is over, the entry only absorbs them until it expires
    }
    Direction direction = flow.direction(srcIsA);
    TcpDirection tcp = flow.tcp[direction.ordinal()];
    tcp.onSegment(seq, syn, (flags & TCP_FIN) != 0, data, offset, length, missingTail, ts);
    if (rst || flow.tcp[0].finSeen && flow.tcp[1].finSeen) {
      bufferedBytes -= flow.accountedBytes;
      flow.close(ts, stats);
      flow.accountedBytes = 0;
      stats.flowsClosed++;
      return;
    }
    account(flow);
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
    flow.older = newest;
    flow.newer = null;
    if (newest != null) {
      newest.newer = flow;
    } else {
      oldest = flow;
    }
    newest = flow;
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
    if (flow.older != null) {
      flow.older.newer = flow.newer;
    } else {
      oldest = flow.newer;
    }
    if (flow.newer != null) {
      flow.newer.older = flow.older;
    } else {
      newest = flow.older;
    }
    flow.older = flow.newer = null;
  }

  /** Makes a flow the most recently used. */
  private void touch(Flow flow) {
    if (flow == newest) {
      return;
    }
    unlink(flow);
    flow.older = newest;
    newest.newer = flow;
    newest = flow;
  }

  // ---- Lifecycle -------------------------------------------------------------------------------------------------

  private Flow open(boolean srcIsA, long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort,
      int protocol, boolean srcIsClient, boolean streamStart, FlowInfo.Transport transport) {
    if (size >= maxFlows) {
      evictOldest();
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
            streamStart, stats)
        : new Flow(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, protocol,
            hash(dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, protocol), info, monitor, clientIsA,
            streamStart, stats);
    insert(flow);
    stats.flowsCreated++;
    return flow;
  }

  private void account(Flow flow) {
    int now = flow.bufferedBytes();
    bufferedBytes += now - flow.accountedBytes;
    flow.accountedBytes = now;
    while (bufferedBytes > memoryCapBytes && size > 1) {
      evictOldest();
      stats.flowsEvictedForMemory++;
    }
  }

  private void evictOldest() {
    Flow f = oldest;
    remove(f);
    finish(f, f.lastSeenNanos);
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
    // Least recently used first: the first one fresh enough ends the sweep.
    while (oldest != null && ts - oldest.lastSeenNanos > timeoutNanos) {
      Flow f = oldest;
      remove(f);
      if (!f.closed) {
        stats.flowsTimedOut++;
      }
      finish(f, f.lastSeenNanos);
    }
  }

  /** The run is over: closes every flow, oldest first. */
  public void closeAll() {
    while (oldest != null) {
      Flow f = oldest;
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
