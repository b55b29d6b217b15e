package io.heartguard.lab;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The honeypot's byte budgets: heartbeat response bytes per source address and for everyone, in fixed windows of a
 * second and a minute. A request is served whole or not at all, so a budget is never overrun by more than nothing.
 */
final class ServeBudget {
  /** Why a request was refused, or that it was not. */
  enum Decision { SERVE, OVER_SOURCE_LIMIT, OVER_GLOBAL_LIMIT }

  /** Bytes counted in the current second and minute windows. */
  private static final class Window {
    long second = -1;
    long minute = -1;
    long secondBytes;
    long minuteBytes;

    void roll(long nowMillis) {
      if (nowMillis / 1000 != second) {
        second = nowMillis / 1000;
        secondBytes = 0;
      }
      if (nowMillis / 60_000 != minute) {
        minute = nowMillis / 60_000;
        minuteBytes = 0;
      }
    }

    boolean fits(long bytes, long perSecond, long perMinute) {
      return secondBytes + bytes <= perSecond && minuteBytes + bytes <= perMinute;
    }

    void add(long bytes) {
      secondBytes += bytes;
      minuteBytes += bytes;
    }
  }

  private final HoneypotOptions options;
  private final LongSupplier clockMillis;
  private final Window global = new Window();
  /** Bounded in practice by loopback sources; a minute-old entry is dropped when the map grows past this. */
  private static final int MAX_SOURCES = 4096;
  private final Map<InetAddress, Window> sources = new ConcurrentHashMap<>();

  ServeBudget(HoneypotOptions options, LongSupplier clockMillis) {
    this.options = options;
    this.clockMillis = clockMillis;
  }

  /** Decides whether {@code bytes} may be served to {@code source} now, and counts them if so. */
  synchronized Decision tryServe(InetAddress source, long bytes) {
    long now = clockMillis.getAsLong();
    if (sources.size() >= MAX_SOURCES) {
      sources.values().removeIf(w -> w.minute != now / 60_000);
    }
    Window mine = sources.computeIfAbsent(source, s -> new Window());
    mine.roll(now);
    global.roll(now);
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
