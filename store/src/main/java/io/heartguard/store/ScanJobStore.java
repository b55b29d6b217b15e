package io.heartguard.store;

import io.heartguard.scan.engine.JobDatabase;
import io.heartguard.scan.engine.JobLog;
import java.time.Clock;

/** Scan's {@link JobDatabase} on a {@link ResultStore}: what {@code scan --db} and {@code --resume} open. */
public final class ScanJobStore implements JobDatabase {
  private final ResultStore store;

  private ScanJobStore(ResultStore store) {
    this.store = store;
  }

  /** Registered in META-INF/services, so scan finds it without depending on store. */
  public static final class Opener implements JobDatabase.Opener {
    @Override
    public JobDatabase open(String location, boolean mustExist) throws StoreException {
      return new ScanJobStore(mustExist ? ResultStore.openExisting(location) : ResultStore.open(location));
    }
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public JobLog create(String jobId, String targetSpec, long seed) throws StoreException {
    return new JobRecorder(store, store.createJob(jobId, targetSpec, seed), Clock.systemUTC());
  }

  @Override
  public JobLog resume(String jobId) throws StoreException {
    return new JobRecorder(store, store.resume(jobId), Clock.systemUTC());
  }

  @Override
  public void close() throws StoreException {
    store.close();
  }
}
