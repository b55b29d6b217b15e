package io.heartguard.audit;

/** What one finding says about Heartbleed; each finding carries the evidence that decided it. */
public enum Verdict {
  /** An affected OpenSSL with its heartbeat code, and no distribution fix that covers it. */
  VULNERABLE,
  /** A fixed or unaffected version, a distribution-patched package, or heartbeats compiled out. */
  NOT_VULNERABLE,
  /** An OpenSSL copy whose version or build could not be told. */
  INCONCLUSIVE
}
