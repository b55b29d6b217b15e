package io.heartguard.guard;

import io.heartguard.detect.AlertRule;
import io.heartguard.detect.Severity;
import java.util.Locale;

/**
 * What the guard reports on its own, beside the detection engine's Heartbleed rules: events of policy and of
 * inspection, not findings about heartbeats' contents.
 */
public enum GuardRule implements AlertRule {
  /** A heartbeat record under the restrict policy ("restrict heartbeat messages"): reported once per direction. */
  HEARTBEAT_RESTRICTED(9_160_101, Severity.LOW),
  /**
   * Five bytes where a record must start that {@code RecordFramer} cannot place as OpenSSL would (major version not
   * 3, a length over 2^14 + 2048): the guard no longer knows where the receiver's records are.
   */
  FRAMING_LOST(9_160_102, Severity.MEDIUM),
  /**
   * A first message that 1.0.1f's ssl23_get_client_hello would not take as TLS or as an SSLv2-compatible hello
   * (plaintext, STARTTLS, a real SSLv2 hello), or a server's first bytes that are no TLS record: not framed with
   * certainty, so not carried.
   */
  NOT_TLS(9_160_103, Severity.MEDIUM),
  /** RFC 6520 section 3: a heartbeat before both sides' ChangeCipherSpec and Finished. */
  HEARTBEAT_DURING_HANDSHAKE(9_160_104, Severity.MEDIUM);

  private final int signatureId;
  private final Severity severity;

  GuardRule(int signatureId, Severity severity) {
    this.signatureId = signatureId;
    this.severity = severity;
  }

  /** The name in alerts, in the detection engine's style: "heartbeat_restricted". */
  @Override
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public int signatureId() {
    return signatureId;
  }

  @Override
  public Severity severity() {
    return severity;
  }
}
