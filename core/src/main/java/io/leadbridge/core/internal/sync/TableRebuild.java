package io.leadbridge.core.internal.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A commit that fills an empty embedded state writes its users into a table of its own and swaps it
 * in, rather than inserting them into the users table in the commit's transaction.
 *
 * <p>H2 keeps an undo entry for every row a transaction writes and visits each of them again when
 * it commits; a first commit of a million users spent as long committing as inserting. Here the new
 * table, named after the generation the commit moves to ({@code sync_users_g7}), is filled with
 * auto-commit on, in {@code user_id} order (the external sort's, within a fixed heap: H2's own
 * index build after the rows sorts blocks in memory and runs out of a 64 MB heap at millions of
 * users). Then the commit's one transaction moves the meta row, as any commit does: that is the
 * moment the state changes. The swap (drop the empty users table, rename the new one) follows.
 *
 * <p>A crash before the meta row moved leaves a table whose generation is ahead of the state's:
 * {@link #recover} drops it. A crash after leaves one whose generation is the state's, while the
 * users table is still empty: {@link #recover} finishes the swap. Every run recovers first, under
 * its lease, before it reads the users.
 */
final class TableRebuild {
  private static final Logger LOG = LoggerFactory.getLogger(TableRebuild.class);

  private final StateStore store;

  TableRebuild(StateStore store) {
    this.store = store;
  }

  /** The name of the table a commit to {@code generation} fills. */
  String table(long generation) {
    return store.users + "_g" + generation;
  }

  /** Creates the table a commit to {@code generation} fills, empty. */
  void create(Connection c, long generation) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table(generation));
      s.execute("CREATE TABLE " + table(generation) + " (" + JdbcSyncState.usersColumns() + ")");
    }
  }

  /** Drops the table of a commit that did not happen; quietly, as the commit already failed. */
  void discard(Connection c, long generation) {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table(generation));
    } catch (SQLException e) {
      // the next run's recovery drops it: its generation is ahead of the state's
    }
  }

  /** Replaces the (empty) users table with the one the commit to {@code generation} filled. */
  void swap(Connection c, long generation) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + store.users);
      s.execute("ALTER TABLE " + table(generation) + " RENAME TO " + store.users);
    }
  }

  /**
   * Finishes or drops what a commit left: a table of the state's generation with as many rows as
   * the meta row counts, while the users table is empty, is swapped in; any other is dropped.
   *
   * @param c a connection with auto-commit on, of the run that holds the lease
   * @param generation the state's generation
   * @param users the meta row's user count
   */
  void recover(Connection c, long generation, long users) throws SQLException {
    for (String name : leftOver(c)) {
      long of = generationOf(name);
      boolean committed = of == generation && count(c, name) == users && count(c, store.users) == 0;
      try (Statement s = c.createStatement()) {
        if (committed) {
          swap(c, generation);
          LOG.info("Sync state in {}: finished the commit of generation {}", store.describe(), of);
        } else {
          s.execute("DROP TABLE " + name);
          LOG.info(
              "Sync state in {}: dropped the users of a commit that did not happen",
              store.describe());
        }
      }
    }
  }

  private List<String> leftOver(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = SCHEMA() AND table_name LIKE ?")) {
      p.setString(
          1, (store.users + "_g").toUpperCase(java.util.Locale.ROOT).replace("_", "\\_") + "%");
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1).toLowerCase(java.util.Locale.ROOT);
          if (generationOf(name) >= 0) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  private long generationOf(String name) {
    String digits = name.substring(store.users.length() + 2);
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Long.parseLong(digits);
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
