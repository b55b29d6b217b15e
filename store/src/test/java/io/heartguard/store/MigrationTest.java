package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrationTest {
  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void migrationsCreateEveryTableOnAnEmptyDatabase(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory)) {
      try (ResultStore store = ResultStore.open(db.location())) {
        assertThat(store.jobs()).isEmpty();
      }
      assertThat(count(db, "SELECT COUNT(*) FROM scan_job")).isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM scan_result")).isZero();
      assertThat(count(db, "SELECT COUNT(*) FROM web_check")).isZero();
      assertThat(appliedMigrations(db)).containsExactly("1", "2");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void openingAgainAppliesNothingAndKeepsTheRows(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory)) {
      try (ResultStore store = ResultStore.open(db.location())) {
        ResumePoint start = store.createJob("kept", "192.0.2.0/24:443", 7);
        try (ResultWriter writer = store.writer(start)) {
          writer.write(Results.vulnerable("kept", 0, "a.example"));
        }
      }
      for (int i = 0; i < 2; i++) {
        try (ResultStore store = ResultStore.open(db.location())) {
          assertThat(store.results("kept")).hasSize(1);
        }
      }
      assertThat(appliedMigrations(db)).containsExactly("1", "2");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void theSchemaRefusesAVerdictThatIsNotOneOfTheThree(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory)) {
      try (ResultStore store = ResultStore.open(db.location())) {
        store.createJob("checked", "x", 1);
      }
      try (Connection connection = Database.locate(db.location(), true).connect(); Statement statement = connection.createStatement()) {
        String insert = "INSERT INTO scan_result (job_id, seq, target_input, host, port, protocol, verdict, reason,"
            + " bytes_leaked, elapsed_ms, checked_at_ms) VALUES ('checked', 0, 'a', 'a', 443, 'tls', 'SAFE', 'r', 0, 0, 0)";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.executeUpdate(insert))
            .isInstanceOf(SQLException.class);
      }
    }
  }

  private static long count(TestDatabase db, String sql) throws Exception {
    try (Connection connection = Database.locate(db.location(), true).connect();
        Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Versions Flyway recorded as applied successfully, in order. */
  private static List<String> appliedMigrations(TestDatabase db) throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection connection = Database.locate(db.location(), true).connect();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT version, success FROM " + Database.HISTORY_TABLE
            + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (row.next()) {
        assertThat(row.getBoolean(2)).as("migration %s succeeded", row.getString(1)).isTrue();
        versions.add(row.getString(1));
      }
    }
    return versions;
  }
}
