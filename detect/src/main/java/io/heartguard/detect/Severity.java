package io.heartguard.detect;

/** How sure and how bad: EVE numbers severities 1 (highest) to 3. */
public enum Severity {
  /** An exploit attempt or memory leaked. */
  HIGH(1),
  /** A probe or anomaly that attack tools produce and ordinary peers do not. */
  MEDIUM(2),
  /** Unusual but possibly legitimate. */
  LOW(3);

  private final int eveLevel;

  Severity(int eveLevel) {
    this.eveLevel = eveLevel;
  }

  public int eveLevel() {
    return eveLevel;
  }
}
