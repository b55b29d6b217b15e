package io.heartguard.store;

import java.time.Instant;

/**
 * One check asked for through the web checker, as stored. {@code resultJson} is the {@code scan --json} object of
 * a finished check and null before; {@code verdict} is its verdict name, for listings that do not parse the JSON.
 */
public record WebCheck(String id, String targetInput, String host, int port, String protocol, String address,
    Status status, String verdict, String resultJson, Instant requestedAt, Instant finishedAt) {
  public enum Status {
    QUEUED, RUNNING, DONE, INTERRUPTED;

    /** The lower-case word the database and the API use. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Status of(String word) {
      return valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public boolean finished() {
    return status == Status.DONE || status == Status.INTERRUPTED;
  }
}
