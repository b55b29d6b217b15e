package io.heartguard.scan.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The progress line on stderr, {@code 1200/65536 (1.8%)  300/s  2 vulnerable  ETA 3m34s}, redrawn in place with
 * {@code \r} at most four times a second (a terminal can redraw faster, a person cannot read faster), and ended with
 * a newline when the scan ends. {@link #format} is the pure part.
 */
public final class ProgressLine implements AutoCloseable {
  static final long REDRAW_MILLIS = 250;

  /** The counts a line shows. */
  public record Counts(long done, long total, long vulnerable) {}

  private final PrintWriter err;
  private final Supplier<Counts> counts;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final ScheduledExecutorService ticker;
  private int lastLength;

  private ProgressLine(PrintWriter err, Supplier<Counts> counts, LongSupplier nanoClock) {
    this.err = err;
    this.counts = counts;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heartguard-scan-progress");
      t.setDaemon(true);
      return t;
    });
  }

  public static ProgressLine start(PrintWriter err, Supplier<Counts> counts) {
    ProgressLine line = new ProgressLine(err, counts, System::nanoTime);
    line.ticker.scheduleAtFixedRate(line::draw, REDRAW_MILLIS, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    return line;
  }

  /**
   * {@code done/total (percent)  rate/s  N vulnerable  ETA}; without a known total, {@code done done} and no ETA.
   * The rate is the average since the start; the ETA is what is left at that rate.
   */
  static String format(Counts c, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? c.done() / seconds : 0;
    StringBuilder line = new StringBuilder();
    if (c.total() >= 0) {
      double percent = c.total() == 0 ? 100 : 100.0 * c.done() / c.total();
      line.append(c.done()).append('/').append(c.total()).append(String.format(java.util.Locale.ROOT, " (%.1f%%)", percent));
    } else {
      line.append(c.done()).append(" done");
    }
    line.append("  ").append(Math.round(rate)).append("/s");
    line.append("  ").append(c.vulnerable()).append(" vulnerable");
    if (c.total() >= 0) {
      long left = Math.max(0, c.total() - c.done());
      line.append("  ETA ").append(left == 0 ? "0s" : rate > 0 ? duration(Math.round(left / rate)) : "?");
    }
    return line.toString();
  }

  /** 42s, 3m05s, 2h07m. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(java.util.Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(java.util.Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  private synchronized void draw() {
    String line = format(counts.get(), nanoClock.getAsLong() - startNanos);
    // Spaces over what is left of a longer previous line, so no stale characters remain after \r.
    err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    err.flush();
    lastLength = line.length();
  }

  /** Stops redrawing and leaves the final counts on their own line. */
  @Override
  public void close() {
    ticker.shutdownNow();
    synchronized (this) {
      draw();
      err.println();
      err.flush();
    }
  }

  /** Whether a person watches: a console that is a terminal (Console.isTerminal exists from Java 22 on). */
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: System.console() is null unless both ends are a terminal
    }
  }
}
