package io.leadbridge.core.internal.sync;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A commit of an export against a {@link JdbcSyncState}, in the one transaction the caller's
 * connection gives it: reads the meta row (locked on PostgreSQL), applies the comparison's
 * operations (absent users deleted, merged users' flags cleared), writes the staged new and changed
 * users with whether the target confirmed them, moves the meta row to the new generation and clears
 * the import journal ({@link BatchJournal}). PostgreSQL takes the users through {@code COPY}, the
 * embedded store through batches of statements ({@link UserWriter}), or, when many users fill an
 * empty state, as a new table swapped in ({@link TableRebuild}). Nothing is committed unless all of
 * it succeeds. One commit, one thread.
 */
final class StateCommit {
  private static final Logger LOG = LoggerFactory.getLogger(SyncState.class);
  private static final int BATCH = JdbcSyncState.BATCH;

  private final StateStore store;

  StateCommit(StateStore store) {
    this.store = store;
  }

  SyncState.Committed apply(
      Connection c, Comparison sync, ExportResult export, ImportConfirmation confirmation)
      throws SQLException, IOException {
    if (rebuilds(c, sync)) {
      return rebuild(c, sync, export, confirmation);
    }
    c.setAutoCommit(false);
    boolean done = false;
    try {
      long[] meta = readMeta(c, sync);
      long generation = meta[0];
      long users = meta[1];
      if (sync.fullRunReason().isPresent()) {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE " + store.users + " SET confirmed = FALSE WHERE confirmed");
        }
      }
      long deleted = applyOps(c, sync);
      long[] counts = applyStaged(c, sync, confirmation, users - deleted);
      SyncState.Committed committed =
          moveMeta(c, sync, export, generation, users - deleted + counts[2], counts);
      done = true;
      return committed;
    } finally {
      if (!done) {
        rollback(c);
      }
      autoCommitOn(c);
    }
  }

  /**
   * Reads the meta row's generation and user count (locking the row on PostgreSQL), in the
   * connection's transaction, and refuses if the generation is not the one the export was made
   * against.
   */
  private long[] readMeta(Connection c, Comparison sync) throws SQLException {
    String lockRow = store.dialect == StateStore.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    long generation;
    long users;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT generation, users FROM " + store.meta + " WHERE id = 1" + lockRow)) {
      rs.next();
      generation = rs.getLong(1);
      users = rs.getLong(2);
    }
    if (generation != sync.baseGeneration()) {
      throw new SyncException(
          "The state moved from generation "
              + sync.baseGeneration()
              + " to "
              + generation
              + " since this export was made: another run committed. Export again against the"
              + " state as it is now.");
    }
    return new long[] {generation, users};
  }

  /**
   * Moves the meta row to the next generation with the export's columns, format and key column,
   * clears the import journal, and commits the connection's transaction: the moment the state
   * changes.
   */
  private SyncState.Committed moveMeta(
      Connection c,
      Comparison sync,
      ExportResult export,
      long generation,
      long total,
      long[] counts)
      throws SQLException {
    long next = generation + 1;
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE "
                + store.meta
                + " SET generation = ?, users = ?, columns_json = ?, format = ?, key_column = ?,"
                + " committed_at = ? WHERE id = 1 AND generation = ?")) {
      p.setLong(1, next);
      p.setLong(2, total);
      p.setString(3, Json.write(export.header()));
      p.setString(4, export.format().toString());
      p.setString(5, sync.keyColumn);
      p.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
      p.setLong(7, generation);
      if (p.executeUpdate() != 1) {
        throw new SyncException("Another run committed during this commit; export again.");
      }
    }
    try (Statement s = c.createStatement()) {
      // what the journal's batches confirmed is now in the state; the rest is sent again
      s.executeUpdate("DELETE FROM " + store.batches);
    }
    c.commit();
    LOG.info(
        "Sync state committed: generation {}, {} users, {} rows confirmed, {} to send again",
        next,
        total,
        counts[0],
        counts[1]);
    return new SyncState.Committed(next, total, counts[0], counts[1]);
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is gone: the database rolls back by itself
    }
  }

  private static void autoCommitOn(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // the connection is gone; the next run opens another
    }
  }

  /**
   * Whether this commit fills an empty embedded state with many users, so that it writes them as a
   * new table ({@link TableRebuild}).
   */
  private boolean rebuilds(Connection c, Comparison sync) throws SQLException {
    if (store.dialect != StateStore.Dialect.H2
        || sync.stagedCount <= SORT_FROM
        || sync.opsCount != 0) {
      return false;
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT generation, users FROM " + store.meta + " WHERE id = 1")) {
      return rs.next() && rs.getLong(1) == sync.baseGeneration() && rs.getLong(2) == 0;
    }
  }

  /**
   * Writes every staged user into a new table, with auto-commit on and in {@code user_id} order,
   * moves the meta row in one transaction, then swaps the table in. Until the meta row moves, the
   * state is as it was; a failure drops the table.
   */
  private SyncState.Committed rebuild(
      Connection c, Comparison sync, ExportResult export, ImportConfirmation confirmation)
      throws SQLException, IOException {
    TableRebuild table = new TableRebuild(store);
    long next = sync.baseGeneration() + 1;
    long[] counts = new long[3];
    SyncState.Committed committed;
    boolean done = false;
    try {
      table.create(c, next);
      try (ExternalSorter<UserWriter.Row> sorter = byUserId(sync);
          UserWriter out = new UserWriter(store, c, table.table(next))) {
        readStaged(sync, confirmation, new java.util.BitSet(), counts, sorter::add);
        doneWithStaged(sync);
        writeSorted(sorter, out);
      }
      c.setAutoCommit(false);
      long[] meta = readMeta(c, sync);
      if (meta[1] != 0) {
        throw new SyncException("Another run committed during this commit; export again.");
      }
      committed = moveMeta(c, sync, export, meta[0], counts[2], counts);
      done = true;
    } finally {
      if (!done) {
        rollback(c);
      }
      autoCommitOn(c);
      if (!done) {
        table.discard(c, next);
      }
    }
    try {
      table.swap(c, next);
    } catch (SQLException e) {
      // committed all the same: the next run's recovery finishes the swap
      LOG.warn(
          "Sync state in {}: generation {} is committed, its table is swapped in by the next run"
              + " ({})",
          store.describe(),
          next,
          SqlErrors.reason(e));
    }
    return committed;
  }

  /**
   * Deletes absent users, clears the flag of unchanged users merged into another, and records the
   * source entry unchanged users were read from this time.
   */
  private long applyOps(Connection c, Comparison sync) throws SQLException, IOException {
    if (sync.opsCount == 0) {
      return 0;
    }
    long deleted = 0;
    try (ByteInput in = ByteInput.open(sync.opsFile);
        PreparedStatement delete =
            c.prepareStatement("DELETE FROM " + store.users + " WHERE user_id = ?");
        PreparedStatement clear =
            c.prepareStatement(
                "UPDATE " + store.users + " SET confirmed = FALSE WHERE user_id = ?");
        PreparedStatement source =
            c.prepareStatement(
                "UPDATE "
                    + store.users
                    + " SET source_hi = ?, source_lo = ?, updated_at = ? WHERE user_id = ?")) {
      int pendingDeletes = 0;
      int pendingClears = 0;
      int pendingSources = 0;
      for (long i = 0; i < sync.opsCount; i++) {
        int op = in.readUnsignedByte();
        String userId = Binary.readString(in);
        if (op == Comparison.OP_SOURCE) {
          source.setLong(1, in.readLong());
          source.setLong(2, in.readLong());
          source.setLong(3, in.readLong());
          source.setString(4, userId);
          source.addBatch();
          if (++pendingSources == BATCH) {
            source.executeBatch();
            pendingSources = 0;
          }
        } else if (op == Comparison.OP_DELETE) {
          delete.setString(1, userId);
          delete.addBatch();
          if (++pendingDeletes == BATCH) {
            deleted += sum(delete.executeBatch());
            pendingDeletes = 0;
          }
        } else {
          clear.setString(1, userId);
          clear.addBatch();
          if (++pendingClears == BATCH) {
            clear.executeBatch();
            pendingClears = 0;
          }
        }
      }
      if (pendingDeletes > 0) {
        deleted += sum(delete.executeBatch());
      }
      if (pendingClears > 0) {
        clear.executeBatch();
      }
      if (pendingSources > 0) {
        source.executeBatch();
      }
    }
    return deleted;
  }

  private static long sum(int[] counts) {
    long n = 0;
    for (int k : counts) {
      n += k == Statement.SUCCESS_NO_INFO ? 1 : Math.max(k, 0);
    }
    return n;
  }

  /** What to do with each staged user as the commit reads them. */
  private interface RowWork {
    void row(UserWriter.Row r) throws SQLException, IOException;
  }

  /**
   * Reads the staged users in order as the commit writes them: whether each was confirmed by the
   * target (asked once per user, on the first pass, and kept in {@code confirmedBits} for the
   * next), and whether it is inserted or updated. On the first pass, adds to {@code counts}:
   * confirmed, unconfirmed, inserted.
   */
  private static void readStaged(
      Comparison sync,
      ImportConfirmation confirmation,
      java.util.BitSet confirmedBits,
      long[] counts,
      RowWork work)
      throws SQLException, IOException {
    try (StagedUsers.Reader in = new StagedUsers.Reader(sync.stagedFile, sync.stagedCount)) {
      for (StagedUsers.Staged s; (s = in.next()) != null; ) {
        boolean ok;
        if (counts == null) {
          ok = confirmedBits.get(s.index());
        } else {
          if (sync.notSent.get(s.index())) {
            ok = false;
          } else {
            Path file = sync.fileOf(s.index());
            ok = file != null && confirmation.confirmed(file, s.userId());
            counts[ok ? 0 : 1]++;
          }
          if (ok) {
            confirmedBits.set(s.index());
          }
        }
        boolean insert = s.cls() == StateComparison.NEW;
        if (insert && counts != null) {
          counts[2]++;
        }
        work.row(
            UserWriter.Row.of(
                s.userId(),
                s.fingerprint(),
                s.key(),
                ok,
                insert,
                s.sourceHi(),
                s.sourceLo(),
                s.updatedAt()));
      }
    }
  }

  /** Above this many staged users, a commit to the embedded store writes them in key order. */
  private static final int SORT_FROM = 20_000;

  /**
   * Writes every staged user: new ones inserted, changed ones updated, confirmed if written and
   * confirmed by the target. Returns {confirmed, unconfirmed, inserted}.
   *
   * <p>PostgreSQL takes them through {@code COPY} ({@link PostgresCopy}): new users straight into
   * the table, changed ones into a temporary table that one {@code UPDATE} then applies. The
   * embedded store takes batches of statements, and many users in {@code user_id} order, the
   * primary key's: an embedded B-tree takes keys in order several times faster than at random.
   */
  private long[] applyStaged(
      Connection c, Comparison sync, ImportConfirmation confirmation, long kept)
      throws SQLException, IOException {
    long[] counts = new long[3];
    if (sync.stagedCount == 0) {
      return counts;
    }
    java.util.BitSet confirmedBits = new java.util.BitSet();
    if (store.dialect == StateStore.Dialect.POSTGRESQL) {
      PostgresCopy copy = PostgresCopy.of(c);
      if (copy != null) {
        copyStaged(c, copy, sync, confirmation, confirmedBits, counts, kept);
        return counts;
      }
    }
    try (ExternalSorter<UserWriter.Row> sorter = byUserId(sync);
        UserWriter out = new UserWriter(store, c, store.users)) {
      boolean sort = store.dialect == StateStore.Dialect.H2 && sync.stagedCount > SORT_FROM;
      readStaged(
          sync,
          confirmation,
          confirmedBits,
          counts,
          r -> {
            if (sort) {
              sorter.add(r);
            } else {
              out.write(r);
            }
          });
      if (sort) {
        doneWithStaged(sync);
        writeSorted(sorter, out);
      }
    }
    return counts;
  }

  /** A sorter of staged users into {@code user_id} order, within 16 MB of heap. */
  private static ExternalSorter<UserWriter.Row> byUserId(Comparison sync) {
    return new ExternalSorter<>(
        sync.stagedFile.getParent(),
        sync.stagedFile.getFileName().toString(),
        java.util.Comparator.comparing(UserWriter.Row::userId),
        UserWriter.Row.CODEC,
        16L << 20);
  }

  /**
   * Deletes the staged users once the sort holds them all, so that the disk does not hold them
   * twice: a commit that fails from here is not tried again, its run is ended ({@link
   * Comparison#release()}) and the users are exported again.
   */
  private static void doneWithStaged(Comparison sync) {
    OwnerOnlyFiles.deleteQuietly(sync.stagedFile);
  }

  private static void writeSorted(ExternalSorter<UserWriter.Row> sorter, UserWriter out)
      throws SQLException, IOException {
    try (ExternalSorter.Cursor<UserWriter.Row> rows = sorter.sorted()) {
      for (UserWriter.Row r; (r = rows.next()) != null; ) {
        out.write(r);
      }
    }
  }

  /**
   * From this many new users, and more new users than kept ones, a commit to PostgreSQL drops the
   * primary key while it copies them and builds it again after (in the same transaction): one sort
   * instead of as many insertions into the index.
   */
  private static final int REBUILD_FROM = 100_000;

  /** The name of the users table's primary key constraint, quoted, or null if it has none. */
  private String primaryKey(Connection c) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'p'")) {
      p.setString(1, store.users);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? '"' + rs.getString(1).replace("\"", "\"\"") + '"' : null;
      }
    }
  }

  private void copyStaged(
      Connection c,
      PostgresCopy copy,
      Comparison sync,
      ImportConfirmation confirmation,
      java.util.BitSet confirmedBits,
      long[] counts,
      long kept)
      throws SQLException, IOException {
    boolean[] updates = {false};
    String primaryKey =
        sync.newUsers() >= REBUILD_FROM && sync.newUsers() > kept ? primaryKey(c) : null;
    try {
      if (primaryKey != null) {
        try (Statement s = c.createStatement()) {
          s.execute("ALTER TABLE " + store.users + " DROP CONSTRAINT " + primaryKey);
        }
      }
      copy.begin(store.users, UserWriter.COLUMN_LIST);
      readStaged(
          sync,
          confirmation,
          confirmedBits,
          counts,
          r -> {
            if (r.insert()) {
              copy.text(r.userId())
                  .number(r.uidHi())
                  .number(r.uidLo())
                  .number(r.fingerprint())
                  .text(r.key())
                  .number(r.keyHash())
                  .bool(r.confirmed())
                  .number(r.sourceHi())
                  .number(r.sourceLo())
                  .number(r.updatedAt())
                  .endRow();
            } else {
              updates[0] = true;
            }
          });
      copy.end();
      if (primaryKey != null) {
        try (Statement s = c.createStatement()) {
          s.execute(
              "ALTER TABLE "
                  + store.users
                  + " ADD CONSTRAINT "
                  + primaryKey
                  + " PRIMARY KEY (user_id)");
        }
      }
      if (!updates[0]) {
        return;
      }
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TEMPORARY TABLE leadbridge_changed (user_id VARCHAR, fingerprint BIGINT,"
                + " key_value VARCHAR, key_hash BIGINT, confirmed BOOLEAN, source_hi BIGINT,"
                + " source_lo BIGINT, updated_at BIGINT) ON COMMIT DROP");
      }
      copy.begin(
          "leadbridge_changed",
          "user_id, fingerprint, key_value, key_hash, confirmed, source_hi, source_lo, updated_at");
      readStaged(
          sync,
          confirmation,
          confirmedBits,
          null,
          r -> {
            if (!r.insert()) {
              copy.text(r.userId())
                  .number(r.fingerprint())
                  .text(r.key())
                  .number(r.keyHash())
                  .bool(r.confirmed())
                  .number(r.sourceHi())
                  .number(r.sourceLo())
                  .number(r.updatedAt())
                  .endRow();
            }
          });
      copy.end();
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE leadbridge_changed"); // so that a few changes are applied by the index
        s.executeUpdate(
            "UPDATE "
                + store.users
                + " AS u SET fingerprint = v.fingerprint, key_value = v.key_value, key_hash ="
                + " v.key_hash, confirmed = v.confirmed, source_hi = v.source_hi, source_lo ="
                + " v.source_lo, updated_at = v.updated_at FROM leadbridge_changed AS v"
                + " WHERE u.user_id = v.user_id");
        s.execute("DROP TABLE leadbridge_changed");
      }
    } finally {
      copy.cancel();
    }
  }
}
