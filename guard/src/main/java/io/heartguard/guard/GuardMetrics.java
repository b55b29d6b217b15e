package io.heartguard.guard;

import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.HeartbleedRules;
import io.heartguard.detect.RecordAction;
import io.heartguard.wire.record.ContentType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters for {@code /metrics}, written in the Prometheus text exposition format (version 0.0.4). */
public final class GuardMetrics {
  private final AtomicLong connectionsOpen = new AtomicLong();
  private final LongAdder connectionsAccepted = new LongAdder();
  private final LongAdder connectionsRefused = new LongAdder();
  private final LongAdder upstreamFailures = new LongAdder();
  private final LongAdder[] bytes = {new LongAdder(), new LongAdder()};
  /** Indexed by direction, then content type code 20..24, with slot 5 for any other code. */
  private final LongAdder[][] records = new LongAdder[2][6];
  private final Map<String, LongAdder> alerts = new ConcurrentHashMap<>();
  private final Map<RecordAction, LongAdder> recordsBlocked = new ConcurrentHashMap<>();

  public GuardMetrics() {
    for (LongAdder[] perDirection : records) {
      for (int i = 0; i < perDirection.length; i++) {
        perDirection[i] = new LongAdder();
      }
    }
  }

  public void connectionOpened() {
    connectionsAccepted.increment();
    connectionsOpen.incrementAndGet();
  }

  public void connectionClosed() {
    connectionsOpen.decrementAndGet();
  }

  public void connectionRefused() {
    connectionsRefused.increment();
  }

  public void upstreamFailed() {
    upstreamFailures.increment();
  }

  public long connectionsOpen() {
    return connectionsOpen.get();
  }

  public void bytesForwarded(Direction direction, long count) {
    bytes[direction.ordinal()].add(count);
  }

  public void record(Direction direction, int contentType) {
    int slot = contentType >= 20 && contentType <= 24 ? contentType - 20 : 5;
    records[direction.ordinal()][slot].increment();
  }

  public void alert(Alert alert) {
    alerts.computeIfAbsent(alert.rule().id(), k -> new LongAdder()).increment();
    RecordAction taken = alert.recordAction();
    if (taken != null && taken != RecordAction.FORWARD) {
      recordsBlocked.computeIfAbsent(taken, k -> new LongAdder()).increment();
    }
  }

  public String prometheusText() {
    StringBuilder out = new StringBuilder();
    gauge(out, "heartguard_guard_connections_open", "Proxied connections now open.", connectionsOpen.get());
    counter(out, "heartguard_guard_connections_accepted_total", "Connections accepted.", connectionsAccepted.sum());
    counter(out, "heartguard_guard_connections_refused_total", "Connections refused at the connection limit.",
        connectionsRefused.sum());
    counter(out, "heartguard_guard_upstream_failures_total", "Upstream connects that failed.", upstreamFailures.sum());
    out.append("# HELP heartguard_guard_bytes_total Bytes forwarded.\n# TYPE heartguard_guard_bytes_total counter\n");
    for (Direction d : Direction.values()) {
      out.append("heartguard_guard_bytes_total{direction=\"").append(d.eveName()).append("\"} ")
          .append(bytes[d.ordinal()].sum()).append('\n');
    }
    out.append("# HELP heartguard_guard_records_total TLS records seen, by content type.\n")
        .append("# TYPE heartguard_guard_records_total counter\n");
    for (Direction d : Direction.values()) {
      for (int slot = 0; slot < 6; slot++) {
        ContentType type = slot < 5 ? ContentType.fromCode(20 + slot) : null;
        String name = type == null ? "other" : type.name().toLowerCase(Locale.ROOT);
        out.append("heartguard_guard_records_total{direction=\"").append(d.eveName()).append("\",type=\"")
            .append(name).append("\"} ").append(records[d.ordinal()][slot].sum()).append('\n');
      }
    }
    out.append("# HELP heartguard_guard_alerts_total Alerts raised, by rule.\n")
        .append("# TYPE heartguard_guard_alerts_total counter\n");
    java.util.List<String> ruleIds = new java.util.ArrayList<>();
    for (HeartbleedRules.Rule rule : HeartbleedRules.Rule.values()) {
      ruleIds.add(rule.id());
    }
    for (GuardRule rule : GuardRule.values()) {
      ruleIds.add(rule.id());
    }
    for (String id : ruleIds) {
      LongAdder n = alerts.get(id);
      out.append("heartguard_guard_alerts_total{rule=\"").append(id).append("\"} ")
          .append(n == null ? 0 : n.sum()).append('\n');
    }
    out.append("# HELP heartguard_guard_blocked_total Alerts that dropped a record or reset a connection.\n")
        .append("# TYPE heartguard_guard_blocked_total counter\n");
    for (RecordAction taken : new RecordAction[] {RecordAction.DROP, RecordAction.RESET}) {
      LongAdder n = recordsBlocked.get(taken);
      out.append("heartguard_guard_blocked_total{verdict=\"").append(taken.eveName())
          .append("\"} ").append(n == null ? 0 : n.sum()).append('\n');
    }
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }
}
