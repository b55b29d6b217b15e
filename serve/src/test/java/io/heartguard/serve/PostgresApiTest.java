package io.heartguard.serve;

import java.nio.file.Path;

/** The API contract against a real PostgreSQL (HEARTGUARD_TEST_POSTGRES_URL), one fresh schema per test. */
class PostgresApiTest extends ApiContract {
  private String schema;

  @Override
  String database(Path directory) {
    if (schema == null) {
      schema = TestDatabases.newSchemaName();
      return TestDatabases.postgres(schema);
    }
    return TestDatabases.postgresUrl() + (TestDatabases.postgresUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @Override
  void dropDatabase() {
    if (schema != null) {
      TestDatabases.dropPostgres(schema);
      schema = null;
    }
  }
}
