package io.heartguard.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One migrated database per engine for a whole test class, opened on first use; tests keep apart by job name.
 * Migrating costs a second or so, and only {@link MigrationTest} is about migrating. Close it in {@code @AfterAll}.
 */
final class SharedStores implements AutoCloseable {
  private final Map<Database.Engine, TestDatabase> databases = new EnumMap<>(Database.Engine.class);
  private final Map<Database.Engine, ResultStore> stores = new EnumMap<>(Database.Engine.class);
  private Path directory;

  synchronized ResultStore store(Database.Engine engine) throws StoreException {
    ResultStore store = stores.get(engine);
    if (store == null) {
      store = ResultStore.open(database(engine).location());
      stores.put(engine, store);
    }
    return store;
  }

  synchronized TestDatabase database(Database.Engine engine) {
    return databases.computeIfAbsent(engine, e -> TestDatabase.create(e, directory()));
  }

  private Path directory() {
    if (directory == null) {
      try {
        directory = Files.createTempDirectory("heartguard-store-test");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return directory;
  }

  @Override
  public synchronized void close() throws IOException {
    for (ResultStore store : stores.values()) {
      store.close();
    }
    for (TestDatabase database : databases.values()) {
      database.close();
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
