package io.heartguard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stores a job's results in batches: one transaction per {@code batchResults} results, and at least one per
 * {@code batchInterval} while results are waiting (a background thread commits them when checks are slow), so a
 * million-result job takes thousands of transactions, not a million. Each commit also advances the job's
 * high-water mark in the same transaction, so the mark never claims a result that is not stored.
 *
 * <p>Results are upserted by (job, sequence): a target checked again after a crash replaces its row. An
 * {@link StoredResult#UNNUMBERED} result gets the next free key from {@link StoredResult#UNNUMBERED_BASE} up and
 * leaves the mark alone; one writer per job at a time, or two would hand out the same keys. After a
 * failed commit the writer is broken: every later call throws the first failure again. Results still buffered then
 * are lost, and the resumed job checks those targets again. {@link #close()} commits what is buffered.
 */
public final class ResultWriter implements AutoCloseable {
  public static final int DEFAULT_BATCH_RESULTS = 500;
  public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofSeconds(1);

  private static final String UPSERT = "INSERT INTO scan_result (" + ResultStore.RESULT_COLUMNS + ") VALUES ("
      + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      // The same ON CONFLICT clause works on SQLite (3.24 and later) and PostgreSQL (9.5 and later).
      + " ON CONFLICT (job_id, seq) DO UPDATE SET target_input = excluded.target_input, host = excluded.host,"
      + " port = excluded.port, address = excluded.address, protocol = excluded.protocol,"
      + " tls_version = excluded.tls_version, cipher = excluded.cipher, heartbeat_mode = excluded.heartbeat_mode,"
      + " verdict = excluded.verdict, reason = excluded.reason, bytes_leaked = excluded.bytes_leaked,"
      + " cert_subject = excluded.cert_subject, cert_issuer = excluded.cert_issuer,"
      + " cert_not_before_ms = excluded.cert_not_before_ms, cert_not_after_ms = excluded.cert_not_after_ms,"
      + " cert_issued_after_disclosure = excluded.cert_issued_after_disclosure, elapsed_ms = excluded.elapsed_ms,"
      + " checked_at_ms = excluded.checked_at_ms";
  private static final String ADVANCE = "UPDATE scan_job SET high_water = ?, updated_at_ms = ? WHERE job_id = ?";

  private final Database database;
  private final String jobId;
  private final int batchResults;
  private final Clock clock;
  private final Connection connection;
  private final ScheduledExecutorService ticker;
  private final List<StoredResult> buffer;
  /** Sequences stored at or beyond the mark: checks finish out of order. */
  private final TreeSet<Long> doneBeyond;
  private long highWater;
  private long nextUnnumbered;
  private long committed;
  private long commits;
  private StoreException failure;
  private boolean closed;

  ResultWriter(Database database, ResumePoint point, int batchResults, Duration batchInterval, Clock clock)
      throws StoreException {
    if (batchResults < 1) {
      throw new IllegalArgumentException("batchResults must be at least 1, got " + batchResults);
    }
    if (batchInterval.isNegative() || batchInterval.isZero()) {
      throw new IllegalArgumentException("batchInterval must be positive, got " + batchInterval);
    }
    this.database = database;
    this.jobId = point.job().id();
    this.batchResults = batchResults;
    this.clock = clock;
    this.buffer = new ArrayList<>(batchResults);
    this.doneBeyond = new TreeSet<>(point.doneBeyond());
    this.highWater = point.highWater();
    this.connection = database.connect();
    try {
      nextUnnumbered = nextUnnumberedKey(connection, jobId);
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      closeQuietly();
      throw failure(e);
    }
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "heartguard-store-writer " + jobId);
      thread.setDaemon(true); // a forgotten close must not keep the JVM alive
      return thread;
    });
    long millis = batchInterval.toMillis();
    ticker.scheduleWithFixedDelay(this::commitQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Buffers one result; commits when the batch is full. */
  public synchronized void write(StoredResult result) throws StoreException {
    requireUsable();
    if (!result.jobId().equals(jobId)) {
      throw new IllegalArgumentException("this writer stores job " + jobId + ", got a result of job " + result.jobId());
    }
    buffer.add(result.sequence() == StoredResult.UNNUMBERED ? result.withSequence(nextUnnumbered++) : result);
    if (buffer.size() >= batchResults) {
      commit();
    }
  }

  /** Commits what is buffered now. */
  public synchronized void flush() throws StoreException {
    requireUsable();
    commit();
  }

  /** Every sequence below this is committed. */
  public synchronized long highWater() {
    return highWater;
  }

  /** Results committed by this writer. */
  public synchronized long committed() {
    return committed;
  }

  /** Transactions committed by this writer. */
  public synchronized long commits() {
    return commits;
  }

  /** Commits what is buffered and releases the connection; rethrows an earlier failure of the background commit. */
  @Override
  public void close() throws StoreException {
    ticker.shutdown(); // no interrupt: a commit in progress finishes, pending ones are cancelled
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        if (failure == null) {
          commit();
        }
      } finally {
        closed = true;
        closeQuietly();
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** Drops the buffer and the connection without committing, as a killed process would; for tests. */
  synchronized void abandon() {
    ticker.shutdown(); // no interrupt: a commit in progress finishes, pending ones are cancelled
    buffer.clear();
    closed = true;
    closeQuietly();
  }

  private void requireUsable() throws StoreException {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new IllegalStateException("the writer of job " + jobId + " is closed");
    }
  }

  private synchronized void commitQuietly() {
    if (failure == null && !closed) {
      try {
        commit();
      } catch (StoreException e) {
        // Kept in failure; the next write, flush or close reports it on the scanner's thread.
      }
    }
  }

  private void commit() throws StoreException {
    if (buffer.isEmpty()) {
      return;
    }
    long mark = highWater;
    TreeSet<Long> beyond = new TreeSet<>(doneBeyond);
    for (StoredResult r : buffer) {
      if (r.sequence() >= mark && r.numbered()) {
        beyond.add(r.sequence());
      }
    }
    while (!beyond.isEmpty() && beyond.first() == mark) {
      beyond.pollFirst();
      mark++;
    }
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT);
        PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
      for (StoredResult r : buffer) {
        ResultStore.bind(upsert, r);
        upsert.addBatch();
      }
      upsert.executeBatch();
      advance.setLong(1, mark);
      advance.setLong(2, clock.millis());
      advance.setString(3, jobId);
      if (advance.executeUpdate() != 1) {
        throw new SQLException("job " + jobId + " is not in the database");
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // The connection is gone; the failure below says why.
      }
      failure = failure(e);
      throw failure;
    }
    committed += buffer.size();
    commits++;
    buffer.clear();
    highWater = mark;
    doneBeyond.clear();
    doneBeyond.addAll(beyond);
  }

  private static long nextUnnumberedKey(Connection connection, String jobId) throws SQLException {
    String sql = "SELECT MAX(seq) FROM scan_result WHERE job_id = ? AND seq >= ?";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, jobId);
      select.setLong(2, StoredResult.UNNUMBERED_BASE);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return StoredResult.UNNUMBERED_BASE;
        }
        long max = row.getLong(1);
        return row.wasNull() ? StoredResult.UNNUMBERED_BASE : max + 1;
      }
    }
  }

  private StoreException failure(Exception e) {
    SQLException sql = e instanceof SQLException s ? s : null;
    String why = sql != null && sql.getNextException() != null ? Database.describe(sql.getNextException()) : Database.describe(e);
    return new StoreException("cannot write results of job " + jobId + " to database " + database.shownName() + ": " + why, e);
  }

  private void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing after a failure: the failure is what matters.
    }
  }
}
