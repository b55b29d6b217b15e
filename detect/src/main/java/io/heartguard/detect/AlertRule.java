package io.heartguard.detect;

/**
 * What an alert names: one of the detection engine's {@link HeartbleedRules.Rule}s, or an event a device running the
 * engine reports on its own (the guard's policy hits). The id and signature id are stable: they are EVE's
 * {@code alert.rule} and {@code alert.signature_id}.
 */
public interface AlertRule {
  /** The rule's name in alerts, e.g. "heartbleed_request_overflow". */
  String id();

  int signatureId();

  Severity severity();
}
