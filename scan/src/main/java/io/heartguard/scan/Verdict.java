package io.heartguard.scan;

/** What a check concluded. Each needs its own evidence; nothing is concluded from silence alone. */
public enum Verdict {
  /** The server returned bytes it could only have read past the end of our request. */
  VULNERABLE,
  /** No heartbeat extension was negotiated, or a well-formed heartbeat was answered while the malformed one was not. */
  NOT_VULNERABLE,
  /** Neither proof was obtained: a timeout, a reset, an alert, an odd reply; the reason says which. */
  INCONCLUSIVE
}
