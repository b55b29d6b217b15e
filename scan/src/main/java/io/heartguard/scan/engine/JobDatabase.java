package io.heartguard.scan.engine;

import java.io.IOException;
import java.util.ServiceLoader;

/**
 * The database of scan jobs behind {@code scan --db} and {@code --resume}, as the scan sees it. The store module
 * implements it and registers an {@link Opener} (META-INF/services), so that scan, and a check, never load JDBC:
 * the opener is looked up only when {@code --db} is given. Every failure is an {@link IOException} whose message is
 * one line for the user.
 */
public interface JobDatabase extends AutoCloseable {
  /** The database's name for messages (a file path, or a URL without its password). */
  String name();

  /** A new job named {@code jobId} over the stream {@code targetSpec} and {@code seed} describe. */
  JobLog create(String jobId, String targetSpec, long seed) throws IOException;

  /** An existing job, where it stands; fails with one line when there is no such job. */
  JobLog resume(String jobId) throws IOException;

  @Override
  void close() throws IOException;

  /** Opens a job database by its location: a file path or a JDBC URL. */
  interface Opener {
    /** {@code mustExist}: fail rather than create the database (a resume needs one that exists). */
    JobDatabase open(String location, boolean mustExist) throws IOException;
  }

  /** The opener on the class path: heartguard's store. */
  static Opener installed() throws IOException {
    return ServiceLoader.load(Opener.class).findFirst().orElseThrow(() -> new IOException(
        "--db needs heartguard's store module, which this build does not have; run heartguard scan"));
  }
}
