package io.heartguard.detect;

/**
 * What an inline device (the guard) did with the record an alert is about. EVE writes it as {@code alert.action}
 * ("allowed" for FORWARD, "blocked" otherwise) and names it in {@code guard.verdict}. A passive sensor acts on no
 * record, so its alerts carry none.
 */
public enum RecordAction {
  /** Passed on unchanged. */
  FORWARD("forward"),
  /** Swallowed whole; the connection stays up. */
  DROP("drop"),
  /** Both connections reset: nothing more of the record, or of anything after it, is forwarded. */
  RESET("reset");

  private final String eveName;

  RecordAction(String eveName) {
    this.eveName = eveName;
  }

  /** The name in EVE's {@code guard.verdict} and in metrics labels: "forward", "drop", "reset". */
  public String eveName() {
    return eveName;
  }
}
