package io.heartguard.sensor.flow;

import io.heartguard.detect.TlsRecordReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One direction of a TCP connection put back in order as its receiver would (RFC 9293 section 3.4: sequence numbers
 * count bytes, modulo 2^32). Bytes delivered in order are final. Segments that arrive early wait, up to
 * {@link #MAX_PENDING_BYTES}; where they overlap each other, the host's {@link OsPolicy} decides which copy is kept.
 * Past the limit, or when the connection ends, the hole before the first waiting segment is declared lost and the
 * record reader resynchronises behind it. A segment that starts beyond the receiver's advertised window is dropped,
 * as the receiver drops it (RFC 9293 section 3.10.7.4, Linux tcp_sequence).
 */
final class TcpDirection {
  /** Enough for a window of reordering on a fast link; more would let one flow hold much memory. */
  static final int MAX_PENDING_BYTES = 128 * 1024;
  /** Waiting pieces at most: a flood of one-byte segments out of order must not cost quadratic time. */
  static final int MAX_PENDING_PIECES = 4096;
  /** What a waiting piece costs beyond its bytes, for the memory cap. */
  private static final int PIECE_OVERHEAD_BYTES = 48;
  /** No window is larger (RFC 7323 section 2.3): sequence distances beyond it are not plausible. */
  private static final int MAX_WINDOW = 1 << 30;
  /** What {@link #announcedScale} holds before this direction's SYN is seen, and for a SYN without the option. */
  static final int NO_SYN = -2;
  static final int NO_SCALE = -1;

  /**
   * Waiting bytes {@code [seq, seq + length)}: {@code data[from..]}, or null for bytes the capture cut off. The
   * segment they came from, {@code [originStart, originEnd)}, is what the policy compares.
   */
  private record Piece(int seq, byte[] data, int from, int length, int originStart, int originEnd) {
    int end() {
      return seq + length;
    }

    /** The part of this piece in {@code [start, stop)}, or null. */
    Piece slice(int start, int stop) {
      int s = start - seq > 0 ? start : seq;
      int e = stop - end() < 0 ? stop : end();
      if (e - s <= 0) {
        return null;
      }
      return new Piece(s, data, from + (s - seq), e - s, originStart, originEnd);
    }
  }

  private final TlsRecordReader reader;
  private final SensorStats stats;
  private final OsPolicy policy;
  private List<Piece> pending = new ArrayList<>();
  private int pendingBytes;
  private boolean initialized;
  private int nextSeq;
  private long delivered;
  /** This direction's SYN: whether seen, its sequence number, and the window shift it announced (RFC 7323). */
  boolean synSeen;
  int isn;
  int announcedScale = NO_SYN;
  /** The right edge of the window the receiver last advertised, once a plausible one was seen. */
  private boolean windowKnown;
  private int windowRightEdge;
  /** One past the highest sequence number this side was seen sending: its SND.NXT as far as the capture knows. */
  private int sentEnd;
  /** TS.Recent (RFC 7323 section 4.3), from the SYN on; and whether this side's SYN offered timestamps. */
  private int recentTimestamp;
  /** The last plausible ACK the receiver sent: its RCV.WUP. */
  private boolean receiverAckKnown;
  private int receiverAck;
  boolean offeredTimestamps;
  private boolean finPending;
  private int finSeq;
  /** A FIN was taken in order: this direction is over. */
  boolean finSeen;

  TcpDirection(TlsRecordReader reader, SensorStats stats, OsPolicy policy) {
    this.reader = reader;
    this.stats = stats;
    this.policy = policy;
  }

  TlsRecordReader reader() {
    return reader;
  }

  boolean initialized() {
    return initialized;
  }

  int nextSeq() {
    return nextSeq;
  }

  /** Whether any payload was taken, in order or waiting. */
  boolean carriedPayload() {
    return delivered > 0 || !pending.isEmpty();
  }

  /** This direction's SYN. Data on it is not read: without TCP Fast Open, Linux does not queue it. */
  void onSyn(int seq, int windowScale, long timestamp) {
    if (synSeen) {
      return; // a retransmission, or a second SYN the receiver answers with a challenge ACK (RFC 5961 section 4)
    }
    synSeen = true;
    offeredTimestamps = timestamp >= 0;
    if (offeredTimestamps) {
      recentTimestamp = (int) timestamp; // Linux takes TS.Recent from the SYN (tcp_rcv_synsent_state_process)
    }
    isn = seq;
    announcedScale = windowScale < 0 ? NO_SCALE : windowScale;
    if (delivered == 0 && pending.isEmpty()) {
      nextSeq = seq + 1; // the SYN occupies one sequence number
      sentEnd = nextSeq;
      initialized = true;
    }
  }

  /** The receiver acknowledged up to {@code ack} and offered {@code window} bytes beyond it. */
  void onWindow(int ack, long window) {
    if (!initialized) {
      return;
    }
    // RFC 9293 section 3.10.7.4: an acceptable ACK lies between what was sent first and SND.NXT. Anything else is
    // not this connection's numbers (a crafted or zeroed ACK field, or data the capture missed): no window from it.
    boolean plausible = ack - sentEnd <= 0
        && (synSeen ? ack - (isn + 1) >= 0 : ack - nextSeq > -MAX_WINDOW);
    if (!plausible) {
      return;
    }
    receiverAckKnown = true;
    receiverAck = ack;
    int edge = ack + (int) Math.min(window, MAX_WINDOW);
    if (!windowKnown || edge - windowRightEdge > 0) {
      windowKnown = true; // RFC 9293 section 3.8.6.2.2: a receiver does not shrink its window; keep the furthest
      windowRightEdge = edge;
    }
  }

  /**
   * Whether the receiver takes a reset with this sequence number. Linux: only at exactly RCV.NXT, or one before it
   * after a FIN, or at the right edge of what it holds out of order (RFC 5961 section 3.2, tcp_validate_incoming,
   * tcp_reset_check); an in-window reset elsewhere gets a challenge ACK. Other hosts: anywhere in the window.
   */
  boolean acceptsReset(int seq) {
    if (policy.exactResetOnly()) {
      return seq == nextSeq || finSeen && seq == nextSeq + 1
          || !pending.isEmpty() && seq == pending.get(pending.size() - 1).end();
    }
    int distance = seq - nextSeq;
    return distance >= 0 && (windowKnown ? seq - windowRightEdge < 0 : distance < MAX_WINDOW);
  }

  /**
   * PAWS (RFC 7323 section 5.3, Linux tcp_paws_discard): with timestamps agreed in both SYNs, a segment whose
   * timestamp is older than TS.Recent is dropped. {@code timestamp} is TSval, or -1 without one. Returns whether
   * the segment passes.
   */
  boolean passesPaws(long timestamp, boolean agreed, int seq) {
    if (!agreed || timestamp < 0) {
      return true;
    }
    int tsVal = (int) timestamp;
    if (recentTimestamp != 0 && recentTimestamp - tsVal > 1) { // TCP_PAWS_WINDOW is 1; TS.Recent 0 is unset
      stats.oldTimestamps++;
      return false;
    }
    // tcp_replace_ts_recent: only a newer TSval on a segment that starts at or before the last ACK the receiver
    // sent (RCV.WUP), so that no segment ahead of it can move TS.Recent.
    if (tsVal - recentTimestamp >= 0 && receiverAckKnown && seq - receiverAck <= 0) {
      recentTimestamp = tsVal;
    }
    return true;
  }

  /** A segment: {@code length} payload bytes at {@code offset}, and {@code missingTail} more the capture cut off. */
  void onSegment(int seq, boolean fin, byte[] data, int offset, int length, int missingTail, long ts) {
    if (!initialized) {
      nextSeq = seq; // picked up mid-stream
      sentEnd = seq;
      initialized = true;
    }
    int total = length + missingTail;
    if (windowKnown && seq - windowRightEdge >= 0 && total > 0) {
      stats.outOfWindowSegments++;
      return;
    }
    int end = fin ? seq + total + 1 : seq + total; // a FIN occupies one sequence number
    if (end - sentEnd > 0) {
      sentEnd = end;
    }
    if (fin && !finPending && seq + total - nextSeq >= 0) {
      finPending = true; // taken when the bytes before it are (Linux queues an early FIN out of order too)
      finSeq = seq + total; // a FIN at a place already passed is an old retransmission: ignored
    }
    if (total > 0) {
      if (pending.isEmpty() && seq - nextSeq <= 0) {
        deliver(seq, data, offset, length, missingTail, ts); // in order: the hot path, no copy
      } else {
        if (seq - nextSeq > 0) {
          stats.outOfOrderSegments++;
        }
        insert(seq, Arrays.copyOfRange(data, offset, offset + length), length, missingTail);
        drain(ts);
        while (pendingBytes > MAX_PENDING_BYTES || pending.size() > MAX_PENDING_PIECES) {
          skipToFirstPending(ts);
        }
      }
    }
    if (finPending && finSeq - nextSeq <= 0) {
      finSeen = true;
    }
  }

  /** Queues a segment, settling its overlaps with waiting ones by the policy. Bytes before nextSeq are final. */
  private void insert(int seq, byte[] copy, int length, int missingTail) {
    int originEnd = seq + length + missingTail;
    List<Piece> incoming = new ArrayList<>(2);
    Piece dataPiece = new Piece(seq, copy, 0, length, seq, originEnd).slice(nextSeq, originEnd);
    if (dataPiece != null) {
      incoming.add(dataPiece);
    }
    if (missingTail > 0) {
      Piece cut = new Piece(seq + length, null, 0, missingTail, seq, originEnd).slice(nextSeq, originEnd);
      if (cut != null) {
        incoming.add(cut);
      }
    }
    if (nextSeq - seq > 0) {
      stats.retransmittedBytes += Math.min(nextSeq - seq, length + missingTail);
    }
    List<Piece> kept = new ArrayList<>(pending.size() + 2);
    for (Piece old : pending) {
      int start = old.seq() - seq > 0 ? old.seq() : seq;
      int stop = old.end() - originEnd < 0 ? old.end() : originEnd;
      if (stop - start <= 0) {
        kept.add(old);
        continue;
      }
      stats.overlappingBytes += stop - start;
      if (policy.newWins(seq, originEnd, old.originStart(), old.originEnd())) {
        addIfAny(kept, old.slice(old.seq(), start));
        addIfAny(kept, old.slice(stop, old.end()));
      } else {
        kept.add(old);
        List<Piece> rest = new ArrayList<>(incoming.size() + 1);
        for (Piece p : incoming) {
          addIfAny(rest, p.slice(p.seq(), start));
          addIfAny(rest, p.slice(stop, p.end()));
        }
        incoming = rest;
      }
    }
    // Both lists are in sequence order and do not overlap: merge them.
    List<Piece> merged = new ArrayList<>(kept.size() + incoming.size());
    int i = 0;
    int j = 0;
    int bytes = 0;
    while (i < kept.size() || j < incoming.size()) {
      Piece next = j == incoming.size()
          || i < kept.size() && kept.get(i).seq() - nextSeq < incoming.get(j).seq() - nextSeq
          ? kept.get(i++) : incoming.get(j++);
      merged.add(next);
      bytes += (next.data() == null ? 0 : next.length()) + PIECE_OVERHEAD_BYTES;
    }
    pending = merged;
    pendingBytes = bytes;
  }

  private static void addIfAny(List<Piece> list, Piece piece) {
    if (piece != null) {
      list.add(piece);
    }
  }

  private void deliver(int seq, byte[] data, int offset, int length, int missingTail, long ts) {
    int already = nextSeq - seq;
    int total = length + missingTail;
    if (already >= total) {
      stats.retransmittedBytes += total;
      return;
    }
    if (already > 0) {
      stats.retransmittedBytes += already;
      if (already <= length) {
        offset += already;
        length -= already;
      } else {
        missingTail -= already - length;
        length = 0;
      }
    }
    if (length > 0) {
      reader.feed(data, offset, length, ts);
    }
    if (missingTail > 0) {
      stats.gaps++;
      stats.gapBytes += missingTail;
      reader.gap(missingTail, ts);
    }
    nextSeq = seq + total;
    delivered += total;
  }

  private void drain(long ts) {
    int n = 0;
    while (n < pending.size() && pending.get(n).seq() - nextSeq <= 0) {
      Piece p = pending.get(n++);
      pendingBytes -= (p.data() == null ? 0 : p.length()) + PIECE_OVERHEAD_BYTES;
      if (p.data() == null) {
        deliver(p.seq(), null, 0, 0, p.length(), ts);
      } else {
        deliver(p.seq(), p.data(), p.from(), p.length(), 0, ts);
      }
    }
    pending.subList(0, n).clear();
  }

  /** Declares the bytes before the first waiting segment lost. */
  private void skipToFirstPending(long ts) {
    int missing = pending.get(0).seq() - nextSeq;
    if (missing > 0) {
      stats.gaps++;
      stats.gapBytes += missing;
      reader.gap(missing, ts);
      nextSeq = pending.get(0).seq();
    }
    drain(ts);
  }

  /** The connection ended or timed out: deliver what waits, then let the reader hand over a cut-short record. */
  void close(long ts) {
    while (!pending.isEmpty()) {
      skipToFirstPending(ts);
    }
    reader.finish(ts);
  }

  int bufferedBytes() {
    return pendingBytes + reader.bufferedBytes();
  }
}
