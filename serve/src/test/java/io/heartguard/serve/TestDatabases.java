package io.heartguard.serve;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for the API tests: a SQLite file in a temporary directory, or a fresh schema in the PostgreSQL server
 * named by HEARTGUARD_TEST_POSTGRES_URL (bin/start-postgres.sh prints it; bin/test exports it). Without that
 * variable the PostgreSQL tests are skipped, unless CI=true, where it is a failure; HEARTGUARD_SKIP_POSTGRES=1 skips
 * them, as it does the store's.
 */
final class TestDatabases {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private TestDatabases() {}

  static String sqlite(Path directory) {
    return directory.resolve("serve.db").toString();
  }

  /** A new, empty schema; its --db URL. Drop it with {@link #dropPostgres}. */
  static String postgres(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
    String url = postgresUrl();
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static String newSchemaName() {
    return "heartguard_serve_t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
  }

  static void dropPostgres(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  static String postgresUrl() {
    Assumptions.assumeFalse("1".equals(System.getenv("HEARTGUARD_SKIP_POSTGRES")), "HEARTGUARD_SKIP_POSTGRES=1");
    String url = System.getenv("HEARTGUARD_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("HEARTGUARD_TEST_POSTGRES_URL is not set; CI must run bin/start-postgres.sh and export its URL");
      }
      Assumptions.abort("HEARTGUARD_TEST_POSTGRES_URL is not set; start bin/start-postgres.sh and export its URL");
    }
    return url;
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      fail("PostgreSQL at HEARTGUARD_TEST_POSTGRES_URL did not answer: " + e.getMessage(), e);
    }
  }
}
