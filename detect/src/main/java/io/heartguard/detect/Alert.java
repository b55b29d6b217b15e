package io.heartguard.detect;

import io.heartguard.wire.Bytes;
import java.util.Objects;

/**
 * One finding on one connection: which rule, which way the offending record went, the lengths that made the rule
 * fire and a one-line reason that quotes them. The engine's findings name a {@link HeartbleedRules.Rule}; a device
 * running the engine may raise its own ({@link AlertRule}), such as the guard's policy hits.
 *
 * <p>Lengths are {@link #UNKNOWN} when not known: {@code recordLength} for an event about bytes that are no record,
 * {@code payloadLength} for an encrypted record, {@code requestRecordLength} with no request seen,
 * {@code bytesLeaked} for an event that does not measure a leak. {@code bytesLeaked} otherwise counts what an answer
 * carried beyond the record of the request it answers (estimated to within a cipher block when encrypted; 0 when
 * nothing, and for findings on requests). {@code tlsVersion} and {@code cipherSuite} are null when the alert does
 * not describe the session. {@code leakedBytes} is empty unless the monitor was asked to keep leaked memory: it is
 * sensitive and never kept by default. {@code recordAction} is what an inline device did with the record, null from
 * a passive sensor.
 */
public record Alert(
    AlertRule rule,
    Direction direction,
    FlowInfo flow,
    long timestampNanos,
    int recordLength,
    int payloadLength,
    int requestRecordLength,
    long bytesLeaked,
    String reason,
    String tlsVersion,
    String cipherSuite,
    Bytes leakedBytes,
    RecordAction recordAction) {

  public static final int UNKNOWN = -1;

  public Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(leakedBytes, "leakedBytes");
    if (bytesLeaked < UNKNOWN) {
      throw new IllegalArgumentException("bytesLeaked must be a count or UNKNOWN (-1), got " + bytesLeaked);
    }
  }

  /** An event a device raises on its own about a record or bytes, outside the session's details and any leak. */
  public static Alert event(AlertRule rule, Direction direction, FlowInfo flow, long timestampNanos,
      int recordLength, String reason, RecordAction recordAction) {
    return new Alert(rule, direction, flow, timestampNanos, recordLength, UNKNOWN, UNKNOWN, UNKNOWN, reason, null,
        null, Bytes.EMPTY, recordAction);
  }

  public Severity severity() {
    return rule.severity();
  }

  /** Without the leaked bytes, e.g. before an alert leaves the process by a channel that must not carry them. */
  public Alert withoutLeakedBytes() {
    return leakedBytes.isEmpty() ? this : new Alert(rule, direction, flow, timestampNanos, recordLength,
        payloadLength, requestRecordLength, bytesLeaked, reason, tlsVersion, cipherSuite, Bytes.EMPTY, recordAction);
  }

  /** The same finding with what an inline device did with its record. */
  public Alert withRecordAction(RecordAction action) {
    return new Alert(rule, direction, flow, timestampNanos, recordLength, payloadLength, requestRecordLength,
        bytesLeaked, reason, tlsVersion, cipherSuite, leakedBytes, Objects.requireNonNull(action, "action"));
  }

  @Override
  public String toString() {
    // Never print leaked bytes: toString ends up in logs.
    return "Alert[" + rule.id() + " " + direction.eveName() + " flow " + flow.flowId() + ": " + reason
        + (recordAction == null ? "" : ", " + recordAction) + "]";
  }
}
