package io.heartguard.serve;

import java.nio.file.Path;

/** The API contract with the default database: a SQLite file. */
class SqliteApiTest extends ApiContract {
  @Override
  String database(Path directory) {
    return TestDatabases.sqlite(directory);
  }
}
