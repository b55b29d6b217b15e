package io.heartguard.sensor.flow;

import io.heartguard.detect.HeartbleedRules;
import io.heartguard.sensor.capture.CaptureProblem;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counters for the end-of-run summary: what was read, what was lost, what was evicted, what was found. */
public final class SensorStats {
  /** Problems listed one by one; beyond this only counted, so a broken capture cannot flood the terminal. */
  static final int MAX_LISTED_PROBLEMS = 20;

  public long packets;
  public long bytes;
  public long nonIp;
  public long malformed;
  public long truncatedPackets;
  public long fragments;
  public long fragmentsReassembled;
  public long fragmentsDropped;
  /** Datagrams dropped whole because their fragments overlapped, or overlaps settled by the policy. */
  public long fragmentOverlaps;
  /** The checksum mode, and in the automatic mode what it decided for how many captures, and why. */
  public String checksums = "auto";
  public long capturesChecked;
  public long capturesOffloaded;
  public String offloadEvidence;
  /** Packets dropped for a wrong IPv4 header or TCP checksum. */
  public long badChecksums;
  public long tcpSegments;
  public long udpDatagrams;
  public long retransmittedBytes;
  public long outOfOrderSegments;
  public long gaps;
  public long gapBytes;
  public long overlappingBytes;
  public long outOfWindowSegments;
  public long resetsIgnored;
  /** Segments dropped by PAWS: a timestamp older than the last one taken (RFC 7323 section 5). */
  public long oldTimestamps;
  /** New connections started by a SYN on a 5-tuple already in the table. */
  public long connectionsReused;
  public long flowsCreated;
  public long flowsClosed;
  public long flowsTimedOut;
  public long flowsEvictedForCapacity;
  public long flowsEvictedForMemory;
  public long tlsFlows;
  public long dtlsFlows;
  public long records;
  public long heartbeats;
  public long resyncs;
  public long skippedBytes;
  public long internalErrors;
  public long problemCount;
  public String firstInternalError;
  public String osPolicy = "linux";
  public final List<CaptureProblem> problems = new ArrayList<>();
  public final Map<HeartbleedRules.Rule, Long> alertsByRule = new EnumMap<>(HeartbleedRules.Rule.class);

  public void problem(CaptureProblem problem) {
    problemCount++;
    if (problems.size() < MAX_LISTED_PROBLEMS) {
      problems.add(problem);
    }
  }

  /** A bug of ours met on one packet: counted, the first one kept for the summary, the run goes on. */
  public void internalError(RuntimeException e) {
    internalErrors++;
    if (firstInternalError == null) {
      firstInternalError = e.toString();
    }
  }

  public long alerts() {
    return alertsByRule.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A readable summary, several lines, for stderr at the end of a run. */
  public String render(double seconds) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("heartguard sensor: %d packets, %.1f MB in %.2f s (%.0f MB/s, %.0f packets/s)%n",
        packets, bytes / 1e6, seconds, seconds > 0 ? bytes / 1e6 / seconds : 0, seconds > 0 ? packets / seconds : 0));
    s.append(String.format("  flows: %d (%d TLS, %d DTLS); closed %d, timed out %d, evicted %d at the flow limit,"
            + " %d at the memory limit%n", flowsCreated, tlsFlows, dtlsFlows, flowsClosed, flowsTimedOut,
        flowsEvictedForCapacity, flowsEvictedForMemory));
    s.append(String.format("  records: %d, heartbeats: %d; resynchronised %d times, %d bytes not read as records%n",
        records, heartbeats, resyncs, skippedBytes));
    s.append(String.format("  tcp: %d segments, %d out of order, %d bytes retransmitted, %d gaps (%d bytes);"
            + " udp: %d datagrams%n", tcpSegments, outOfOrderSegments, retransmittedBytes, gaps, gapBytes,
        udpDatagrams));
    s.append(String.format("  as the receiver (%s): %d overlapping bytes settled, %d segments out of window,"
            + " %d with old timestamps, %d resets ignored, %d 5-tuples reused%n", osPolicy, overlappingBytes,
        outOfWindowSegments, oldTimestamps, resetsIgnored, connectionsReused));
    s.append(String.format("  ip fragments: %d (%d datagrams rebuilt, %d dropped, %d overlapping)%n", fragments,
        fragmentsReassembled, fragmentsDropped, fragmentOverlaps));
    String decided = !checksums.equals("auto") ? checksums
        : capturesOffloaded == 0 ? "auto, checked"
        : String.format("auto, not checked in %d of %d captures (offload: %s)", capturesOffloaded,
            capturesChecked + capturesOffloaded, offloadEvidence);
    s.append(String.format("  checksums: %s; %d packets dropped for a wrong checksum%n", decided, badChecksums));
    if (nonIp + malformed + truncatedPackets > 0) {
      s.append(String.format("  skipped: %d non-IP, %d malformed, %d truncated packets%n", nonIp, malformed,
          truncatedPackets));
    }
    for (CaptureProblem p : problems) {
      s.append("  problem: ").append(p).append(System.lineSeparator());
    }
    if (problemCount > problems.size()) {
      s.append(String.format("  ... and %d more problems%n", problemCount - problems.size()));
    }
    if (internalErrors > 0) {
      s.append(String.format("  internal errors: %d (first: %s); packets involved were skipped%n", internalErrors,
          firstInternalError));
    }
    if (alertsByRule.isEmpty()) {
      s.append("  alerts: none").append(System.lineSeparator());
    } else {
      s.append("  alerts: ").append(alerts()).append(System.lineSeparator());
      alertsByRule.forEach((rule, n) -> s.append(String.format("    %-40s %d  (%s)%n", rule.id(), n,
          rule.severity())));
    }
    return s.toString();
  }
}
