package io.heartguard.store;

import io.heartguard.scan.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The results database of {@code heartguard scan --db} and {@code heartguard report}. Open it with
 * {@link #open(String)} (creates an empty SQLite file if needed) or {@link #openExisting(String)}; both apply
 * pending migrations. Then: {@link #createJob} or {@link #resume} for a {@link ResumePoint}, {@link #writer} to store
 * results in batches, {@link #finish} when the target stream is exhausted; {@link #summarize} for a report.
 * Safe to use from several threads (calls are serialized); each writer has its own connection.
 */
public final class ResultStore implements AutoCloseable {
  static final String RESULT_COLUMNS = "job_id, seq, target_input, host, port, address, protocol, tls_version, cipher,"
      + " heartbeat_mode, verdict, reason, bytes_leaked, cert_subject, cert_issuer, cert_not_before_ms,"
      + " cert_not_after_ms, cert_issued_after_disclosure, elapsed_ms, checked_at_ms";
  private static final String JOB_COLUMNS =
      "job_id, target_spec, seed, target_count, high_water, created_at_ms, updated_at_ms, finished_at_ms";

  private final Database database;
  private final Connection connection;
  private final Clock clock;

  private ResultStore(Database database, Clock clock) throws StoreException {
    this.database = database;
    this.clock = clock;
    database.migrate();
    this.connection = database.connect();
  }

  /** Opens (creating an empty SQLite file if there is none) and migrates; {@code location} as for --db. */
  public static ResultStore open(String location) throws StoreException {
    return new ResultStore(Database.locate(location, false), Clock.systemUTC());
  }

  /** As {@link #open(String)}, but a SQLite file must already exist: for reading, where a typo must not create one. */
  public static ResultStore openExisting(String location) throws StoreException {
    return new ResultStore(Database.locate(location, true), Clock.systemUTC());
  }

  static ResultStore open(String location, Clock clock) throws StoreException {
    return new ResultStore(Database.locate(location, false), clock);
  }

  /** The database as the user named it, password removed: for messages. */
  public String name() {
    return database.shownName();
  }

  /**
   * Records a new job. {@code targetSpec} and {@code seed} are whatever the scanner needs to regenerate the same
   * target stream on resume. Fails if the name is taken, so two scans never mix their results by accident.
   */
  public synchronized ResumePoint createJob(String jobId, String targetSpec, long seed) throws StoreException {
    Job.requireValidId(jobId);
    if (findJob(jobId).isPresent()) {
      throw new StoreException("job " + jobId + " already exists in " + name()
          + "; continue it with --resume " + jobId + " or choose another name");
    }
    long now = now();
    String sql = "INSERT INTO scan_job (" + JOB_COLUMNS + ") VALUES (?, ?, ?, ?, 0, ?, ?, NULL)";
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, jobId);
      insert.setString(2, targetSpec);
      insert.setLong(3, seed);
      insert.setLong(4, Job.UNKNOWN_COUNT);
      insert.setLong(5, now);
      insert.setLong(6, now);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("create job " + jobId, e);
    }
    return ResumePoint.start(requireJob(jobId));
  }

  public synchronized Optional<Job> findJob(String jobId) throws StoreException {
    String sql = "SELECT " + JOB_COLUMNS + " FROM scan_job WHERE job_id = ?";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, jobId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(readJob(row)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read job " + jobId, e);
    }
  }

  /** The job, or a one-line error naming the database when there is no such job. */
  public Job requireJob(String jobId) throws StoreException {
    return findJob(jobId).orElseThrow(() -> new StoreException("no job named " + Text.printable(jobId) + " in " + name()));
  }

  public synchronized List<Job> jobs() throws StoreException {
    String sql = "SELECT " + JOB_COLUMNS + " FROM scan_job ORDER BY created_at_ms, job_id";
    try (PreparedStatement select = connection.prepareStatement(sql); ResultSet row = select.executeQuery()) {
      List<Job> jobs = new ArrayList<>();
      while (row.next()) {
        jobs.add(readJob(row));
      }
      return jobs;
    } catch (SQLException e) {
      throw failure("list jobs", e);
    }
  }

  /**
   * Where an interrupted job stands. Reads the job's high-water mark and the sequences stored beyond it, which are
   * few: at most the targets that finished while an earlier one was still being checked.
   */
  public synchronized ResumePoint resume(String jobId) throws StoreException {
    Job job = requireJob(jobId);
    TreeSet<Long> beyond = new TreeSet<>();
    String sql = "SELECT seq FROM scan_result WHERE job_id = ? AND seq >= ? AND seq < ?";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, jobId);
      select.setLong(2, job.highWater());
      select.setLong(3, StoredResult.UNNUMBERED_BASE);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          beyond.add(row.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw failure("read the progress of job " + jobId, e);
    }
    return new ResumePoint(job, job.highWater(), beyond);
  }

  /**
   * Whether a result for this target is stored: for targets outside the reproducible stream (written as
   * {@link StoredResult#UNNUMBERED}). One indexed query per call; numbered targets use {@link ResumePoint#isDone(long)}.
   *
   * @param address the resolved address, or null to match a result whose resolution failed
   */
  public synchronized boolean isDone(String jobId, String host, String address, int port) throws StoreException {
    String sql = "SELECT 1 FROM scan_result WHERE job_id = ? AND host = ? AND port = ? AND "
        + (address == null ? "address IS NULL" : "address = ?");
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, jobId);
      select.setString(2, host);
      select.setInt(3, port);
      if (address != null) {
        select.setString(4, address);
      }
      select.setMaxRows(1);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    } catch (SQLException e) {
      throw failure("look up a result of job " + jobId, e);
    }
  }

  /** A writer with the default batching (every {@value ResultWriter#DEFAULT_BATCH_RESULTS} results or second). */
  public ResultWriter writer(ResumePoint point) throws StoreException {
    return writer(point, ResultWriter.DEFAULT_BATCH_RESULTS, ResultWriter.DEFAULT_BATCH_INTERVAL);
  }

  /** A writer that commits every {@code batchResults} results, and at least every {@code batchInterval}. */
  public ResultWriter writer(ResumePoint point, int batchResults, Duration batchInterval) throws StoreException {
    return new ResultWriter(database, point, batchResults, batchInterval, clock);
  }

  /**
   * Marks a job complete: its target stream was exhausted and every result written (close the writer first).
   *
   * @param targetCount how many targets the stream held
   */
  public synchronized void finish(String jobId, long targetCount) throws StoreException {
    requireJob(jobId);
    String sql = "UPDATE scan_job SET target_count = ?, finished_at_ms = ?, updated_at_ms = ? WHERE job_id = ?";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      long now = now();
      update.setLong(1, targetCount);
      update.setLong(2, now);
      update.setLong(3, now);
      update.setString(4, jobId);
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("finish job " + jobId, e);
    }
  }

  /** Hands every stored result of a job to {@code each}, in stream order, without holding them all in memory. */
  public synchronized void forEachResult(String jobId, Consumer<StoredResult> each) throws StoreException {
    String sql = "SELECT " + RESULT_COLUMNS + " FROM scan_result WHERE job_id = ? ORDER BY seq";
    try {
      // PostgreSQL streams with a cursor only inside a transaction; otherwise it would fetch every row at once.
      connection.setAutoCommit(false);
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setFetchSize(1_000);
        select.setString(1, jobId);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            each.accept(readResult(row));
          }
        }
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("read the results of job " + jobId, e);
    }
  }

  public List<StoredResult> results(String jobId) throws StoreException {
    List<StoredResult> results = new ArrayList<>();
    forEachResult(jobId, results::add);
    return results;
  }

  /** Counts for a report, computed by the database; at most {@code vulnerableLimit} vulnerable results listed. */
  public synchronized JobSummary summarize(String jobId, int vulnerableLimit) throws StoreException {
    Job job = requireJob(jobId);
    try {
      Tally all = new Tally("all", 0, 0, 0);
      String verdicts = "SELECT verdict, COUNT(*) FROM scan_result WHERE job_id = ? GROUP BY verdict";
      try (PreparedStatement select = connection.prepareStatement(verdicts)) {
        select.setString(1, jobId);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            all = all.plus(Verdict.valueOf(row.getString(1)), row.getLong(2));
          }
        }
      }
      List<Tally> byPort = tally(jobId, "port");
      List<Tally> byProtocol = tally(jobId, "protocol");
      List<Tally> byTlsVersion = tally(jobId, "tls_version");
      long leaked = 0;
      long oldCertificates = 0;
      String sums = "SELECT COALESCE(SUM(bytes_leaked), 0),"
          + " SUM(CASE WHEN verdict = 'VULNERABLE' AND cert_issued_after_disclosure = ? THEN 1 ELSE 0 END)"
          + " FROM scan_result WHERE job_id = ?";
      try (PreparedStatement select = connection.prepareStatement(sums)) {
        select.setBoolean(1, false);
        select.setString(2, jobId);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            leaked = row.getLong(1);
            oldCertificates = row.getLong(2);
          }
        }
      }
      List<StoredResult> vulnerable = new ArrayList<>();
      String list = "SELECT " + RESULT_COLUMNS + " FROM scan_result WHERE job_id = ? AND verdict = 'VULNERABLE'"
          + " ORDER BY seq LIMIT ?";
      try (PreparedStatement select = connection.prepareStatement(list)) {
        select.setString(1, jobId);
        select.setInt(2, Math.max(0, vulnerableLimit));
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            vulnerable.add(readResult(row));
          }
        }
      }
      return new JobSummary(job, all, leaked, byPort, byProtocol, byTlsVersion, oldCertificates, vulnerable);
    } catch (SQLException e) {
      throw failure("summarize job " + jobId, e);
    }
  }

  /** Counts per value of one column and verdict; the column name is ours, never the user's. */
  private List<Tally> tally(String jobId, String column) throws SQLException {
    String sql = "SELECT " + column + ", verdict, COUNT(*) FROM scan_result WHERE job_id = ? GROUP BY " + column + ", verdict";
    Map<String, Tally> tallies = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, jobId);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          String key = row.getString(1);
          String shown = key == null || key.isEmpty() ? JobSummary.NONE : key;
          Verdict verdict = Verdict.valueOf(row.getString(2));
          tallies.merge(shown, new Tally(shown, 0, 0, 0).plus(verdict, row.getLong(3)),
              (a, b) -> a.plus(verdict, b.count(verdict)));
        }
      }
    }
    // Largest first; ties by key, numerically for ports, so the order is the same on both engines.
    Comparator<Tally> byKey = column.equals("port")
        ? Comparator.comparingInt(t -> Integer.parseInt(t.key()))
        : Comparator.comparing(Tally::key);
    return tallies.values().stream().sorted(Comparator.comparingLong(Tally::total).reversed().thenComparing(byKey)).toList();
  }

  @Override
  public synchronized void close() throws StoreException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  private long now() {
    return clock.millis();
  }

  private StoreException failure(String what, SQLException e) {
    return new StoreException("cannot " + what + " in database " + name() + ": " + Database.describe(e), e);
  }

  private static Job readJob(ResultSet row) throws SQLException {
    long finished = row.getLong("finished_at_ms");
    Instant finishedAt = row.wasNull() ? null : Instant.ofEpochMilli(finished);
    return new Job(row.getString("job_id"), row.getString("target_spec"), row.getLong("seed"),
        row.getLong("target_count"), row.getLong("high_water"), Instant.ofEpochMilli(row.getLong("created_at_ms")),
        Instant.ofEpochMilli(row.getLong("updated_at_ms")), finishedAt);
  }

  static StoredResult readResult(ResultSet row) throws SQLException {
    StoredCertificate certificate = null;
    String subject = row.getString("cert_subject");
    if (subject != null) {
      certificate = new StoredCertificate(subject, row.getString("cert_issuer"),
          Instant.ofEpochMilli(row.getLong("cert_not_before_ms")), Instant.ofEpochMilli(row.getLong("cert_not_after_ms")),
          row.getBoolean("cert_issued_after_disclosure"));
    }
    return new StoredResult(row.getString("job_id"), row.getLong("seq"), row.getString("target_input"),
        row.getString("host"), row.getInt("port"), row.getString("address"), row.getString("protocol"),
        row.getString("tls_version"), row.getString("cipher"), row.getString("heartbeat_mode"),
        Verdict.valueOf(row.getString("verdict")), row.getString("reason"), row.getLong("bytes_leaked"), certificate,
        row.getLong("elapsed_ms"), Instant.ofEpochMilli(row.getLong("checked_at_ms")));
  }

  /** Binds a result to the 20 parameters of an INSERT over {@link #RESULT_COLUMNS}. */
  static void bind(PreparedStatement insert, StoredResult r) throws SQLException {
    insert.setString(1, r.jobId());
    insert.setLong(2, r.sequence());
    insert.setString(3, r.targetInput());
    insert.setString(4, r.host());
    insert.setInt(5, r.port());
    setText(insert, 6, r.address());
    insert.setString(7, r.protocol());
    setText(insert, 8, r.tlsVersion());
    setText(insert, 9, r.cipher());
    setText(insert, 10, r.heartbeatMode());
    insert.setString(11, r.verdict().name());
    insert.setString(12, r.reason());
    insert.setLong(13, r.bytesLeaked());
    StoredCertificate c = r.certificate();
    if (c == null) {
      insert.setNull(14, Types.VARCHAR);
      insert.setNull(15, Types.VARCHAR);
      insert.setNull(16, Types.BIGINT);
      insert.setNull(17, Types.BIGINT);
      insert.setNull(18, Types.BOOLEAN);
    } else {
      insert.setString(14, c.subject());
      insert.setString(15, c.issuer());
      insert.setLong(16, c.notBefore().toEpochMilli());
      insert.setLong(17, c.notAfter().toEpochMilli());
      insert.setBoolean(18, c.issuedAfterDisclosure());
    }
    insert.setLong(19, r.elapsedMillis());
    insert.setLong(20, r.checkedAt().toEpochMilli());
  }

  private static void setText(PreparedStatement statement, int index, String value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }
}
