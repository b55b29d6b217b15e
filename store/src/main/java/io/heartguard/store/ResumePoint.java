package io.heartguard.store;

import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Where a job stands: every target below {@code highWater} in its stream is done, and so are the few beyond it in
 * {@code doneBeyond} (checks finish out of order, so a slow target holds the mark while later ones complete). A
 * scanner regenerates the stream from the job's spec and seed, skips the first {@code highWater} targets without
 * checking them, and skips each later one for which {@link #isDone(long)} is true.
 */
public record ResumePoint(Job job, long highWater, NavigableSet<Long> doneBeyond) {

  public ResumePoint {
    if (highWater < 0) {
      throw new IllegalArgumentException("highWater must be at least 0, got " + highWater);
    }
    TreeSet<Long> copy = new TreeSet<>(doneBeyond);
    if (!copy.isEmpty() && copy.first() < highWater) {
      throw new IllegalArgumentException("done sequence " + copy.first() + " is below the high-water mark " + highWater);
    }
    if (!copy.isEmpty() && copy.last() >= StoredResult.UNNUMBERED_BASE) {
      throw new IllegalArgumentException("done sequence " + copy.last() + " is an unnumbered target's key");
    }
    doneBeyond = Collections.unmodifiableNavigableSet(copy);
  }

  /** A job nothing has been written for yet. */
  static ResumePoint start(Job job) {
    return new ResumePoint(job, 0, new TreeSet<>());
  }

  /** Whether the target at this position of the job's stream already has a stored result. */
  public boolean isDone(long sequence) {
    return sequence < highWater || doneBeyond.contains(sequence);
  }

  /** Numbered targets known to be done. */
  public long doneCount() {
    return highWater + doneBeyond.size();
  }
}
