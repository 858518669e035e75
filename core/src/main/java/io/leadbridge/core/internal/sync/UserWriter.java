package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.internal.table.Hash128;
import java.io.DataInput;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches of inserts and updates of users, for the embedded database (JDBC batches of single rows:
 * there are no round trips) and for a PostgreSQL connection that cannot be unwrapped to the
 * driver's own for {@code COPY} (each batch one statement over arrays, {@code unnest}: one round
 * trip for thousands of rows).
 */
final class UserWriter implements AutoCloseable {
  /** The users table's columns, in the order a row binds them. */
  static final String COLUMN_LIST =
      "user_id, uid_hi, uid_lo, fingerprint, key_value, key_hash, confirmed, source_hi,"
          + " source_lo, updated_at";

  /** A staged user as the commit writes it. */
  record Row(
      String userId,
      long uidHi,
      long uidLo,
      long fingerprint,
      String key,
      long keyHash,
      boolean confirmed,
      boolean insert,
      long sourceHi,
      long sourceLo,
      long updatedAt) {
    /**
     * A row, with the hashes the state keeps of its {@code user_id} and key value computed here:
     * the staged users and the sort's files do not keep them.
     */
    static Row of(
        String userId,
        long fingerprint,
        String key,
        boolean confirmed,
        boolean insert,
        long sourceHi,
        long sourceLo,
        long updatedAt) {
      long[] h = new long[2];
      Hash128.hash(userId, h);
      return new Row(
          userId,
          h[0],
          h[1],
          fingerprint,
          key,
          StateComparison.keyHash(key),
          confirmed,
          insert,
          sourceHi,
          sourceLo,
          updatedAt);
    }

    /** How a row goes to and comes back from the external sort. */
    static final ExternalSorter.Codec<Row> CODEC =
        new ExternalSorter.Codec<>() {
          @Override
          public void write(java.io.DataOutputStream out, Row r) throws IOException {
            // the hashes of the id and the key value are made again by of(): less to sort
            Binary.writeString(out, r.userId());
            out.writeLong(r.fingerprint());
            Binary.writeString(out, r.key());
            out.writeByte((r.confirmed() ? 1 : 0) | (r.insert() ? 2 : 0));
            out.writeLong(r.sourceHi());
            out.writeLong(r.sourceLo());
            out.writeLong(r.updatedAt());
          }

          @Override
          public Row read(DataInput in) throws IOException {
            String userId = Binary.readString(in);
            long fp = in.readLong();
            String key = Binary.readString(in);
            int flags = in.readUnsignedByte();
            return of(
                userId,
                fp,
                key,
                (flags & 1) != 0,
                (flags & 2) != 0,
                in.readLong(),
                in.readLong(),
                in.readLong());
          }

          @Override
          public long heapBytes(Row r) {
            return 144 + 2L * (r.userId().length() + r.key().length());
          }
        };
  }

  private static final int ARRAY_BATCH = 5000;

  /**
   * Rows per insert statement in the embedded store: H2 takes a statement of many rows in about
   * half the time of as many one-row statements in a batch.
   */
  private static final int ROWS_PER_INSERT = 200;

  /** Parameters per row inserted. */
  private static final int COLUMNS = 10;

  private final Connection c;
  private final boolean arrays;
  private final PreparedStatement insert;
  private final PreparedStatement insertMany;
  private final PreparedStatement update;
  private final List<Row> pendingInserts = new ArrayList<>();
  private final List<Row> pendingUpdates = new ArrayList<>();
  private int updates;

  /** Inserts into {@code table}; updates go to the store's users table. */
  UserWriter(StateStore store, Connection c, String table) throws SQLException {
    this.c = c;
    this.arrays = store.dialect == StateStore.Dialect.POSTGRESQL;
    if (arrays) {
      this.insert =
          c.prepareStatement(
              "INSERT INTO "
                  + table
                  + " ("
                  + COLUMN_LIST
                  + ") SELECT * FROM unnest(?::varchar[], ?::bigint[], ?::bigint[], ?::bigint[],"
                  + " ?::varchar[], ?::bigint[], ?::boolean[], ?::bigint[], ?::bigint[],"
                  + " ?::bigint[])");
      this.update =
          c.prepareStatement(
              "UPDATE "
                  + store.users
                  + " AS u SET fingerprint = v.fp, key_value = v.kv, key_hash = v.kh,"
                  + " confirmed = v.ok, source_hi = v.sh, source_lo = v.sl, updated_at = v.ua"
                  + " FROM unnest(?::varchar[], ?::bigint[], ?::varchar[], ?::bigint[],"
                  + " ?::boolean[], ?::bigint[], ?::bigint[], ?::bigint[])"
                  + " AS v(id, fp, kv, kh, ok, sh, sl, ua) WHERE u.user_id = v.id");
      this.insertMany = null;
      return;
    }
    String into = "INSERT INTO " + table + " (" + COLUMN_LIST + ") VALUES ";
    String tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.insert = c.prepareStatement(into + tuple);
    this.insertMany =
        c.prepareStatement(
            into + String.join(", ", java.util.Collections.nCopies(ROWS_PER_INSERT, tuple)));
    this.update =
        c.prepareStatement(
            "UPDATE "
                + store.users
                + " SET fingerprint = ?, key_value = ?, key_hash = ?, confirmed = ?,"
                + " source_hi = ?, source_lo = ?, updated_at = ? WHERE user_id = ?");
  }

  void write(Row r) throws SQLException {
    if (arrays) {
      List<Row> pending = r.insert() ? pendingInserts : pendingUpdates;
      pending.add(r);
      if (pending.size() == ARRAY_BATCH) {
        flushArrays();
      }
      return;
    }
    if (r.insert()) {
      pendingInserts.add(r);
      if (pendingInserts.size() == ROWS_PER_INSERT) {
        for (int i = 0; i < ROWS_PER_INSERT; i++) {
          bind(insertMany, COLUMNS * i, pendingInserts.get(i));
        }
        insertMany.executeUpdate();
        pendingInserts.clear();
      }
    } else {
      update.setLong(1, r.fingerprint());
      update.setString(2, r.key());
      update.setLong(3, r.keyHash());
      update.setBoolean(4, r.confirmed());
      update.setLong(5, r.sourceHi());
      update.setLong(6, r.sourceLo());
      update.setLong(7, r.updatedAt());
      update.setString(8, r.userId());
      update.addBatch();
      if (++updates == JdbcSyncState.BATCH) {
        update.executeBatch();
        updates = 0;
      }
    }
  }

  private void bind(PreparedStatement p, int at, Row r) throws SQLException {
    p.setString(at + 1, r.userId());
    p.setLong(at + 2, r.uidHi());
    p.setLong(at + 3, r.uidLo());
    p.setLong(at + 4, r.fingerprint());
    p.setString(at + 5, r.key());
    p.setLong(at + 6, r.keyHash());
    p.setBoolean(at + 7, r.confirmed());
    p.setLong(at + 8, r.sourceHi());
    p.setLong(at + 9, r.sourceLo());
    p.setLong(at + 10, r.updatedAt());
  }

  private void flushArrays() throws SQLException {
    if (!pendingInserts.isEmpty()) {
      List<Row> rows = pendingInserts;
      insert.setArray(1, c.createArrayOf("varchar", rows.stream().map(Row::userId).toArray()));
      insert.setArray(2, c.createArrayOf("bigint", rows.stream().map(Row::uidHi).toArray()));
      insert.setArray(3, c.createArrayOf("bigint", rows.stream().map(Row::uidLo).toArray()));
      insert.setArray(4, c.createArrayOf("bigint", rows.stream().map(Row::fingerprint).toArray()));
      insert.setArray(5, c.createArrayOf("varchar", rows.stream().map(Row::key).toArray()));
      insert.setArray(6, c.createArrayOf("bigint", rows.stream().map(Row::keyHash).toArray()));
      insert.setArray(7, c.createArrayOf("boolean", rows.stream().map(Row::confirmed).toArray()));
      insert.setArray(8, c.createArrayOf("bigint", rows.stream().map(Row::sourceHi).toArray()));
      insert.setArray(9, c.createArrayOf("bigint", rows.stream().map(Row::sourceLo).toArray()));
      insert.setArray(10, c.createArrayOf("bigint", rows.stream().map(Row::updatedAt).toArray()));
      insert.executeUpdate();
      rows.clear();
    }
    if (!pendingUpdates.isEmpty()) {
      List<Row> rows = pendingUpdates;
      update.setArray(1, c.createArrayOf("varchar", rows.stream().map(Row::userId).toArray()));
      update.setArray(2, c.createArrayOf("bigint", rows.stream().map(Row::fingerprint).toArray()));
      update.setArray(3, c.createArrayOf("varchar", rows.stream().map(Row::key).toArray()));
      update.setArray(4, c.createArrayOf("bigint", rows.stream().map(Row::keyHash).toArray()));
      update.setArray(5, c.createArrayOf("boolean", rows.stream().map(Row::confirmed).toArray()));
      update.setArray(6, c.createArrayOf("bigint", rows.stream().map(Row::sourceHi).toArray()));
      update.setArray(7, c.createArrayOf("bigint", rows.stream().map(Row::sourceLo).toArray()));
      update.setArray(8, c.createArrayOf("bigint", rows.stream().map(Row::updatedAt).toArray()));
      update.executeUpdate();
      rows.clear();
    }
  }

  /** Sends what is left, then closes. */
  @Override
  public void close() throws SQLException {
    try {
      if (arrays) {
        flushArrays();
      } else {
        for (Row r : pendingInserts) {
          bind(insert, 0, r);
          insert.addBatch();
        }
        if (!pendingInserts.isEmpty()) {
          insert.executeBatch();
        }
        if (updates > 0) {
          update.executeBatch();
        }
      }
    } finally {
      insert.close();
      update.close();
      if (insertMany != null) {
        insertMany.close();
      }
    }
  }
}
