package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.sync.SyncStateInUseException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The store in a PostgreSQL database, for shared and production runs: tables named with a prefix
 * (and optionally a schema) so that several syncs share one database. A run's lease is a
 * session-level advisory lock on its own connection: PostgreSQL releases it when the holder's
 * connection ends, even when the holder dies, so no lease outlives its run. The lease row says who
 * holds it and since when, for the run that is refused.
 */
final class PostgresStore extends StateStore {
  private final DataSource source;
  private final String description;
  private final long lockKey;

  PostgresStore(DataSource source, String prefix, String url) {
    super(Dialect.POSTGRESQL, prefix);
    this.source = source;
    this.description = "PostgreSQL " + JdbcUrls.mask(url) + " (tables " + prefix + "*)";
    this.lockKey = Hash128.hash64("leadbridge-sync:" + prefix);
  }

  @Override
  String describe() {
    return description;
  }

  @Override
  Optional<Path> directory() {
    return Optional.empty();
  }

  @Override
  Connection connect() throws SQLException {
    return source.getConnection();
  }

  /** Serialises the creation of the tables between processes. */
  void lockForSchema(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      p.setLong(1, lockKey + 1);
      p.executeQuery().close();
    }
  }

  @Override
  Lease lease() throws SQLException {
    Connection c = connect();
    try {
      boolean locked;
      try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        p.setLong(1, lockKey);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          locked = rs.getBoolean(1);
        }
      }
      if (!locked) {
        String holder = "";
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT holder, since FROM " + lease + " WHERE id = 1")) {
          if (rs.next() && rs.getString(1) != null) {
            holder = rs.getString(1) + " since " + rs.getObject(2, java.time.OffsetDateTime.class);
          }
        }
        c.close();
        throw new SyncStateInUseException(
            "Another Leadbridge run holds the sync state in "
                + description
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ", so this run did not start and the state is unchanged. Wait for it to end: its"
                + " lease ends with its commit, or with its connection if it died.",
            holder);
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "UPDATE " + lease + " SET holder = ?, since = CURRENT_TIMESTAMP WHERE id = 1")) {
        p.setString(1, holder());
        p.executeUpdate();
      }
    } catch (SQLException | RuntimeException e) {
      if (!c.isClosed()) {
        c.close();
      }
      throw e;
    }
    return new Lease() {
      @Override
      public Connection connection() {
        return c;
      }

      @Override
      public boolean valid() {
        try {
          return c.isValid(10);
        } catch (SQLException e) {
          return false;
        }
      }

      @Override
      public void close() {
        try {
          if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
          }
          try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + lease + " SET holder = NULL, since = NULL WHERE id = 1");
          }
          try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            p.setLong(1, lockKey);
            p.executeQuery().close();
          }
        } catch (SQLException e) {
          // the connection is gone: so is the lock
        } finally {
          try {
            c.close();
          } catch (SQLException e) {
            // nothing left to release
          }
        }
      }
    };
  }
}
