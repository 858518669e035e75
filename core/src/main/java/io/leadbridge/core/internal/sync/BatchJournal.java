package io.leadbridge.core.internal.sync;

import io.leadbridge.core.ExportResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The import journal kept in a sync state's database, for an export made against the state and not
 * yet committed: which batches a target accepted for the rows of this generation of the state, the
 * status each reached, and the fingerprint of every row each carries (the first 8 bytes of the
 * SHA-256 of the row as uploaded, packed in one column per batch). A run on any machine that
 * exports the same rows again, after a run that crashed before its commit, finds their batches
 * here: it waits on them instead of sending the rows again.
 *
 * <p>Each call is one statement on the run's connection, made durable before it returns. Batches
 * recorded against an earlier generation are ignored and dropped; a commit clears the journal in
 * its own transaction, since the state then records what the batches confirmed. Used by one thread
 * at a time, under the state's lock.
 */
public final class BatchJournal {
  /** A batch's status when it was accepted and not yet seen finished. */
  public static final String ACCEPTED = "ACCEPTED";

  /**
   * A batch recorded in the journal.
   *
   * @param batchId the target's id of the batch
   * @param status {@link #ACCEPTED} or the finished batch's state, e.g. {@code COMPLETE}
   * @param rows how many rows it carries
   */
  public record Batch(long batchId, String status, int rows) {}

  /** Receives the fingerprints of the rows of the batches read. */
  public interface Rows {
    /**
     * One row.
     *
     * @param batch the index of its batch in the list {@link #read} returns
     * @param fingerprint the row's fingerprint
     */
    void row(int batch, long fingerprint) throws IOException;
  }

  private final Comparison run;
  private final JdbcSyncState state;
  private final StateStore store;

  private BatchJournal(Comparison run) {
    this.run = run;
    this.state = run.state;
    this.store = run.state.store();
  }

  /**
   * The journal of an export's run: present when the export was made against a sync state and its
   * run has not ended (committed, or the state closed).
   *
   * @param export an export
   * @return the journal, or empty
   */
  public static Optional<BatchJournal> of(ExportResult export) {
    return export
        .sync()
        .filter(Comparison.class::isInstance)
        .map(Comparison.class::cast)
        .filter(c -> c.state != null && !c.committed && !c.released)
        .map(BatchJournal::new);
  }

  /** Where the journal is kept, for messages: the state's location, without secrets. */
  public String location() {
    return store.describe();
  }

  /**
   * Reads the batches recorded for a target against this run's generation of the state, in the
   * order they were accepted, handing the fingerprints of their rows to {@code rows}; drops those
   * recorded against an earlier generation.
   *
   * @param target the target's name, e.g. {@code marketo-leads}
   * @param rows receives each row's fingerprint
   * @return the batches
   */
  public List<Batch> read(String target, Rows rows) {
    return state.onRun(
        "read the import journal of",
        c -> {
          try (PreparedStatement drop =
              c.prepareStatement("DELETE FROM " + store.batches + " WHERE generation <> ?")) {
            drop.setLong(1, run.baseGeneration());
            drop.executeUpdate();
          }
          List<Batch> batches = new ArrayList<>();
          try (PreparedStatement read =
              c.prepareStatement(
                  "SELECT batch_id, status, row_count, fingerprints FROM "
                      + store.batches
                      + " WHERE target = ? AND generation = ? ORDER BY recorded_at, batch_id")) {
            read.setString(1, target);
            read.setLong(2, run.baseGeneration());
            try (ResultSet rs = read.executeQuery()) {
              while (rs.next()) {
                Batch b = new Batch(rs.getLong(1), rs.getString(2), rs.getInt(3));
                ByteBuffer packed = ByteBuffer.wrap(rs.getBytes(4));
                if (packed.remaining() != 8L * b.rows()) {
                  throw new SQLException(
                      "the import journal's batch " + b.batchId() + " is damaged");
                }
                int index = batches.size();
                batches.add(b);
                while (packed.hasRemaining()) {
                  rows.row(index, packed.getLong());
                }
              }
            }
          }
          return batches;
        });
  }

  /**
   * Records that the target accepted a batch carrying rows, before the run goes on.
   *
   * @param target the target's name
   * @param batchId the batch's id
   * @param fingerprints the fingerprints of its rows, the first {@code count} of the array
   * @param count how many rows
   */
  public void accepted(String target, long batchId, long[] fingerprints, int count) {
    ByteBuffer packed = ByteBuffer.allocate(8 * count);
    for (int i = 0; i < count; i++) {
      packed.putLong(fingerprints[i]);
    }
    state.onRun(
        "record an accepted batch in",
        c -> {
          // a batch id the target gave before (another instance, an id reused) is replaced
          c.setAutoCommit(false);
          try (PreparedStatement replaced =
                  c.prepareStatement(
                      "DELETE FROM " + store.batches + " WHERE target = ? AND batch_id = ?");
              PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO "
                          + store.batches
                          + " (target, batch_id, generation, status, row_count, fingerprints,"
                          + " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, target);
            insert.setLong(2, batchId);
            insert.setLong(3, run.baseGeneration());
            insert.setString(4, ACCEPTED);
            insert.setInt(5, count);
            insert.setBytes(6, packed.array());
            insert.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
            replaced.setString(1, target);
            replaced.setLong(2, batchId);
            replaced.executeUpdate();
            insert.executeUpdate();
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          store.sync(c);
          return null;
        });
  }

  /**
   * Records the status a batch reached.
   *
   * @param target the target's name
   * @param batchId the batch's id
   * @param status its final state, e.g. {@code COMPLETE} or {@code FAILED}
   */
  public void finished(String target, long batchId, String status) {
    state.onRun(
        "record a finished batch in",
        c -> {
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE "
                      + store.batches
                      + " SET status = ? WHERE target = ? AND batch_id = ? AND generation = ?")) {
            update.setString(1, status);
            update.setString(2, target);
            update.setLong(3, batchId);
            update.setLong(4, run.baseGeneration());
            update.executeUpdate();
          }
          store.sync(c);
          return null;
        });
  }

  @Override
  public String toString() {
    return "BatchJournal[" + store.describe() + "]";
  }
}
