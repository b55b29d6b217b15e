package io.heartguard.scan.cli;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.engine.JobDatabase;
import io.heartguard.scan.engine.JobLog;
import io.heartguard.targets.TargetSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ServiceLoader;

/**
 * {@code heartguard scan --kafka}: hands a planned job to workers on other machines instead of this process's engine.
 * The implementation lives in the {@code fleet} module (it needs a Kafka client, which a local scan must not load)
 * and is found with {@link ServiceLoader}.
 */
public interface ScanFleet {
  /**
   * A planned job: the targets in the job's order, the database and the job in it (which knows where it stands), how each target is
   * checked ({@code protocol} as the job keeps it: tls, dtls, auto or a STARTTLS protocol), the whole job's rate, or
   * null for none, and how many targets
   * a block of work holds.
   */
  record Job(String broker, TargetSource targets, JobDatabase database, JobLog log, ScanOptions options,
      String protocol, int retries, Double rate, int blockSize, boolean progress, PrintWriter err) {}

  /** Runs the job to its end (or until interrupted) and returns scan's exit code. */
  int run(Job job) throws IOException, InterruptedException;

  /** The fleet on the class path, or empty in a build without the fleet module. */
  static java.util.Optional<ScanFleet> find() {
    return ServiceLoader.load(ScanFleet.class, ScanFleet.class.getClassLoader()).findFirst();
  }
}
