package io.heartguard.store;

/**
 * A stored check's conclusion, by the same names as the scanner's {@code io.heartguard.scan.Verdict} (the store
 * does not depend on the scanner; map with {@code Verdict.valueOf(scanVerdict.name())}). The names are what the
 * {@code scan_result.verdict} column holds.
 */
public enum Verdict {
  VULNERABLE,
  NOT_VULNERABLE,
  INCONCLUSIVE
}
