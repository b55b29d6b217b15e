package io.heartguard.lab;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The honeypot's byte budgets: heartbeat response bytes per source address and for everyone, over any second and any
 * minute (sliding windows, not windows aligned to the clock, which let a peer take a budget on each side of a
 * boundary). A request is served whole or not at all, so a budget is never overrun.
 */
final class ServeBudget {
  /** Why a request was refused, or that it was not. */
  enum Decision { SERVE, OVER_SOURCE_LIMIT, OVER_GLOBAL_LIMIT }

  /**
   * Bytes served in the last {@code slots} slots of {@code slotMillis} each, plus the current slot. A window of
   * length {@code slots × slotMillis} ending now starts inside the oldest slot kept, which counts whole: the sum is
   * never less than what the window holds, so the budget holds over every window of that length, at the price of
   * refusing up to one slot early. Memory is fixed, whatever the request rate.
   */
  private static final class SlidingWindow {
    private final long slotMillis;
    private final long[] bytes;
    private long newestSlot = Long.MIN_VALUE;
    private long sum;

    SlidingWindow(long lengthMillis, int slots) {
      this.slotMillis = lengthMillis / slots;
      this.bytes = new long[slots + 1];
    }

    /** Forgets the slots that have left the window ending at {@code nowMillis}. */
    void advance(long nowMillis) {
      long slot = Math.floorDiv(nowMillis, slotMillis);
      if (slot <= newestSlot) {
        return;
      }
      long gone = newestSlot == Long.MIN_VALUE ? bytes.length : Math.min(slot - newestSlot, bytes.length);
      for (long s = slot - gone + 1; s <= slot; s++) {
        int i = (int) Math.floorMod(s, (long) bytes.length);
        sum -= bytes[i];
        bytes[i] = 0;
      }
      newestSlot = slot;
    }

    boolean fits(long more, long budget) {
      return sum + more <= budget;
    }

    void add(long more) {
      bytes[(int) Math.floorMod(newestSlot, (long) bytes.length)] += more;
      sum += more;
    }

    boolean isEmpty() {
      return sum == 0;
    }
  }

  /** A second in 20 slots of 50 ms and a minute in 60 slots of a second. */
  private static final class Windows {
    final SlidingWindow second = new SlidingWindow(1_000, 20);
    final SlidingWindow minute = new SlidingWindow(60_000, 60);

    void advance(long nowMillis) {
      second.advance(nowMillis);
      minute.advance(nowMillis);
    }

    boolean fits(long bytes, long perSecond, long perMinute) {
      return second.fits(bytes, perSecond) && minute.fits(bytes, perMinute);
    }

    void add(long bytes) {
      second.add(bytes);
      minute.add(bytes);
    }
  }

  private final HoneypotOptions options;
  private final LongSupplier clockMillis;
  private final Windows global = new Windows();
  /** Bounded in practice by loopback sources; sources with nothing in their last minute are dropped past this. */
  private static final int MAX_SOURCES = 4096;
  private final Map<InetAddress, Windows> sources = new ConcurrentHashMap<>();

  ServeBudget(HoneypotOptions options, LongSupplier clockMillis) {
    this.options = options;
    this.clockMillis = clockMillis;
  }

  /** Decides whether {@code bytes} may be served to {@code source} now, and counts them if so. */
  synchronized Decision tryServe(InetAddress source, long bytes) {
    long now = clockMillis.getAsLong();
    if (sources.size() >= MAX_SOURCES) {
      sources.values().removeIf(w -> {
        w.advance(now);
        return w.minute.isEmpty();
      });
    }
    Windows mine = sources.computeIfAbsent(source, s -> new Windows());
    mine.advance(now);
    global.advance(now);
    if (!mine.fits(bytes, options.sourceBytesPerSecond(), options.sourceBytesPerMinute())) {
      return Decision.OVER_SOURCE_LIMIT;
    }
    if (!global.fits(bytes, options.globalBytesPerSecond(), options.globalBytesPerMinute())) {
      return Decision.OVER_GLOBAL_LIMIT;
    }
    mine.add(bytes);
    global.add(bytes);
    return Decision.SERVE;
  }
}
