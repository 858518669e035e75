package io.leadbridge.core.internal.sync;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncStateInUseException;
import io.leadbridge.core.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncState} kept in a database through JDBC: the embedded store in a folder ({@link
 * EmbeddedStore}) or PostgreSQL ({@link PostgresStore}). Three tables, named with the store's
 * prefix:
 *
 * <ul>
 *   <li>{@code meta}: one row: schema version, generation, user count, and the columns, format and
 *       key column of the last commit;
 *   <li>{@code users}: one row per {@code user_id}: the fingerprint of its row as mapped, its key
 *       value, whether the target confirmed that row, and two hashes the comparison reads instead
 *       of the strings ({@code uid_hi}, {@code uid_lo} of the {@code user_id}, {@code key_hash} of
 *       the key value in lower case), and the 128-bit hash of the source entry the user was read
 *       from ({@code source_hi}, {@code source_lo}, 0 when unknown) with its {@code updated_at}, so
 *       that the next export can leave an entry it already knows unparsed;
 *   <li>{@code lease}: one row: which run holds the state and since when.
 * </ul>
 *
 * <p>An export reads the state once, in bulk, into an off-heap table ({@link StateComparison}); a
 * commit ({@link StateCommit}) writes only what changed, in one transaction that also moves the
 * generation, and refuses if the generation moved since the export. A run holds the store's lease
 * from its export to its commit (or until the state is closed), so a second run at the same time is
 * refused naming the holder. Thread-safe: calls are serialised.
 */
public final class JdbcSyncState implements SyncState {
  private static final Logger LOG = LoggerFactory.getLogger(SyncState.class);

  /** The version of the tables this code reads and writes. */
  static final int SCHEMA_VERSION = 2;

  /** The columns version 2 added to the users table: the hash of each user's source entry. */
  private static final String SOURCE_COLUMNS =
      "source_hi BIGINT NOT NULL DEFAULT 0, source_lo BIGINT NOT NULL DEFAULT 0,"
          + " updated_at BIGINT NOT NULL DEFAULT 0";

  /** Statements per JDBC batch. */
  static final int BATCH = 1000;

  /** The committed state's description. */
  record Meta(long generation, long users, List<String> columns, String format, String keyColumn) {}

  private final StateStore store;
  private StateStore.Lease lease;
  private boolean compact;
  private int runs;
  private boolean closed;

  private JdbcSyncState(StateStore store) {
    this.store = store;
  }

  /** Opens (creating if needed) the embedded state in a folder; see {@link SyncState#open}. */
  public static JdbcSyncState openEmbedded(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    EmbeddedStore store = new EmbeddedStore(dir);
    store.createFolder();
    JdbcSyncState state = new JdbcSyncState(store);
    state.init();
    store.restrictFile();
    LegacyFileState.migrate(dir, state);
    return state;
  }

  /** Opens (creating its tables if needed) a state in PostgreSQL. */
  public static JdbcSyncState openPostgres(DataSource source, String tablePrefix) {
    Objects.requireNonNull(source, "dataSource");
    Objects.requireNonNull(tablePrefix, "tablePrefix");
    if (!tablePrefix.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "A table prefix is lower-case letters, digits and '_', optionally after a schema and a"
              + " dot, such as \"leadbridge_sync_\" or \"marketing.nightly_\".");
    }
    String url;
    try (Connection c = source.getConnection()) {
      url = c.getMetaData().getURL();
      if (!c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres")) {
        throw new IllegalArgumentException(
            "This DataSource connects to "
                + c.getMetaData().getDatabaseProductName()
                + ", not PostgreSQL.");
      }
    } catch (SQLException e) {
      throw new SyncException(
          "Cannot connect to the PostgreSQL database of the sync state: "
              + SqlErrors.reason(e)
              + ". Check the data source (host, port, database, credentials).",
          SqlErrors.withheld(e));
    }
    JdbcSyncState state = new JdbcSyncState(new PostgresStore(source, tablePrefix, url));
    state.init();
    return state;
  }

  StateStore store() {
    return store;
  }

  // ------------------------------------------------------------------ schema

  private void init() {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try {
        if (store instanceof PostgresStore) {
          ((PostgresStore) store).lockForSchema(c);
        }
        createTables(c);
        upgrade(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
      readMeta(c);
    } catch (SyncStateInUseException e) {
      throw e;
    } catch (SQLException e) {
      throw damagedOr("open", e);
    }
  }

  private SyncException damagedOr(String doing, SQLException e) {
    String reason = SqlErrors.reason(e);
    if (reason.contains("damaged")) {
      return new SyncException(
          "The sync state in "
              + store.describe()
              + " cannot be read: its database file is damaged or was cut short. Restore the"
              + " folder from a backup, or delete it to start over with a full run.",
          SqlErrors.withheld(e));
    }
    return store.failure(doing, e);
  }

  /** The users table's columns, as {@code CREATE TABLE} lists them. */
  static String usersColumns() {
    return "user_id VARCHAR PRIMARY KEY, uid_hi BIGINT NOT NULL, uid_lo BIGINT NOT NULL,"
        + " fingerprint BIGINT NOT NULL, key_value VARCHAR NOT NULL, key_hash BIGINT NOT NULL,"
        + " confirmed BOOLEAN NOT NULL, "
        + SOURCE_COLUMNS;
  }

  private void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + store.meta
              + " (id INT PRIMARY KEY, schema_version INT NOT NULL, generation BIGINT NOT NULL,"
              + " users BIGINT NOT NULL, columns_json VARCHAR NOT NULL, format VARCHAR NOT NULL,"
              + " key_column VARCHAR NOT NULL, committed_at TIMESTAMP WITH TIME ZONE)");
      s.execute("CREATE TABLE IF NOT EXISTS " + store.users + " (" + usersColumns() + ")");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + store.lease
              + " (id INT PRIMARY KEY, holder VARCHAR, since TIMESTAMP WITH TIME ZONE)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + store.batches
              + " (target VARCHAR NOT NULL, batch_id BIGINT NOT NULL, generation BIGINT NOT NULL,"
              + " status VARCHAR NOT NULL, row_count INT NOT NULL, fingerprints "
              + store.bytesType()
              + " NOT NULL, recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,"
              + " PRIMARY KEY (target, batch_id))");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + store.meta)) {
        rs.next();
        if (rs.getLong(1) == 0) {
          s.executeUpdate(
              "INSERT INTO "
                  + store.meta
                  + " (id, schema_version, generation, users, columns_json, format, key_column)"
                  + " VALUES (1, "
                  + SCHEMA_VERSION
                  + ", 0, 0, '[]', '', '')");
          s.executeUpdate("INSERT INTO " + store.lease + " (id) VALUES (1)");
        }
      }
    }
  }

  /**
   * Brings a state written by an earlier version up to this one: version 1 had no source entry
   * hashes, so its users get none (each is read in full once more, then gets one).
   */
  private void upgrade(Connection c) throws SQLException {
    int version;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT schema_version FROM " + store.meta + " WHERE id = 1")) {
      if (!rs.next()) {
        return; // readMeta says it is damaged
      }
      version = rs.getInt(1);
    }
    if (version != 1) {
      return;
    }
    try (Statement s = c.createStatement()) {
      for (String column : SOURCE_COLUMNS.split(", ")) {
        s.execute("ALTER TABLE " + store.users + " ADD COLUMN IF NOT EXISTS " + column);
      }
      s.executeUpdate(
          "UPDATE " + store.meta + " SET schema_version = " + SCHEMA_VERSION + " WHERE id = 1");
    }
    LOG.info(
        "Sync state in {} upgraded from schema version 1 to {}", store.describe(), SCHEMA_VERSION);
  }

  Meta readMeta(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT schema_version, generation, users, columns_json, format, key_column FROM "
                    + store.meta
                    + " WHERE id = 1")) {
      if (!rs.next()) {
        throw new SyncException(
            "The sync state in "
                + store.describe()
                + " cannot be read: its meta row is missing, so it is damaged. Restore it from a"
                + " backup, or delete it to start over with a full run.");
      }
      int version = rs.getInt(1);
      if (version > SCHEMA_VERSION) {
        throw new SyncException(
            "The sync state in "
                + store.describe()
                + " was written by a newer Leadbridge (schema version "
                + version
                + "; this one reads up to "
                + SCHEMA_VERSION
                + "). Run the newer version, or restore a backup this one wrote. The state is"
                + " unchanged.");
      }
      List<String> columns = new ArrayList<>();
      try {
        for (Object o : Json.array(Json.parse(rs.getString(4)))) {
          columns.add(String.valueOf(o));
        }
      } catch (RuntimeException e) {
        throw new SyncException(
            "The sync state in "
                + store.describe()
                + " cannot be read: its meta row is damaged. Restore it from a backup, or delete"
                + " it to start over with a full run.",
            e);
      }
      return new Meta(
          rs.getLong(2), rs.getLong(3), List.copyOf(columns), rs.getString(5), rs.getString(6));
    }
  }

  /** The committed state, read now. */
  Meta meta() {
    synchronized (this) {
      if (lease != null && lease.valid()) {
        try {
          return readMeta(lease.connection());
        } catch (SQLException e) {
          throw store.failure("read", e);
        }
      }
    }
    try (Connection c = store.connect()) {
      return readMeta(c);
    } catch (SQLException e) {
      throw damagedOr("read", e);
    }
  }

  @Override
  public Optional<Path> directory() {
    return store.directory();
  }

  @Override
  public String location() {
    return store.describe();
  }

  @Override
  public long generation() {
    return meta().generation();
  }

  @Override
  public long users() {
    return meta().users();
  }

  @Override
  public String toString() {
    return "SyncState[" + store.describe() + "]";
  }

  // ------------------------------------------------------------------ runs and the lease

  /** Work done on the run's connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  /**
   * Starts a run: takes the lease unless this state holds it already, and returns the committed
   * state as the run sees it. Pair with {@link #endRun()}.
   */
  synchronized Meta beginRun() {
    if (closed) {
      throw new IllegalStateException("This sync state is closed: open it again.");
    }
    if (lease != null && !lease.valid()) {
      lease.close();
      lease = null;
    }
    if (lease == null) {
      try {
        lease = store.lease();
      } catch (SQLException e) {
        throw store.failure("take", e);
      }
    }
    runs++;
    try {
      Meta meta = readMeta(lease.connection());
      if (store.dialect == StateStore.Dialect.H2) {
        new TableRebuild(store).recover(lease.connection(), meta.generation(), meta.users());
      }
      return meta;
    } catch (SQLException e) {
      endRun();
      throw damagedOr("read", e);
    } catch (RuntimeException e) {
      endRun();
      throw e;
    }
  }

  /** Ends a run begun by {@link #beginRun()}: the last one releases the lease. */
  synchronized void endRun() {
    runs--;
    if (runs <= 0) {
      runs = 0;
      if (lease != null) {
        if (compact) {
          compact = false;
          store.compact(lease.connection());
        }
        lease.close();
        lease = null;
      }
    }
  }

  /** Runs work on the run's connection; the run must hold the lease. */
  synchronized <T> T onRun(String doing, Work<T> work) {
    if (lease == null) {
      throw new IllegalStateException("no run holds the lease");
    }
    try {
      return work.run(lease.connection());
    } catch (SQLException e) {
      throw store.failure(doing, e);
    } catch (IOException e) {
      throw new SyncException(
          "Cannot " + doing + " the sync state in " + store.describe() + ": " + e.getMessage(), e);
    }
  }

  /** What the bulk read hands over for each user. */
  interface Loaded {
    void user(
        long uidHi,
        long uidLo,
        long fingerprint,
        long keyHash,
        boolean confirmed,
        long sourceHi,
        long sourceLo,
        long updatedAt)
        throws IOException;
  }

  private static final String LOAD_COLUMNS =
      "uid_hi, uid_lo, fingerprint, key_hash, confirmed, source_hi, source_lo, updated_at";

  /**
   * Reads every user of the state once, in bulk, without the strings: from PostgreSQL through a
   * binary {@code COPY} when the connection is pgjdbc's, otherwise through a result set.
   */
  void load(Loaded into) {
    onRun(
        "read",
        c -> {
          boolean auto = c.getAutoCommit();
          c.setAutoCommit(false); // PostgreSQL streams with a cursor only in a transaction
          try {
            PostgresCopy copy =
                store.dialect == StateStore.Dialect.POSTGRESQL ? PostgresCopy.of(c) : null;
            if (copy != null) {
              copy.readLongs(
                  "SELECT uid_hi, uid_lo, fingerprint, key_hash, confirmed::int::bigint,"
                      + " source_hi, source_lo, updated_at FROM "
                      + store.users,
                  8,
                  v -> into.user(v[0], v[1], v[2], v[3], v[4] != 0, v[5], v[6], v[7]));
              return null;
            }
            try (Statement s = c.createStatement()) {
              s.setFetchSize(10_000);
              try (ResultSet rs =
                  s.executeQuery("SELECT " + LOAD_COLUMNS + " FROM " + store.users)) {
                while (rs.next()) {
                  into.user(
                      rs.getLong(1),
                      rs.getLong(2),
                      rs.getLong(3),
                      rs.getLong(4),
                      rs.getBoolean(5),
                      rs.getLong(6),
                      rs.getLong(7),
                      rs.getLong(8));
                }
              }
            }
          } finally {
            c.rollback();
            c.setAutoCommit(auto);
          }
          return null;
        });
  }

  /** What the names pass hands over: the strings of one user. */
  interface Named {
    void user(String userId, String key) throws IOException;
  }

  /** Reads every user's id and key value, in {@code user_id} order. */
  void names(Named into) {
    onRun(
        "read",
        c -> {
          boolean auto = c.getAutoCommit();
          c.setAutoCommit(false);
          try (Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            try (ResultSet rs =
                s.executeQuery(
                    "SELECT user_id, key_value FROM " + store.users + " ORDER BY user_id")) {
              while (rs.next()) {
                into.user(rs.getString(1), rs.getString(2));
              }
            }
          } finally {
            c.rollback();
            c.setAutoCommit(auto);
          }
          return null;
        });
  }

  // ------------------------------------------------------------------ commit

  @Override
  public SyncState.Committed commit(ExportResult export, ImportConfirmation confirmation) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(confirmation, "confirmation");
    SyncSummary summary =
        export
            .sync()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "This export was not made against a sync state: use"
                            + " UserExporter.export(source, output, state)."));
    if (!(summary instanceof Comparison)) {
      throw new IllegalArgumentException("This export's sync summary was not made by Leadbridge.");
    }
    Comparison sync = (Comparison) summary;
    if (sync.state != this) {
      throw new IllegalArgumentException(
          "This export was made against " + sync.state + ", not " + this + ".");
    }
    synchronized (this) {
      if (sync.committed) {
        throw new IllegalStateException("This export has already been committed.");
      }
      if (sync.released) {
        throw new SyncException(
            "This export's run was ended (the state was closed) before its commit; export again.");
      }
      if (lease == null || !lease.valid()) {
        sync.release();
        throw new SyncException(
            "Cannot commit the sync state in "
                + store.describe()
                + ": this run lost its hold on it (the connection to the database ended). The"
                + " state is unchanged; export again.");
      }
      try {
        SyncState.Committed done =
            new StateCommit(store).apply(lease.connection(), sync, export, confirmation);
        long written = sync.stagedCount + sync.opsCount;
        compact = written > 50_000 && written * 10 > done.users();
        sync.committed = true;
        sync.release();
        return done;
      } catch (SQLException e) {
        sync.release();
        throw store.failure("commit", e);
      } catch (IOException e) {
        sync.release();
        throw new SyncException(
            "Cannot commit the sync state in "
                + store.describe()
                + ": "
                + e.getMessage()
                + ". It is unchanged; export again.",
            e);
      }
    }
  }

  /**
   * Writes a whole state at once, for the migration of a file state: every user inserted in one
   * transaction with the meta row.
   */
  void importState(Meta meta, LegacyFileState.Entries entries) throws SQLException, IOException {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try {
        Meta now = readMeta(c);
        if (now.generation() != 0) {
          c.rollback();
          return;
        }
        long n = 0;
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + store.users
                    + " (user_id, uid_hi, uid_lo, fingerprint, key_value, key_hash, confirmed)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          long[] h = new long[2];
          int pending = 0;
          for (LegacyFileState.Entry e; (e = entries.next()) != null; ) {
            io.leadbridge.core.internal.table.Hash128.hash(e.userId(), h);
            insert.setString(1, e.userId());
            insert.setLong(2, h[0]);
            insert.setLong(3, h[1]);
            insert.setLong(4, e.fingerprint());
            insert.setString(5, e.key());
            insert.setLong(6, StateComparison.keyHash(e.key()));
            insert.setBoolean(7, e.confirmed());
            insert.addBatch();
            n++;
            if (++pending == BATCH) {
              insert.executeBatch();
              pending = 0;
            }
          }
          if (pending > 0) {
            insert.executeBatch();
          }
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "UPDATE "
                    + store.meta
                    + " SET generation = ?, users = ?, columns_json = ?, format = ?, key_column = ?,"
                    + " committed_at = ? WHERE id = 1")) {
          p.setLong(1, meta.generation());
          p.setLong(2, n);
          p.setString(3, Json.write(meta.columns()));
          p.setString(4, meta.format());
          p.setString(5, meta.keyColumn());
          p.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
          p.executeUpdate();
        }
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * What the state holds, as text (the meta row's generation, users, columns, format and key
   * column, then each user in {@code user_id} order): for tests and diagnostics, never logged.
   */
  public List<String> contents() {
    try (Connection c = store.connect();
        Statement s = c.createStatement()) {
      List<String> out = new ArrayList<>();
      Meta m = readMeta(c);
      out.add(m.toString());
      try (ResultSet rs =
          s.executeQuery(
              "SELECT user_id, uid_hi, uid_lo, fingerprint, key_value, key_hash, confirmed FROM "
                  + store.users
                  + " ORDER BY user_id")) {
        while (rs.next()) {
          out.add(
              rs.getString(1)
                  + "\t"
                  + rs.getLong(2)
                  + "\t"
                  + rs.getLong(3)
                  + "\t"
                  + rs.getLong(4)
                  + "\t"
                  + rs.getString(5)
                  + "\t"
                  + rs.getLong(6)
                  + "\t"
                  + rs.getBoolean(7));
        }
      }
      return out;
    } catch (SQLException e) {
      throw damagedOr("read", e);
    }
  }

  /** Releases the lease if a run holds it; exports not yet committed can no longer be. */
  @Override
  public synchronized void close() {
    closed = true;
    runs = 0;
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }
}
