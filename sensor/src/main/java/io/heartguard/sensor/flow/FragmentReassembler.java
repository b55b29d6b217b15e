package io.heartguard.sensor.flow;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds fragmented IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section 4.5) datagrams, within limits: a
 * datagram is at most 65535 bytes, at most {@link #MAX_PENDING} are rebuilt at once, and one not complete within
 * {@link #TIMEOUT_NANOS} of capture time is dropped. Overlapping fragments: the later bytes win, as in Linux.
 */
final class FragmentReassembler {
  /** RFC 791: total length is 16 bits. */
  static final int MAX_DATAGRAM = 65_535;
  static final int MAX_PENDING = 1024;
  /** RFC 8200 section 4.5 gives up after 60 seconds; so do we. */
  static final long TIMEOUT_NANOS = 60_000_000_000L;

  record Key(long srcHigh, long srcLow, long dstHigh, long dstLow, long id, int protocol) {}

  private static final class Pending {
    byte[] data = new byte[2048];
    /** Covered byte ranges as a bitmap of 8-byte units (fragment offsets are multiples of 8). */
    long[] covered = new long[(MAX_DATAGRAM / 8 + 64) / 64];
    int totalLength = -1;
    long firstSeen;
  }

  private final Map<Key, Pending> pending = new LinkedHashMap<>();
  private final SensorStats stats;

  FragmentReassembler(SensorStats stats) {
    this.stats = stats;
  }

  /**
   * Adds a fragment's payload at {@code fragmentOffset}; returns the whole payload once every piece is in, else null.
   */
  byte[] add(Key key, int fragmentOffset, boolean last, byte[] b, int off, int len, long ts) {
    stats.fragments++;
    expire(ts);
    if (fragmentOffset + len > MAX_DATAGRAM || (!last && (len & 7) != 0)) {
      stats.fragmentsDropped++; // RFC 791: all but the last fragment carry a multiple of 8 bytes
      return null;
    }
    Pending p = pending.get(key);
    if (p == null) {
      if (pending.size() >= MAX_PENDING) {
        Iterator<Map.Entry<Key, Pending>> oldest = pending.entrySet().iterator();
        oldest.next();
        oldest.remove();
        stats.fragmentsDropped++;
      }
      p = new Pending();
      p.firstSeen = ts;
      pending.put(key, p);
    }
    int end = fragmentOffset + len;
    if (last) {
      p.totalLength = end;
    }
    if (end > p.data.length) {
      p.data = Arrays.copyOf(p.data, Math.min(MAX_DATAGRAM, Math.max(end, p.data.length * 2)));
    }
    System.arraycopy(b, off, p.data, fragmentOffset, len);
    for (int unit = fragmentOffset / 8; unit < (end + 7) / 8; unit++) {
      p.covered[unit >>> 6] |= 1L << (unit & 63);
    }
    if (p.totalLength < 0) {
      return null;
    }
    for (int unit = 0; unit < (p.totalLength + 7) / 8; unit++) {
      if ((p.covered[unit >>> 6] & (1L << (unit & 63))) == 0) {
        return null;
      }
    }
    pending.remove(key);
    stats.fragmentsReassembled++;
    return Arrays.copyOf(p.data, p.totalLength);
  }

  private void expire(long ts) {
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (ts - p.firstSeen <= TIMEOUT_NANOS) {
        break; // insertion order is arrival order
      }
      it.remove();
      stats.fragmentsDropped++;
    }
  }
}
