package io.heartguard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The web checker's checks, in the same database and migrations as {@code scan --db} (table web_check, V2). Open
 * with {@link #open(String)}; calls are serialized on one connection, which is plenty for a checker whose checks
 * take seconds each.
 */
public final class WebCheckStore implements AutoCloseable {
  private static final String COLUMNS = "check_id, target_input, host, port, protocol, address, status, verdict,"
      + " result_json, requested_at_ms, finished_at_ms";

  private final Database database;
  private final Connection connection;

  private WebCheckStore(Database database) throws StoreException {
    this.database = database;
    database.migrate();
    this.connection = database.connect();
  }

  /** Opens (creating an empty SQLite file if there is none) and migrates; {@code location} as for --db. */
  public static WebCheckStore open(String location) throws StoreException {
    return new WebCheckStore(Database.locate(location, false));
  }

  public String name() {
    return database.shownName();
  }

  public synchronized void insert(WebCheck check) throws StoreException {
    String sql = "INSERT INTO web_check (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, check.id());
      insert.setString(2, check.targetInput());
      insert.setString(3, check.host());
      insert.setInt(4, check.port());
      insert.setString(5, check.protocol());
      insert.setString(6, check.address());
      insert.setString(7, check.status().word());
      insert.setString(8, check.verdict());
      insert.setString(9, check.resultJson());
      insert.setLong(10, check.requestedAt().toEpochMilli());
      if (check.finishedAt() == null) {
        insert.setNull(11, java.sql.Types.BIGINT);
      } else {
        insert.setLong(11, check.finishedAt().toEpochMilli());
      }
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("store check " + check.id(), e);
    }
  }

  /** queued -> running; a check already finished (interrupted by a stop) stays as it is. */
  public synchronized void markRunning(String id) throws StoreException {
    update("mark check " + id + " running",
        "UPDATE web_check SET status = 'running' WHERE check_id = ? AND status = 'queued'", id);
  }

  /** Stores the finished check's result; returns false when the check was no longer in flight. */
  public synchronized boolean finish(String id, String verdict, String resultJson, Instant finishedAt)
      throws StoreException {
    String sql = "UPDATE web_check SET status = 'done', verdict = ?, result_json = ?, finished_at_ms = ?"
        + " WHERE check_id = ? AND status IN ('queued', 'running')";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, verdict);
      update.setString(2, resultJson);
      update.setLong(3, finishedAt.toEpochMilli());
      update.setString(4, id);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("store the result of check " + id, e);
    }
  }

  /** Marks every check still queued or running as interrupted (a server stopped or died); returns how many. */
  public synchronized int interruptUnfinished(Instant at) throws StoreException {
    String sql = "UPDATE web_check SET status = 'interrupted', finished_at_ms = ? WHERE status IN ('queued', 'running')";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setLong(1, at.toEpochMilli());
      return update.executeUpdate();
    } catch (SQLException e) {
      throw failure("mark unfinished checks interrupted", e);
    }
  }

  public synchronized Optional<WebCheck> find(String id) throws StoreException {
    List<WebCheck> found = select("read check " + id, "SELECT " + COLUMNS + " FROM web_check WHERE check_id = ?", 1, id);
    return found.stream().findFirst();
  }

  /** A host's checks, newest first. */
  public synchronized List<WebCheck> forHost(String host, int limit) throws StoreException {
    return select("read the checks of " + Text.printable(host),
        "SELECT " + COLUMNS + " FROM web_check WHERE host = ? ORDER BY requested_at_ms DESC, check_id", limit, host);
  }

  /** The most recent checks of any host, newest first. */
  public synchronized List<WebCheck> recent(int limit) throws StoreException {
    return select("read recent checks",
        "SELECT " + COLUMNS + " FROM web_check ORDER BY requested_at_ms DESC, check_id", limit);
  }

  /** The newest finished check of this host, port and protocol requested at or after {@code since}, if any. */
  public synchronized Optional<WebCheck> latestDone(String host, int port, String protocol, Instant since)
      throws StoreException {
    String sql = "SELECT " + COLUMNS + " FROM web_check WHERE host = ? AND port = ? AND protocol = ? AND status = 'done'"
        + " AND finished_at_ms >= ? ORDER BY finished_at_ms DESC, check_id";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setMaxRows(1);
      select.setString(1, host);
      select.setInt(2, port);
      select.setString(3, protocol);
      select.setLong(4, since.toEpochMilli());
      return read(select).stream().findFirst();
    } catch (SQLException e) {
      throw failure("look up a recent check of " + Text.printable(host), e);
    }
  }

  @Override
  public synchronized void close() throws StoreException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  private void update(String what, String sql, String id) throws StoreException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, id);
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private List<WebCheck> select(String what, String sql, int limit, String... parameters) throws StoreException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setMaxRows(limit);
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      return read(select);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static List<WebCheck> read(PreparedStatement select) throws SQLException {
    List<WebCheck> checks = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        long finished = row.getLong("finished_at_ms");
        Instant finishedAt = row.wasNull() ? null : Instant.ofEpochMilli(finished);
        checks.add(new WebCheck(row.getString("check_id"), row.getString("target_input"), row.getString("host"),
            row.getInt("port"), row.getString("protocol"), row.getString("address"),
            WebCheck.Status.of(row.getString("status")), row.getString("verdict"), row.getString("result_json"),
            Instant.ofEpochMilli(row.getLong("requested_at_ms")), finishedAt));
      }
    }
    return checks;
  }

  private StoreException failure(String what, SQLException e) {
    return new StoreException("cannot " + what + " in database " + name() + ": " + Database.describe(e), e);
  }
}
