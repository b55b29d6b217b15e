package io.heartguard.sensor.flow;

import io.heartguard.detect.TlsRecordReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One direction of a TCP connection put back in order (RFC 9293 section 3.4: sequence numbers count bytes, modulo
 * 2^32). Retransmitted and overlapping bytes are delivered once; segments that arrive early wait, up to
 * {@link #MAX_PENDING_BYTES}; past that, or when the connection ends, the hole before the first waiting segment is
 * declared lost and the record reader resynchronises behind it.
 */
final class TcpDirection {
  /** Enough for a window of reordering on a fast link; more would let one flow hold much memory. */
  static final int MAX_PENDING_BYTES = 128 * 1024;

  private record Segment(int seq, byte[] data, int missingTail) {
    int length() {
      return data.length + missingTail;
    }
  }

  private final TlsRecordReader reader;
  private final SensorStats stats;
  private final List<Segment> pending = new ArrayList<>();
  private int pendingBytes;
  private boolean initialized;
  private int nextSeq;
  boolean finSeen;

  TcpDirection(TlsRecordReader reader, SensorStats stats) {
    this.reader = reader;
    this.stats = stats;
  }

  TlsRecordReader reader() {
    return reader;
  }

  /** A segment: {@code length} payload bytes at {@code offset}, and {@code missingTail} more the capture cut off. */
  void onSegment(int seq, boolean syn, boolean fin, byte[] data, int offset, int length, int missingTail,
      long ts) {
    if (syn) {
      nextSeq = seq + 1; // the SYN occupies one sequence number
      initialized = true;
      seq += 1;
    } else if (!initialized) {
      nextSeq = seq;
      initialized = true;
    }
    if (fin) {
      finSeen = true;
    }
    if (length + missingTail == 0) {
      return;
    }
    int ahead = seq - nextSeq; // modulo 2^32 arithmetic
    if (ahead <= 0) {
      deliver(seq, data, offset, length, missingTail, ts);
      drain(ts);
      return;
    }
    stats.outOfOrderSegments++;
    Segment s = new Segment(seq, Arrays.copyOfRange(data, offset, offset + length), missingTail);
    int i = pending.size();
    while (i > 0 && pending.get(i - 1).seq() - nextSeq > ahead) {
      i--;
    }
    pending.add(i, s);
    pendingBytes += length;
    if (pendingBytes > MAX_PENDING_BYTES) {
      skipToFirstPending(ts);
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
  }

  private void drain(long ts) {
    while (!pending.isEmpty() && pending.get(0).seq() - nextSeq <= 0) {
      Segment s = pending.remove(0);
      pendingBytes -= s.data().length;
      deliver(s.seq(), s.data(), 0, s.data().length, s.missingTail(), ts);
    }
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
