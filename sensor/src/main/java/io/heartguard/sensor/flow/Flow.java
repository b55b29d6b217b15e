package io.heartguard.sensor.flow;

import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;

/**
 * One connection in the flow table: its identity, who is client, its TCP directions (or none for UDP), and its
 * monitor. The identity is the two endpoints in a fixed order (IPv4 addresses as IPv4-mapped IPv6, RFC 4291 section
 * 2.5.5.2) and the transport protocol, held as primitives so that finding a packet's flow allocates nothing.
 */
final class Flow {
  /** Objects and bookkeeping a flow costs beyond its buffers, for the memory cap. */
  static final int OVERHEAD_BYTES = 1024;

  final long aHigh;
  final long aLow;
  final long bHigh;
  final long bLow;
  final int aPort;
  final int bPort;
  final int protocol;
  final int hash;
  /** Neighbours in the table's least-recently-used list of this flow's tier. */
  Flow older;
  Flow newer;
  /** How much this flow is worth keeping when the table is full ({@link FlowTable}'s tiers). */
  int tier;
  /** When this flow was last used, in the table's count of uses. */
  long lastUse;
  final FlowInfo info;
  /** Null once closed: a closed flow's entry only absorbs late packets, so it keeps none of its buffers. */
  ConnectionMonitor monitor;
  /** Whether endpoint A of the key is the client. */
  final boolean clientIsA;
  /** Null for UDP, and once closed. */
  TcpDirection[] tcp;
  long lastSeenNanos;
  int accountedBytes;
  /**
   * Torn down by FIN or RST; the entry stays until it times out, counted from the close, so that late packets do not
   * start a new flow. A SYN starts a new connection in its place.
   */
  boolean closed;

  Flow(long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort, int protocol, int hash, FlowInfo info,
      ConnectionMonitor monitor, boolean clientIsA, boolean streamStart, SensorStats stats, OsPolicy policy) {
    this.aHigh = aHigh;
    this.aLow = aLow;
    this.aPort = aPort;
    this.bHigh = bHigh;
    this.bLow = bLow;
    this.bPort = bPort;
    this.protocol = protocol;
    this.hash = hash;
    this.info = info;
    this.monitor = monitor;
    this.clientIsA = clientIsA;
    if (info.transport() == FlowInfo.Transport.TCP) {
      tcp = new TcpDirection[2];
      for (Direction d : Direction.values()) {
        tcp[d.ordinal()] = new TcpDirection(monitor.reader(d, streamStart), stats, policy);
      }
    } else {
      tcp = null;
    }
  }

  /** Whether endpoints A and B, in this order, are this flow's. */
  boolean is(long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort, int protocol) {
    return aLow == this.aLow && bLow == this.bLow && aPort == this.aPort && bPort == this.bPort
        && aHigh == this.aHigh && bHigh == this.bHigh && protocol == this.protocol;
  }

  Direction direction(boolean senderIsA) {
    return senderIsA == clientIsA ? Direction.TO_SERVER : Direction.TO_CLIENT;
  }

  /** Whether a SYN was seen either way: the connection's start is known. */
  boolean synSeen() {
    return tcp[0].synSeen || tcp[1].synSeen;
  }

  /** Whether either side sent a FIN the receiver took: the connection is closing. */
  boolean closing() {
    return tcp[0].finSeen || tcp[1].finSeen;
  }

  int bufferedBytes() {
    return OVERHEAD_BYTES + (tcp == null ? 0 : tcp[0].bufferedBytes() + tcp[1].bufferedBytes());
  }

  /** Ends the flow: flushes both directions and adds its counters to the run's. */
  void close(long ts, SensorStats stats) {
    closed = true;
    if (tcp != null) {
      for (TcpDirection t : tcp) {
        t.close(ts);
        stats.resyncs += t.reader().resyncs();
        stats.skippedBytes += t.reader().bytesSkipped();
      }
    }
    long records = monitor.records(Direction.TO_SERVER) + monitor.records(Direction.TO_CLIENT);
    stats.records += records;
    stats.heartbeats += monitor.heartbeats(Direction.TO_SERVER) + monitor.heartbeats(Direction.TO_CLIENT);
    if (records > 0) {
      if (tcp == null) {
        stats.dtlsFlows++;
      } else {
        stats.tlsFlows++;
      }
    }
    // Entries of closed flows stay until they time out (to absorb late packets); without their buffers and
    // monitor, a long capture's thousands of finished connections cost a few hundred bytes each, not kilobytes.
    monitor = null;
    tcp = null;
  }
}
