package io.leadbridge.core.internal.sync;

import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncStateInUseException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a {@link JdbcSyncState} keeps its tables: how to connect, the SQL dialect, the table names,
 * and how a run takes the store for itself (its lease). One for the embedded database in a folder
 * ({@link EmbeddedStore}), one for PostgreSQL ({@link PostgresStore}).
 */
abstract class StateStore {
  /** The SQL that differs between engines. */
  enum Dialect {
    H2,
    POSTGRESQL
  }

  final Dialect dialect;
  final String meta;
  final String users;
  final String lease;
  final String batches;

  StateStore(Dialect dialect, String prefix) {
    this.dialect = dialect;
    this.meta = prefix + "meta";
    this.users = prefix + "users";
    this.lease = prefix + "lease";
    this.batches = prefix + "batches";
  }

  /** The column type of a byte array of up to a few megabytes. */
  String bytesType() {
    return dialect == Dialect.POSTGRESQL ? "BYTEA" : "BLOB";
  }

  /**
   * Makes what the run's connection wrote so far durable before the run goes on: nothing for a
   * server database, whose commit is; the embedded database flushes its log on a delay otherwise.
   */
  void sync(Connection c) throws SQLException {}

  /** Names the store in messages and {@code toString()}: never a password. */
  abstract String describe();

  /** The folder of an embedded store. */
  abstract Optional<Path> directory();

  /** A new connection, auto-commit on. */
  abstract Connection connect() throws SQLException;

  /**
   * Takes the store for one run: its connection, held until {@link Lease#close()}.
   *
   * @throws SyncStateInUseException if another run holds it
   */
  abstract Lease lease() throws SQLException;

  /**
   * Gives the space a large commit left behind back to the file system, on the run's connection
   * just before it is released; nothing for a server database, which does it by itself.
   */
  void compact(Connection c) {}

  /** Translates a failure to connect to or use the store, naming the store. */
  SyncException failure(String doing, SQLException e) {
    return new SyncException(
        "Cannot "
            + doing
            + " the sync state in "
            + describe()
            + ": "
            + SqlErrors.reason(e)
            + ". The state is unchanged.",
        SqlErrors.withheld(e));
  }

  /** A run's hold on the store and its connection. */
  interface Lease extends AutoCloseable {
    /** The run's connection. */
    Connection connection();

    /** Whether the hold is still there (the connection alive, the lock held). */
    boolean valid();

    /** Releases the store and closes the connection. */
    @Override
    void close();
  }

  /** The text that says who holds a lease: process, host, since when. */
  static String holder() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "an unknown host";
    }
    return "pid " + ProcessHandle.current().pid() + " on " + host;
  }
}
