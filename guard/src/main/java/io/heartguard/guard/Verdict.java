package io.heartguard.guard;

/** What the guard does with one record. */
public enum Verdict {
  /** Pass the record on unchanged. */
  FORWARD,
  /** Swallow the whole record; the connection stays up. */
  DROP,
  /** Reset both connections: nothing more of the record, or of anything after it, is forwarded. */
  RESET
}
