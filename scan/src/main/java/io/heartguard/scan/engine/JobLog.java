package io.heartguard.scan.engine;

import java.io.IOException;

/**
 * One scan job in a {@link JobDatabase} ({@code scan --db}): how to regenerate its target stream, what is done, and
 * where its results go. As a sink it needs each result's position in the stream; as {@link DoneTargets} it tells a
 * resumed run which targets to skip. Closing commits the last results.
 */
public interface JobLog extends ResultSink, DoneTargets {
  String jobId();

  /** The job's target spec, opaque to the database: the scan wrote it and reads it back on resume. */
  String targetSpec();

  long seed();

  /** Numbered targets known to be done. */
  long doneCount();

  /** Commits what is buffered now. */
  void flush() throws IOException;

  /** Marks the job complete, its stream of {@code targetCount} numbered targets exhausted (close the log first). */
  void finish(long targetCount) throws IOException;
}
