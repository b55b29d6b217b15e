package io.heartguard.store;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PSQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteException;

/**
 * Where results live, as the user named it: a file name or {@code jdbc:sqlite:FILE} (embedded SQLite), or a
 * {@code jdbc:postgresql://HOST[:PORT]/DATABASE} URL. Opens connections and applies the migrations; turns every
 * driver failure into a one-line {@link StoreException} that names the database with any password removed.
 */
final class Database {
  enum Engine { SQLITE, POSTGRESQL }

  static final String SQLITE_PREFIX = "jdbc:sqlite:";
  static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
  /** Flyway's bookkeeping table, named so it cannot clash with another application's Flyway in a shared database. */
  static final String HISTORY_TABLE = "heartguard_schema_history";
  static final String MIGRATIONS = "classpath:io/heartguard/store/migration";
  /** A writer and a report may use one SQLite file at once; the loser of a lock race waits this long. */
  private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  /**
   * Flyway logs through java.util.logging when no other logging library is present, and chats at INFO on stderr;
   * its failures reach us as exceptions, which is what the user sees. Held here so the setting is not collected.
   */
  private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

  static {
    FLYWAY_LOG.setLevel(Level.OFF);
  }

  private final Engine engine;
  private final String url;
  private final String shownName;
  private final DataSource dataSource;

  private Database(Engine engine, String url, String shownName, DataSource dataSource) {
    this.engine = engine;
    this.url = url;
    this.shownName = shownName;
    this.dataSource = dataSource;
  }

  /**
   * Parses a --db value. With {@code mustExist}, a SQLite file that is not there is an error instead of a new empty
   * database (a report must not leave an empty file behind a typo).
   */
  static Database locate(String location, boolean mustExist) throws StoreException {
    if (location == null || location.isBlank()) {
      throw new StoreException("no database given: expected a file name, jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE");
    }
    if (location.startsWith(POSTGRESQL_PREFIX)) {
      return postgresql(location);
    }
    if (location.startsWith("jdbc:") && !location.startsWith(SQLITE_PREFIX)) {
      throw new StoreException("cannot open database " + redact(location) + ": unsupported kind of database;"
          + " expected a file name, jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE");
    }
    return sqlite(location.startsWith(SQLITE_PREFIX) ? location : SQLITE_PREFIX + location, location, mustExist);
  }

  private static Database sqlite(String url, String shownName, boolean mustExist) throws StoreException {
    String file = url.substring(SQLITE_PREFIX.length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      // Every connection would get its own private database; the writer and the reader must share one file.
      throw new StoreException("cannot open database " + shownName + ": give a file name, not an in-memory database");
    }
    Path path = Path.of(file).toAbsolutePath();
    Path directory = path.getParent();
    if (directory != null && !Files.isDirectory(directory)) {
      throw new StoreException("cannot open database " + shownName + ": directory " + directory + " does not exist");
    }
    if (Files.isDirectory(path)) {
      throw new StoreException("cannot open database " + shownName + ": it is a directory, not a file");
    }
    if (mustExist && !Files.exists(path)) {
      throw new StoreException("cannot open database " + shownName + ": no such file");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL); // readers do not block the writer, nor it them
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL); // WAL + NORMAL: a crash loses at most the last commit
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl(url);
    return new Database(Engine.SQLITE, url, shownName, source);
  }

  private static Database postgresql(String url) throws StoreException {
    PGSimpleDataSource source = new PGSimpleDataSource();
    try {
      source.setUrl(url);
    } catch (IllegalArgumentException e) {
      throw new StoreException("cannot open database " + redact(url)
          + ": not a PostgreSQL URL (expected jdbc:postgresql://HOST[:PORT]/DATABASE[?user=...&password=...])");
    }
    source.setApplicationName("heartguard");
    if (!url.contains("reWriteBatchedInserts=")) {
      source.setReWriteBatchedInserts(true); // a batch travels as multi-row INSERTs, not one round trip per row
    }
    return new Database(Engine.POSTGRESQL, url, redact(url), source);
  }

  Engine engine() {
    return engine;
  }

  String url() {
    return url;
  }

  /** The name to show the user: as given, with any password replaced by ***. */
  String shownName() {
    return shownName;
  }

  Connection connect() throws StoreException {
    try {
      return dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw new StoreException("cannot open database " + shownName + ": " + describe(e), e);
    }
  }

  /** Applies the migrations that are not applied yet (none, usually); safe to run from several processes at once. */
  void migrate() throws StoreException {
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(dataSource)
          .locations(MIGRATIONS)
          .table(HISTORY_TABLE)
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      // A driver failure (server down, not a database file, no permission) is a database that cannot be opened;
      // anything else is Flyway refusing the schema it found, such as an edited migration.
      SQLException sql = find(e, SQLException.class);
      throw sql != null
          ? new StoreException("cannot open database " + shownName + ": " + describe(sql), e)
          : new StoreException("cannot use database " + shownName + ": " + firstLine(String.valueOf(e.getMessage())), e);
    }
  }

  /** What a user can act on, in one line: the network cause when there is one, else the server's own words. */
  static String describe(Throwable e) {
    if (find(e, ConnectException.class) != null) {
      return "connection refused";
    }
    UnknownHostException unknownHost = find(e, UnknownHostException.class);
    if (unknownHost != null) {
      return "unknown host " + unknownHost.getMessage();
    }
    if (find(e, NoRouteToHostException.class) != null) {
      return "no route to host";
    }
    if (find(e, SocketTimeoutException.class) != null) {
      return "timed out";
    }
    PSQLException postgres = find(e, PSQLException.class);
    if (postgres != null && postgres.getServerErrorMessage() != null && postgres.getServerErrorMessage().getMessage() != null) {
      return postgres.getServerErrorMessage().getMessage();
    }
    SQLiteException sqlite = find(e, SQLiteException.class);
    if (sqlite != null) {
      String message = sqlite.getResultCode().message;
      return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    return firstLine(e.getMessage() != null ? e.getMessage() : e.toString());
  }

  static String redact(String url) {
    return PASSWORD.matcher(url).replaceAll("$1***");
  }

  private static String firstLine(String s) {
    int end = s.indexOf('\n');
    return (end < 0 ? s : s.substring(0, end)).strip();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
