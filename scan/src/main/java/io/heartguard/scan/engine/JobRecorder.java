package io.heartguard.scan.engine;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.ScanResult;
import io.heartguard.store.ResultStore;
import io.heartguard.store.ResultWriter;
import io.heartguard.store.ResumePoint;
import io.heartguard.store.StoredCertificate;
import io.heartguard.store.StoredResult;
import io.heartguard.store.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code --db}: stores each result of a job with its position in the job's target stream, and tells a resumed job
 * which targets are done (docs/STORE.md): a numbered target by the resume point's high-water mark, an address a host
 * name resolved to ({@link ScanEngine#UNNUMBERED}) by asking the database, since DNS may answer differently on
 * resume. Closing commits the last batch.
 */
public final class JobRecorder implements ResultSink, DoneTargets {
  private final ResultStore store;
  private final ResumePoint point;
  private final ResultWriter writer;
  private final Clock clock;

  public JobRecorder(ResultStore store, ResumePoint point, Clock clock) throws IOException {
    this.store = store;
    this.point = point;
    this.writer = store.writer(point);
    this.clock = clock;
  }

  public String jobId() {
    return point.job().id();
  }

  @Override
  public boolean contains(long position, ScanTarget target) throws IOException {
    if (position != ScanEngine.UNNUMBERED) {
      return point.isDone(position);
    }
    // A name that did not resolve was stored with a null address; the store matches that too.
    return store.isDone(jobId(), target.host(),
        target.address() == null ? null : target.address().getHostAddress(), target.port());
  }

  @Override
  public void accept(ScanResult result) {
    throw new IllegalStateException("a stored result needs its position in the job's target stream");
  }

  @Override
  public void accept(long position, ScanResult result) throws IOException {
    writer.write(toStored(jobId(), position == ScanEngine.UNNUMBERED ? StoredResult.UNNUMBERED : position, result,
        clock.instant()));
  }

  /** Stores a result already in its stored form: one a worker checked elsewhere (docs/DISTRIBUTED.md). */
  public void write(StoredResult result) throws IOException {
    writer.write(result);
  }

  /** Commits what is buffered now: before a shutdown hook's deadline, for instance. */
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  /** The stored form of a result: counts and facts only, never leaked bytes (the result holds none either). */
  public static StoredResult toStored(String job, long sequence, ScanResult r, Instant checkedAt) {
    CertificateFacts c = r.certificate();
    return new StoredResult(job, sequence, r.target().input(), r.target().host(), r.target().port(), r.address(),
        r.protocol(), r.tlsVersion() == null ? null : r.tlsVersion().displayName(), r.cipher(),
        r.heartbeat() == null ? null : ScanResult.modeName(r.heartbeat()), Verdict.valueOf(r.verdict().name()),
        r.reason(), r.bytesLeaked(),
        c == null ? null : new StoredCertificate(c.subject(), c.issuer(), c.notBefore(), c.notAfter(), c.issuedAfterDisclosure()),
        r.elapsedMillis(), checkedAt);
  }
}
