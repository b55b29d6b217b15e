package io.heartguard.detect;

import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordFramer;
import io.heartguard.wire.record.RecordHeader;

/**
 * Cuts one direction of a reassembled TCP stream into TLS records, incrementally, and finds the record boundary
 * again when it is lost. Application data is skipped unread and unbuffered (the hot path: only its length
 * matters); other records are handed over whole, without a copy when a segment holds all of them.
 *
 * <p>Records are placed by {@link RecordFramer}, the rule OpenSSL's record layer applies. Where the stream starts
 * decides how the first record is found: at a connection's start, a record header at offset 0, or an
 * SSLv2-compatible ClientHello whose records start right after it ({@link RecordFramer#clientOpening}); after a
 * plaintext dialog (STARTTLS in SMTP, IMAP, POP3, XMPP), the first handshake hello; mid-stream or after lost bytes,
 * two {@link RecordFramer#isResyncCandidate resync candidates} in a row. Missing bytes that fall inside a record whose
 * length is known cost nothing but that record's bytes.
 */
public final class TlsRecordReader {

  /** Why the reader had to look for a record boundary. */
  public enum Resync {
    /** The capture began after the connection did. */
    MID_STREAM,
    /** Plaintext (a STARTTLS dialog, or not TLS at all) before the first handshake record. */
    PLAINTEXT_PREAMBLE,
    /** Bytes lost in the capture cut through a record header. */
    GAP,
    /** A header that cannot be one: the stream is not where we thought. */
    DESYNC
  }

  private enum State { START, PREAMBLE, SYNCED, SEARCHING, GAVE_UP }

  private static final int HEADER = RecordHeader.LENGTH;
  private static final int MAX_RECORD = RecordHeader.MAX_CIPHERTEXT;
  /** Room for a candidate record and the header after it, which confirms it: 5 + (2^14 + 2048) + 5, rounded up. */
  private static final int WINDOW = 64 * 1024;
  private static final int INITIAL_WINDOW = 2048;
  /**
   * Bytes searched in vain before the direction is given up as not TLS. STARTTLS dialogs are a few hundred bytes and
   * a boundary lost in TLS is found within two records, so a megabyte means this is not TLS.
   */
  static final long SEARCH_BUDGET = 1 << 20;
  /** Every version 3.x, so that placing a header allocates nothing: the rule takes any minor. */
  private static final ProtocolVersion[] VERSIONS = new ProtocolVersion[256];

  static {
    for (int minor = 0; minor < VERSIONS.length; minor++) {
      VERSIONS[minor] = new ProtocolVersion(3, minor);
    }
  }

  private final Direction direction;
  private final RecordListener listener;
  private State state;
  private Resync searchReason;

  // SYNCED: where we are inside the current record.
  private int skipRemaining;
  private final byte[] header = new byte[HEADER];
  private int headerFill;
  private RecordHeader current;
  private byte[] fragment;
  private int fragmentFill;
  private long currentTimestamp;

  // START, PREAMBLE, SEARCHING: bytes not yet known to be records.
  private byte[] window;
  private byte[] spare;
  private int windowStart;
  private int windowEnd;
  private long searched;

  private long records;
  private long bytesSkipped;
  private long resyncs;

  public TlsRecordReader(Direction direction, RecordListener listener, boolean streamStart) {
    this.direction = direction;
    this.listener = listener;
    this.state = streamStart ? State.START : State.SEARCHING;
    this.searchReason = streamStart ? Resync.PLAINTEXT_PREAMBLE : Resync.MID_STREAM;
  }

  /** The next {@code length} bytes of the stream. */
  public void feed(byte[] data, int offset, int length, long timestampNanos) {
    int end = offset + length;
    int pos = offset;
    while (true) {
      if (state == State.SYNCED && windowEnd > windowStart) {
        drainWindow(timestampNanos);
        continue;
      }
      if (pos >= end) {
        return;
      }
      if (state == State.START && windowEnd == windowStart && end - pos >= HEADER
          && RecordFramer.isTlsHeader(data, pos)) {
        // The usual start of a connection, decided from the segment itself: the window is never needed.
        state = State.SYNCED;
      }
      switch (state) {
        case SYNCED -> {
          int stop = synced(data, pos, end, timestampNanos);
          if (stop < end) {
            startSearch(Resync.DESYNC);
          }
          pos = stop;
        }
        case GAVE_UP -> {
          bytesSkipped += end - pos;
          return;
        }
        default -> {
          pos += append(data, pos, end - pos);
          scan(timestampNanos, false);
        }
      }
    }
  }

  /** {@code missingBytes} of the stream were lost (a hole in the capture). */
  public void gap(long missingBytes, long timestampNanos) {
    if (missingBytes <= 0) {
      return;
    }
    bytesSkipped += missingBytes;
    long missing = missingBytes;
    switch (state) {
      case SYNCED -> {
        if (headerFill == 0 && skipRemaining > 0) {
          long n = Math.min(missing, skipRemaining);
          skipRemaining -= (int) n;
          missing -= n;
        } else if (current != null) {
          int remaining = current.length() - fragmentFill;
          listener.onRecord(direction, current, fragment, 0, fragmentFill, currentTimestamp); // what we have
          records++;
          current = null;
          long n = Math.min(missing, remaining);
          skipRemaining = (int) (remaining - n);
          missing -= n;
        }
        if (missing > 0) {
          // The hole swallowed a header: the boundary is lost.
          headerFill = 0;
          skipRemaining = 0;
          startSearch(Resync.GAP);
        }
      }
      case GAVE_UP -> { }
      default -> {
        // Bytes before a hole cannot be chained to bytes after it.
        bytesSkipped += windowEnd - windowStart;
        windowStart = windowEnd = 0;
        state = State.SEARCHING;
        searchReason = searchReason == Resync.MID_STREAM ? Resync.MID_STREAM : Resync.GAP;
      }
    }
  }

  /** The stream ended: hand over a record the capture cut short, or a last record still awaiting confirmation. */
  public void finish(long timestampNanos) {
    if (state == State.SEARCHING || state == State.START) {
      scan(timestampNanos, true);
      if (state == State.SYNCED) {
        drainWindow(timestampNanos);
      }
    }
    if (state == State.SYNCED && current != null) {
      listener.onRecord(direction, current, fragment, 0, fragmentFill, currentTimestamp);
      records++;
      current = null;
    }
  }

  // ---- SYNCED ----------------------------------------------------------------------------------------------------

  /** Reads records from data[pos, end); returns where it stopped, which is before end only on a bad header. */
  private int synced(byte[] data, int pos, int end, long ts) {
    while (pos < end) {
      if (skipRemaining > 0) {
        int n = Math.min(skipRemaining, end - pos);
        skipRemaining -= n;
        pos += n;
      } else if (current != null) {
        int n = Math.min(current.length() - fragmentFill, end - pos);
        System.arraycopy(data, pos, fragment, fragmentFill, n);
        fragmentFill += n;
        pos += n;
        if (fragmentFill == current.length()) {
          RecordHeader h = current;
          current = null;
          deliver(h, fragment, 0, fragmentFill, currentTimestamp);
        }
      } else if (headerFill == 0 && end - pos >= HEADER) {
        if (!RecordFramer.isTlsHeader(data, pos)) {
          return pos;
        }
        RecordHeader h = header(data, pos);
        pos += HEADER;
        if (h.contentType() == 23 || h.length() == 0) {
          deliver(h, data, pos, 0, ts);
          skipRemaining = h.length();
        } else if (end - pos >= h.length()) {
          deliver(h, data, pos, h.length(), ts); // the whole record is in this segment: no copy
          pos += h.length();
        } else {
          begin(h, ts);
        }
      } else {
        int n = Math.min(HEADER - headerFill, end - pos);
        System.arraycopy(data, pos, header, headerFill, n);
        headerFill += n;
        pos += n;
        if (headerFill == HEADER) {
          headerFill = 0;
          if (!RecordFramer.isTlsHeader(header, 0)) {
            // Search again from the byte after the bad header's first: put its other four bytes back first.
            startSearch(Resync.DESYNC);
            append(header, 1, HEADER - 1);
            return pos;
          }
          RecordHeader h = header(header, 0);
          if (h.contentType() == 23 || h.length() == 0) {
            deliver(h, header, 0, 0, ts);
            skipRemaining = h.length();
          } else {
            begin(h, ts);
          }
        }
      }
    }
    return end;
  }

  private void begin(RecordHeader h, long ts) {
    current = h;
    currentTimestamp = ts;
    fragmentFill = 0;
    if (fragment == null || fragment.length < h.length()) {
      fragment = new byte[Math.max(h.length(), 2048)];
    }
  }

  private void deliver(RecordHeader h, byte[] data, int offset, int available, long ts) {
    records++;
    listener.onRecord(direction, h, data, offset, available, ts);
  }

  private static RecordHeader header(byte[] b, int off) {
    int length = ((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff);
    return new RecordHeader(b[off] & 0xff, VERSIONS[b[off + 2] & 0xff], length);
  }

  // ---- START, PREAMBLE, SEARCHING --------------------------------------------------------------------------------

  private void startSearch(Resync reason) {
    state = State.SEARCHING;
    searchReason = reason;
    resyncs++;
    current = null;
    headerFill = 0;
    skipRemaining = 0;
  }

  /**
   * Copies as much as fits into the window; returns how much. The window grows on demand up to {@link #WINDOW}: most
   * connections need none, or a few hundred bytes for a STARTTLS dialog.
   */
  private int append(byte[] data, int offset, int length) {
    int live = windowEnd - windowStart;
    if (window == null || live + length > window.length && window.length < WINDOW) {
      int capacity = Math.min(WINDOW, Math.max(INITIAL_WINDOW, Integer.highestOneBit(Math.max(1, live + length)) << 1));
      byte[] bigger = new byte[capacity];
      if (live > 0) {
        System.arraycopy(window, windowStart, bigger, 0, live);
      }
      window = bigger;
      windowStart = 0;
      windowEnd = live;
    }
    if (windowStart > 0) {
      System.arraycopy(window, windowStart, window, 0, windowEnd - windowStart);
      windowEnd -= windowStart;
      windowStart = 0;
    }
    int n = Math.min(length, window.length - windowEnd);
    System.arraycopy(data, offset, window, windowEnd, n);
    windowEnd += n;
    return n;
  }

  private void scan(long ts, boolean atEnd) {
    int i = windowStart;
    int end = windowEnd;
    byte[] w = window;
    if (w == null) {
      return;
    }
    boolean found = false;
    switch (state) {
      case START -> {
        if (end - i < HEADER && !atEnd) {
          return;
        }
        if (end - i >= HEADER && RecordFramer.isTlsHeader(w, i)) {
          state = State.SYNCED; // a record right at the start of the connection: nothing skipped
          return;
        }
        RecordFramer.Opening opening = RecordFramer.clientOpening(w, i, end - i);
        if (opening.kind() == RecordFramer.OpeningKind.MORE_BYTES_NEEDED && !atEnd) {
          return;
        }
        if (opening.kind() == RecordFramer.OpeningKind.SSL2_COMPATIBLE_HELLO) {
          // s23_srvr.c: TLS records start exactly after the hello's 2 + length bytes.
          state = State.SYNCED;
          skipRemaining = opening.length();
          return;
        }
        state = State.PREAMBLE;
        scan(ts, atEnd);
        return;
      }
      case PREAMBLE -> {
        // The first handshake record after a plaintext dialog: 0x16 0x03 0x0N, a length, then ClientHello (1) or
        // ServerHello (2). Six specific bytes: plaintext protocols do not produce them by chance.
        for (; end - i >= HEADER + 1; i++) {
          if (w[i] == 22 && RecordFramer.isResyncCandidate(w, i) && (w[i + HEADER] == 1 || w[i + HEADER] == 2)) {
            found = true;
            break;
          }
        }
      }
      case SEARCHING -> {
        // Two resync candidates in a row, the second exactly where the first record ends.
        for (; end - i >= HEADER; i++) {
          if (RecordFramer.isResyncCandidate(w, i)) {
            int next = i + HEADER + (((w[i + 3] & 0xff) << 8) | (w[i + 4] & 0xff));
            if (next + HEADER <= end) {
              if (RecordFramer.isResyncCandidate(w, next)) {
                found = true;
                break;
              }
            } else if (atEnd && next == end) {
              found = true; // the last record of the stream, nothing after it to confirm it
              break;
            } else if (!atEnd) {
              break; // wait for the bytes that can confirm it
            }
          }
        }
      }
      default -> { }
    }
    long skipped = i - windowStart;
    windowStart = i;
    searched += skipped;
    bytesSkipped += skipped;
    if (found) {
      state = State.SYNCED;
      listener.onResync(direction, searchReason, searched);
      searched = 0;
    } else if (searched > SEARCH_BUDGET) {
      state = State.GAVE_UP;
      bytesSkipped += windowEnd - windowStart;
      window = spare = null;
      windowStart = windowEnd = 0;
    } else if (atEnd) {
      bytesSkipped += windowEnd - windowStart;
      windowStart = windowEnd = 0;
    }
  }

  /** In sync again: read the records waiting in the window, then drop the window. */
  private void drainWindow(long ts) {
    byte[] w = window;
    int start = windowStart;
    int end = windowEnd;
    window = spare;
    spare = null;
    windowStart = windowEnd = 0;
    int stop = synced(w, start, end, ts);
    if (stop < end) {
      if (state != State.SEARCHING) {
        startSearch(Resync.DESYNC);
      }
      append(w, stop, end - stop);
      scan(ts, false);
      spare = w;
    } else if (state == State.SEARCHING) {
      spare = w; // desynced inside a partial header: the window holds what follows
    }
  }

  // ---- Counters --------------------------------------------------------------------------------------------------

  public long records() {
    return records;
  }

  /** Bytes that were never read as records: plaintext before TLS, lost in holes, or searched through. */
  public long bytesSkipped() {
    return bytesSkipped;
  }

  public long resyncs() {
    return resyncs;
  }

  public boolean gaveUp() {
    return state == State.GAVE_UP;
  }

  /** Bytes this reader holds now, for memory accounting. */
  public int bufferedBytes() {
    return (window != null ? window.length : 0) + (spare != null ? spare.length : 0)
        + (fragment != null ? fragment.length : 0);
  }
}
