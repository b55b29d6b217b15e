package io.heartguard.store;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.engine.JobLog;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code --db}: stores each result of a job with its position in the job's target stream, and tells a resumed job
 * which targets are done (docs/STORE.md): a numbered target by the resume point's high-water mark, an address a host
 * name resolved to ({@link ScanEngine#UNNUMBERED}) by asking the database, since DNS may answer differently on
 * resume. The writer (a connection and its commit timer) opens with the first result; closing commits the last batch.
 */
public final class JobRecorder implements JobLog {
  private final ResultStore store;
  private final ResumePoint point;
  private final Clock clock;
  private ResultWriter writer;

  public JobRecorder(ResultStore store, ResumePoint point, Clock clock) {
    this.store = store;
    this.point = point;
    this.clock = clock;
  }

  @Override
  public String jobId() {
    return point.job().id();
  }

  @Override
  public String targetSpec() {
    return point.job().targetSpec();
  }

  @Override
  public long seed() {
    return point.job().seed();
  }

  @Override
  public long doneCount() {
    return point.doneCount();
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
  public synchronized void accept(long position, ScanResult result) throws IOException {
    writer().write(toStored(jobId(), position == ScanEngine.UNNUMBERED ? StoredResult.UNNUMBERED : position, result,
        clock.instant()));
  }

  /** Stores a result already in its stored form: one a worker checked elsewhere (docs/DISTRIBUTED.md). */
  public synchronized void write(StoredResult result) throws IOException {
    writer().write(result);
  }

  /** Commits what is buffered now: before a shutdown hook's deadline, for instance. */
  @Override
  public synchronized void flush() throws IOException {
    if (writer != null) {
      writer.flush();
    }
  }

  @Override
  public void finish(long targetCount) throws IOException {
    store.finish(jobId(), targetCount);
  }

  @Override
  public synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }

  private ResultWriter writer() throws StoreException {
    if (writer == null) {
      writer = store.writer(point);
    }
    return writer;
  }

  /** The stored form of a result: counts and facts only, never leaked bytes (the result holds none either). */
  public static StoredResult toStored(String job, long sequence, ScanResult r, Instant checkedAt) {
    CertificateFacts c = r.certificate();
    return new StoredResult(job, sequence, r.target().input(), r.target().host(), r.target().port(), r.address(),
        r.protocol(), r.tlsVersion() == null ? null : r.tlsVersion().displayName(), r.cipher(),
        r.heartbeat() == null ? null : ScanResult.modeName(r.heartbeat()), r.verdict(), r.reason(), r.bytesLeaked(),
        c == null ? null : new StoredCertificate(c.subject(), c.issuer(), c.notBefore(), c.notAfter(), c.issuedAfterDisclosure()),
        r.elapsedMillis(), checkedAt);
  }
}
