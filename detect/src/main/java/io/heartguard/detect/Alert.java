package io.heartguard.detect;

import io.heartguard.wire.Bytes;
import java.util.Objects;

/**
 * One finding on one connection: which rule, which way the offending record went, the lengths that made the rule
 * fire and a one-line reason that quotes them. {@code payloadLength} and {@code requestRecordLength} are -1 when
 * unknown (an encrypted record, no request seen). {@code bytesLeaked} counts what an answer carried beyond the
 * record of the request it answers (estimated to within a cipher block when encrypted; 0 when nothing, and for
 * findings on requests). {@code leakedBytes} is empty unless the monitor was asked to keep leaked memory: it is
 * sensitive and never kept by default.
 */
public record Alert(
    HeartbleedRules.Rule rule,
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
    Bytes leakedBytes) {

  public static final int UNKNOWN = -1;

  public Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(leakedBytes, "leakedBytes");
    if (bytesLeaked < 0) {
      throw new IllegalArgumentException("bytesLeaked must not be negative, got " + bytesLeaked);
    }
  }

  public Severity severity() {
    return rule.severity();
  }

  /** Without the leaked bytes, e.g. before an alert leaves the process by a channel that must not carry them. */
  public Alert withoutLeakedBytes() {
    return leakedBytes.isEmpty() ? this : new Alert(rule, direction, flow, timestampNanos, recordLength,
        payloadLength, requestRecordLength, bytesLeaked, reason, tlsVersion, cipherSuite, Bytes.EMPTY);
  }

  @Override
  public String toString() {
    // Never print leaked bytes: toString ends up in logs.
    return "Alert[" + rule.id() + " " + direction.eveName() + " flow " + flow.flowId() + ": " + reason + "]";
  }
}
