package io.heartguard.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A named scan job: how to regenerate its target stream ({@code targetSpec} and {@code seed}, both opaque to the
 * store and chosen by the scanner) and how far it got.
 *
 * @param targetCount how many targets the stream holds, or {@link #UNKNOWN_COUNT} until the scanner says
 * @param highWater every target whose sequence is below this has a stored result
 * @param finishedAt when the scanner declared the job complete, or null while it is running or was interrupted
 */
public record Job(
    String id,
    String targetSpec,
    long seed,
    long targetCount,
    long highWater,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {

  public static final long UNKNOWN_COUNT = -1;
  /** Job names are printed in terminals and file names; the column is VARCHAR(200). */
  public static final int MAX_ID_LENGTH = 200;

  public Job {
    requireValidId(id);
    Objects.requireNonNull(targetSpec, "targetSpec");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public boolean finished() {
    return finishedAt != null;
  }

  /** Letters, digits and {@code . _ - : @ /}: a name that needs no quoting anywhere it is shown. */
  static String requireValidId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("a job name needs 1.." + MAX_ID_LENGTH + " characters, got "
          + (id == null ? "none" : id.length()));
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._-:@/".indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException("job name '" + Text.printable(id) + "' has character '"
            + Text.printable(String.valueOf(c)) + "'; use letters, digits and . _ - : @ /");
      }
    }
    return id;
  }
}
