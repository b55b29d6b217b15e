package io.heartguard.sensor;

import io.heartguard.detect.Alert;
import io.heartguard.detect.AlertSink;
import io.heartguard.detect.HeartbleedRules;
import io.heartguard.sensor.capture.CaptureException;
import io.heartguard.sensor.capture.CaptureReader;
import io.heartguard.sensor.capture.PacketSink;
import io.heartguard.sensor.flow.ChecksumMode;
import io.heartguard.sensor.flow.FlowTable;
import io.heartguard.sensor.flow.OsPolicy;
import io.heartguard.sensor.flow.PacketDecoder;
import io.heartguard.sensor.flow.SensorStats;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The sensor's engine: captures in, alerts out. One flow table spans all inputs, so a connection that continues
 * from one rotated capture file into the next is followed. {@link #finish} closes the flows still open; it may come
 * from another thread (Ctrl-C), so a packet is decoded under a lock that it takes too.
 */
public final class Sensor {
  /** Defaults: the flow limit and memory cap keep a sensor on a busy link within a few hundred megabytes. */
  public static final int DEFAULT_MAX_FLOWS = 100_000;
  public static final long DEFAULT_TIMEOUT_NANOS = 120_000_000_000L;
  public static final long DEFAULT_MEMORY_CAP_BYTES = 256L * 1024 * 1024;

  private final SensorStats stats = new SensorStats();
  private final FlowTable flows;
  private final PacketSink packets;
  private final PacketDecoder decoder;
  /** Held while a packet is decoded and while {@link #finish} runs: they share the flow table and the alert sink. */
  private final Object decoding = new Object();
  private boolean finished;

  public Sensor(AlertSink alerts) {
    this(alerts, false, DEFAULT_MAX_FLOWS, DEFAULT_TIMEOUT_NANOS, DEFAULT_MEMORY_CAP_BYTES);
  }

  public Sensor(AlertSink alerts, boolean keepLeakedBytes, int maxFlows, long timeoutNanos, long memoryCapBytes) {
    this(alerts, keepLeakedBytes, maxFlows, timeoutNanos, memoryCapBytes, OsPolicy.LINUX, ChecksumMode.AUTO);
  }

  /**
   * {@code policy}: whose reassembly to follow where copies overlap; {@code checksums}: whether packets with wrong
   * checksums are dropped.
   */
  public Sensor(AlertSink alerts, boolean keepLeakedBytes, int maxFlows, long timeoutNanos, long memoryCapBytes,
      OsPolicy policy, ChecksumMode checksums) {
    AlertSink counting = alert -> {
      stats.alertsByRule.merge((HeartbleedRules.Rule) alert.rule(), 1L, Long::sum); // the engine's rules only
      alerts.onAlert(alert);
    };
    this.flows = new FlowTable(stats, counting, keepLeakedBytes, maxFlows, timeoutNanos, memoryCapBytes, policy);
    stats.osPolicy = policy.cliName();
    this.decoder = new PacketDecoder(flows, stats, policy, checksums);
    this.packets = (linkType, data, offset, captured, original, ts) -> {
      synchronized (decoding) {
        if (finished) {
          return; // read after Ctrl-C, while the reading thread winds down
        }
        try {
          decoder.onPacket(linkType, data, offset, captured, original, ts);
        } catch (RuntimeException e) {
          stats.internalError(e); // a bug of ours must not end the run: skip the packet, say so in the summary
        }
      }
    };
  }

  /** Reads one capture (pcap or pcapng, gzip or not). Throws only when it is not a capture at all. */
  public long read(String source, InputStream in) throws CaptureException {
    beginCapture();
    return CaptureReader.read(source, in, packets, stats::problem);
  }

  /** Reads one capture file (pcap or pcapng, gzip or not), memory-mapped when it can be. */
  public long read(Path file) throws CaptureException {
    beginCapture();
    return CaptureReader.read(file, packets, stats::problem);
  }

  private void beginCapture() {
    synchronized (decoding) {
      if (!finished) {
        decoder.beginCapture();
      }
    }
  }

  /**
   * Decodes packets still held back to decide on checksums, then closes every flow still open, which hands over
   * records cut short at the end of the capture. Once only: packets read after it are ignored. From another thread it
   * waits for the packet being decoded.
   */
  public void finish() {
    synchronized (decoding) {
      if (finished) {
        return;
      }
      finished = true;
      try {
        decoder.finish();
      } catch (RuntimeException e) {
        stats.internalError(e);
      }
      flows.closeAll();
    }
  }

  public SensorStats stats() {
    return stats;
  }

  /** Convenience for tests and tools: the alerts of one capture, in order. */
  public static java.util.List<Alert> alertsOf(String source, InputStream in) throws CaptureException {
    java.util.List<Alert> alerts = new java.util.ArrayList<>();
    Sensor sensor = new Sensor(alerts::add);
    sensor.read(source, in);
    sensor.finish();
    return alerts;
  }
}
