package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path directory;

  @Test
  void aPlainFileNameIsASqliteDatabase() throws Exception {
    Path file = directory.resolve("heartguard.db");
    Database database = Database.locate(file.toString(), false);
    assertThat(database.engine()).isEqualTo(Database.Engine.SQLITE);
    assertThat(database.url()).isEqualTo("jdbc:sqlite:" + file);
    assertThat(database.shownName()).isEqualTo(file.toString());
  }

  @Test
  void aSqliteUrlIsShownAsGiven() throws Exception {
    Database database = Database.locate("jdbc:sqlite:" + directory.resolve("x.db"), false);
    assertThat(database.engine()).isEqualTo(Database.Engine.SQLITE);
    assertThat(database.shownName()).isEqualTo("jdbc:sqlite:" + directory.resolve("x.db"));
  }

  @Test
  void aPostgresUrlIsPostgresAndItsPasswordIsHidden() throws Exception {
    Database database = Database.locate("jdbc:postgresql://127.0.0.1:55432/db?user=u&password=p%40ss&ssl=false", false);
    assertThat(database.engine()).isEqualTo(Database.Engine.POSTGRESQL);
    assertThat(database.shownName()).isEqualTo("jdbc:postgresql://127.0.0.1:55432/db?user=u&password=***&ssl=false");
  }

  @Test
  void openingCreatesAMissingSqliteFileButOpeningAnExistingOneDoesNot() throws Exception {
    Path file = directory.resolve("new.db");
    assertThatThrownBy(() -> ResultStore.openExisting(file.toString()))
        .hasMessage("cannot open database " + file + ": no such file");
    assertThat(file).doesNotExist();
    try (ResultStore store = ResultStore.open(file.toString())) {
      assertThat(store.jobs()).isEmpty();
    }
    assertThat(file).exists();
    try (ResultStore store = ResultStore.openExisting(file.toString())) {
      assertThat(store.jobs()).isEmpty();
    }
  }

  @Test
  void aSqliteFileInAMissingDirectoryIsRefusedBeforeTheDriverSeesIt() {
    Path file = directory.resolve("missing/heartguard.db");
    assertThatThrownBy(() -> ResultStore.open(file.toString()))
        .isInstanceOf(StoreException.class)
        .hasMessage("cannot open database " + file + ": directory " + file.getParent() + " does not exist");
  }

  @Test
  void anInMemorySqliteDatabaseIsRefused() {
    assertThatThrownBy(() -> ResultStore.open("jdbc:sqlite::memory:"))
        .hasMessage("cannot open database jdbc:sqlite::memory:: give a file name, not an in-memory database");
  }

  @Test
  void aDirectoryIsNotADatabase() {
    assertThatThrownBy(() -> ResultStore.open(directory.toString()))
        .hasMessage("cannot open database " + directory + ": it is a directory, not a file");
  }

  @Test
  void aFileThatIsNotADatabaseSaysSo() throws Exception {
    Path text = Files.writeString(directory.resolve("notes.txt"), "plain text, not SQLite's header\n".repeat(40));
    assertThatThrownBy(() -> ResultStore.open(text.toString()))
        .hasMessage("cannot open database " + text + ": file opened that is not a database file");
  }

  @Test
  void aRefusedConnectionIsOneLineNamingTheServer() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/x";
    assertThatThrownBy(() -> ResultStore.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessage("cannot open database " + url + ": connection refused");
  }

  @Test
  void aWrongPasswordIsTheServersOwnWords() {
    TestDatabase.requirePostgres();
    String url = TestDatabase.postgresUrl().replaceAll("password=[^&]*", "password=wrong");
    assertThatThrownBy(() -> ResultStore.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open database " + Database.redact(url) + ": ")
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void anUnparsablePostgresUrlIsRefused() {
    assertThatThrownBy(() -> ResultStore.open("jdbc:postgresql://[nope/x"))
        .hasMessageStartingWith("cannot open database jdbc:postgresql://[nope/x: ");
  }

  @Test
  void jobNamesAreLimitedToCharactersThatNeedNoQuoting() {
    assertThat(Job.requireValidId("nightly-2026.03.01_eu:443@ops/team")).isEqualTo("nightly-2026.03.01_eu:443@ops/team");
    assertThatThrownBy(() -> Job.requireValidId("a b")).hasMessage("job name 'a b' has character ' '; use letters, digits and . _ - : @ /");
    assertThatThrownBy(() -> Job.requireValidId("")).hasMessage("a job name needs 1..200 characters, got 0");
    assertThatThrownBy(() -> Job.requireValidId("x".repeat(201))).hasMessage("a job name needs 1..200 characters, got 201");
  }
}
