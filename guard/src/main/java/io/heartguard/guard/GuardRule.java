package io.heartguard.guard;

import java.util.Locale;

/**
 * What the guard reports on its own, beside the detection engine's Heartbleed rules: events of policy and of
 * inspection, not findings about heartbeats' contents.
 */
public enum GuardRule {
  /** A heartbeat record under the restrict policy ("restrict heartbeat messages"): reported once per direction. */
  HEARTBEAT_RESTRICTED(9_160_101, 3),
  /** The stream stopped parsing as TLS records, so heartbeats can no longer be seen in that direction. */
  FRAMING_LOST(9_160_102, 2);

  private final int signatureId;
  private final int severity;

  GuardRule(int signatureId, int severity) {
    this.signatureId = signatureId;
    this.severity = severity;
  }

  /** The name in alerts, in the detection engine's style: "heartbeat_restricted". */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public int signatureId() {
    return signatureId;
  }

  /** EVE numbering: 1 is the highest. */
  public int severity() {
    return severity;
  }
}
