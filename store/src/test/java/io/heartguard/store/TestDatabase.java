package io.heartguard.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * An empty database of either engine for one test: a new SQLite file in the test's temporary directory, or a new
 * schema in the PostgreSQL server that bin/start-postgres.sh runs (dropped again on close), so tests never see each
 * other's rows. A PostgreSQL server that does not answer fails the test, unless HEARTGUARD_SKIP_POSTGRES=1.
 */
final class TestDatabase implements AutoCloseable {
  static final String DEFAULT_POSTGRES_URL =
      "jdbc:postgresql://127.0.0.1:55432/heartguard_test?user=heartguard&password=heartguard";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final Database.Engine engine;
  private final String location;
  private final String schema;

  private TestDatabase(Database.Engine engine, String location, String schema) {
    this.engine = engine;
    this.location = location;
    this.schema = schema;
  }

  static TestDatabase create(Database.Engine engine, Path directory) {
    return switch (engine) {
      case SQLITE -> new TestDatabase(engine, directory.resolve("results.db").toString(), null);
      case POSTGRESQL -> {
        // Process id and counter: unique among the test runs sharing the server; a killed run's leftover is dropped.
        String schema = "heartguard_t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
        yield new TestDatabase(engine, postgresUrl() + "&currentSchema=" + schema, schema);
      }
    };
  }

  static String postgresUrl() {
    String url = System.getenv("HEARTGUARD_TEST_POSTGRES_URL");
    return url == null || url.isBlank() ? DEFAULT_POSTGRES_URL : url;
  }

  /** Fails (or, with HEARTGUARD_SKIP_POSTGRES=1, skips) the calling test unless the test server answers. */
  static void requirePostgres() {
    execute("SELECT 1");
  }

  /** The value a user would pass to --db. */
  String location() {
    return location;
  }

  Database.Engine engine() {
    return engine;
  }

  @Override
  public void close() {
    if (schema != null) {
      execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(postgresUrl()); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      String message = "PostgreSQL at " + Database.redact(postgresUrl()) + " did not answer (" + Database.describe(e)
          + "); start it with bin/start-postgres.sh, or set HEARTGUARD_SKIP_POSTGRES=1 to skip these tests";
      Assumptions.assumeFalse("1".equals(System.getenv("HEARTGUARD_SKIP_POSTGRES")), message);
      fail(message, e);
    }
  }
}
