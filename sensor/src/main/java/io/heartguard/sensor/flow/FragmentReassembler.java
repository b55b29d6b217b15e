package io.heartguard.sensor.flow;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds fragmented IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section 4.5) datagrams as the receiving host
 * would, within limits: a datagram is at most 65535 bytes, at most {@link #MAX_PENDING} are rebuilt at once, and
 * one not complete within {@link #TIMEOUT_NANOS} of capture time is dropped.
 *
 * <p>Overlaps: IPv6 fragments that overlap drop the whole datagram (RFC 5722 section 4), and so do IPv4 ones under
 * the Linux policy (net/ipv4/inet_fragment.c, inet_frag_queue_insert); a fragment wholly inside what is already
 * there is a duplicate and ignored. Other policies keep the first or the last copy of IPv4 bytes.
 */
final class FragmentReassembler {
  /** RFC 791: total length is 16 bits. */
  static final int MAX_DATAGRAM = 65_535;
  static final int MAX_PENDING = 1024;
  /** RFC 8200 section 4.5 gives up after 60 seconds; so do we. */
  static final long TIMEOUT_NANOS = 60_000_000_000L;

  /**
   * What identifies a datagram's fragments: addresses, identification, and for IPv4 the protocol (RFC 791 section
   * 3.2). IPv6 leaves the protocol out (RFC 8200 section 4.5): fragments may disagree on it, and the first one's
   * counts, so {@code protocol} is 0 there.
   */
  record Key(long srcHigh, long srcLow, long dstHigh, long dstLow, long id, int protocol) {}

  /** A rebuilt datagram's payload, and the protocol (or IPv6 next header) its first fragment names. */
  record Datagram(byte[] payload, int protocol) {}

  private static final class Pending {
    byte[] data = new byte[2048];
    /** Covered byte ranges as a bitmap of 8-byte units (fragment offsets are multiples of 8). */
    long[] covered = new long[(MAX_DATAGRAM / 8 + 64) / 64];
    /** The end of the data known so far; final once the last fragment is in. */
    int length;
    boolean lastIn;
    long firstSeen;
    int protocol = -1;
  }

  private final Map<Key, Pending> pending = new LinkedHashMap<>();
  private final SensorStats stats;
  private final OsPolicy policy;

  FragmentReassembler(SensorStats stats, OsPolicy policy) {
    this.stats = stats;
    this.policy = policy;
  }

  /**
   * Adds a fragment's payload at {@code fragmentOffset}; returns the whole datagram once every piece is in, else
   * null. {@code ipv6} selects RFC 8200 rules over RFC 791 ones; {@code protocol} is what this fragment names.
   */
  Datagram add(Key key, int protocol, boolean ipv6, int fragmentOffset, boolean last, byte[] b, int off, int len,
      long ts) {
    stats.fragments++;
    expire(ts);
    int end = fragmentOffset + len;
    if (!last && (end & 7) != 0) {
      if (ipv6) {
        stats.fragmentsDropped++; // RFC 8200 section 4.5: not a multiple of 8, discarded (and a Parameter Problem)
        return null;
      }
      end &= ~7; // Linux ip_frag_queue trims a non-last IPv4 fragment to a multiple of 8 ("end &= ~7")
      len = end - fragmentOffset;
    }
    if (end > MAX_DATAGRAM) {
      stats.fragmentsDropped++;
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
    // ip_frag_queue / ip6_frag_queue: a last fragment that ends before data already seen, a second last fragment
    // with another end, data past the end, or an empty fragment: the datagram is corrupt and dropped whole.
    boolean corrupt = last ? end < p.length || p.lastIn && end != p.length : p.lastIn && end > p.length;
    if (corrupt || len <= 0) {
      discard(key);
      return null;
    }
    int firstUnit = fragmentOffset / 8;
    int endUnit = (end + 7) / 8;
    int coveredUnits = 0;
    for (int unit = firstUnit; unit < endUnit; unit++) {
      if (isCovered(p, unit)) {
        coveredUnits++;
      }
    }
    boolean dropOnOverlap = ipv6 || policy == OsPolicy.LINUX;
    if (coveredUnits > 0 && dropOnOverlap) {
      if (coveredUnits == endUnit - firstUnit) {
        stats.fragmentsDropped++; // IPFRAG_DUP: all of it is already there; the first copy stays
        return null;
      }
      stats.fragmentOverlaps++;
      discard(key); // RFC 5722 section 4; Linux IPFRAG_OVERLAP
      return null;
    }
    if (last) {
      p.lastIn = true;
      p.length = end;
    } else if (end > p.length) {
      p.length = end;
    }
    if (end > p.data.length) {
      p.data = Arrays.copyOf(p.data, Math.min(MAX_DATAGRAM, Math.max(end, p.data.length * 2)));
    }
    if (coveredUnits > 0) {
      stats.fragmentOverlaps++;
    }
    if (fragmentOffset == 0) {
      p.protocol = protocol; // RFC 8200 section 4.5: only the offset-zero fragment's Next Header is used
    }
    boolean lastWins = policy == OsPolicy.LAST;
    for (int unit = firstUnit; unit < endUnit; unit++) {
      if (lastWins || !isCovered(p, unit)) {
        int from = Math.max(unit * 8, fragmentOffset);
        int to = Math.min(unit * 8 + 8, end);
        System.arraycopy(b, off + from - fragmentOffset, p.data, from, to - from);
        p.covered[unit >>> 6] |= 1L << (unit & 63);
      }
    }
    if (!p.lastIn) {
      return null;
    }
    for (int unit = 0; unit < (p.length + 7) / 8; unit++) {
      if (!isCovered(p, unit)) {
        return null;
      }
    }
    pending.remove(key);
    stats.fragmentsReassembled++;
    return new Datagram(Arrays.copyOf(p.data, p.length), p.protocol);
  }

  private static boolean isCovered(Pending p, int unit) {
    return (p.covered[unit >>> 6] & (1L << (unit & 63))) != 0;
  }

  private void discard(Key key) {
    pending.remove(key);
    stats.fragmentsDropped++;
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
