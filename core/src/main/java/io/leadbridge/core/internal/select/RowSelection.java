package io.leadbridge.core.internal.select;

import io.leadbridge.core.ExportException;
import io.leadbridge.core.Merge;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.sync.FileSyncState;
import io.leadbridge.core.internal.sync.StateComparison;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncSummary;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.BitSet;
import java.util.List;

/**
 * The part of an export that holds rows back until every user is read, then chooses which to write:
 * against a sync state only new and changed users ({@link StateComparison}), of users sharing a key
 * value only one ({@link KeyMerge}), and of users read twice with one {@code user_id} only the
 * first (the comparison does it, against no state when merging only). Memory stays bounded whatever
 * the number of users:
 *
 * <ol>
 *   <li>While the source is read, each row that would be written goes to {@link CandidateRows}, and
 *       a small record of it to the comparison (sorted by {@code user_id}) or the merge (sorted by
 *       key).
 *   <li>The comparison classifies each user against the state and passes it on to the merge.
 *   <li>The merge keeps each key group's winner.
 *   <li>The candidates are read once more and the rows chosen are written, in source order, through
 *       the {@link RowSink}.
 * </ol>
 *
 * <p>Beyond the sort buffers, decisions take two bits per candidate row. Used once, by one thread.
 */
public final class RowSelection implements Closeable {
  private static final FieldPath UPDATED_AT = FieldPath.parse("updated_at");

  private final RowSink sink;
  private final int keyIndex;
  private final CandidateRows candidates;
  private final StateComparison comparison;
  private final boolean sync;
  private final KeyMerge merge;
  private boolean finishing;

  private final BitSet sent = new BitSet();
  private final BitSet notSent = new BitSet();
  private long newUsers;
  private long changedUsers;
  private long unchangedUsers;

  /**
   * Starts a selection.
   *
   * @param sink where chosen rows and rejections go
   * @param state the state to compare with, or {@code null} to merge only
   * @param guard when to refuse an input that would remove too many users from the state
   * @param policy how to merge users sharing a key value, or {@code null} not to merge
   * @param header the export's columns
   * @param format the export's format
   * @param keyColumn the key column, or {@code null} when the mapping has none
   * @param dir where the export and its temporary files go
   * @param outputName the export's file name
   * @param maxMergesInMemory how many merges to hold in memory
   * @param sortBufferBytes the heap the sorts may use, shared between them
   */
  public RowSelection(
      RowSink sink,
      FileSyncState state,
      RemovalGuard guard,
      MergePolicy policy,
      List<String> header,
      CsvFormat format,
      String keyColumn,
      Path dir,
      String outputName,
      int maxMergesInMemory,
      long sortBufferBytes)
      throws IOException {
    this.sink = sink;
    this.keyIndex = keyColumn == null ? -1 : header.indexOf(keyColumn);
    MergePolicy merging = keyColumn == null ? null : policy;
    long budget = Math.max(1 << 20, sortBufferBytes / (merging != null ? 2 : 1));
    // without a state, a comparison against none still finds the user_ids read twice
    this.sync = state != null;
    this.comparison =
        state == null && merging == null
            ? null
            : new StateComparison(state, guard, header, format, keyColumn, dir, outputName, budget);
    this.merge =
        merging == null
            ? null
            : new KeyMerge(merging, keyColumn, maxMergesInMemory, sink, dir, outputName, budget);
    this.candidates = new CandidateRows(dir, outputName);
  }

  /** Whether each user's {@code updated_at} is needed (to merge by recency). */
  public boolean needsUpdatedAt() {
    return merge != null && merge.needsUpdatedAt();
  }

  /**
   * Takes a row that would be written; false if it was rejected here instead (a sync needs a {@code
   * user_id}).
   */
  public boolean stage(UserRecord user, List<String> values, byte[] encoded, int length)
      throws IOException {
    String userId = user.userId();
    boolean tracked = userId != null && !userId.isEmpty();
    if (sync && !tracked) {
      sink.reject(
          new Rejection(
              user.position(),
              null,
              Rejection.Reason.MISSING_REQUIRED,
              "user_id is missing: a sync tracks users by their user_id"));
      return false;
    }
    if (candidates.full()) {
      throw new ExportException(
          "An export against a sync state holds at most " + Integer.MAX_VALUE + " users.");
    }
    String key = keyIndex < 0 ? "" : values.get(keyIndex);
    int index = candidates.add(encoded, length, userId, key);
    long updatedAt = needsUpdatedAt() ? updatedAt(user) : KeyMerge.NO_TIME;
    if (comparison != null && tracked) {
      comparison.add(userId, user.position(), index, encoded, length, key, updatedAt);
    } else {
      toMerge(userId, user.position(), index, key, updatedAt, StateComparison.NEW);
    }
    return true;
  }

  /** A user that the export rejected: in a sync its state entry stays as it was. */
  public void rejected(Rejection r) throws IOException {
    if (finishing || !sync || r.userId() == null || r.userId().isEmpty()) {
      return;
    }
    comparison.addRejected(r.userId(), r.position());
  }

  private static long updatedAt(UserRecord user) {
    Object v = user.get(UPDATED_AT);
    if (v instanceof String) {
      try {
        return Instant.parse((String) v).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        return KeyMerge.NO_TIME;
      }
    }
    return KeyMerge.NO_TIME;
  }

  private void toMerge(String userId, long position, int index, String key, long updatedAt, int cls)
      throws IOException {
    if (merge != null && !key.isBlank()) {
      merge.add(key, updatedAt, position, index, userId, cls);
    } else {
      keep(index, cls);
    }
  }

  private void keep(int index, int cls) {
    if (cls == StateComparison.UNCHANGED) {
      unchangedUsers++;
      return;
    }
    sent.set(index);
    if (cls == StateComparison.NEW) {
      newUsers++;
    } else {
      changedUsers++;
    }
  }

  /**
   * Compares, merges and writes the rows chosen through the sink.
   *
   * @param entriesRead entries the export read from its source
   * @param malformed entries that could not be read as users
   */
  public void finish(long entriesRead, long malformed) throws IOException {
    finishing = true;
    candidates.seal();
    if (comparison != null) {
      comparison.run(
          new StateComparison.Outcome() {
            @Override
            public void classified(
                String userId, long position, int index, String key, long updatedAt, int cls)
                throws IOException {
              toMerge(userId, position, index, key, updatedAt, cls);
            }

            @Override
            public void rejected(Rejection rejection) throws IOException {
              sink.reject(rejection);
            }
          },
          entriesRead,
          malformed);
    }
    if (merge != null) {
      merge.run(
          new KeyMerge.Decisions() {
            @Override
            public void keep(int index, int cls) {
              RowSelection.this.keep(index, cls);
            }

            @Override
            public void drop(int index) {
              notSent.set(index);
            }
          });
    }
    candidates.write(sent, sink);
  }

  /** Users not written because the target already has their row. */
  public long rowsUnchanged() {
    return unchangedUsers;
  }

  /** Users not written because another user with their key value was. */
  public long rowsMerged() {
    return merge == null ? 0 : merge.merged();
  }

  /** The merges held in memory. */
  public List<Merge> merges() {
    return merge == null ? List.of() : merge.merges();
  }

  /** Moves the side files into place beside the export; returns the merges file or null. */
  public Path publish() throws IOException {
    if (sync) {
      comparison.publish();
    }
    return merge == null ? null : merge.publish();
  }

  /** The comparison with the state, for the export's result; {@code null} without a state. */
  public SyncSummary summary(List<Path> files) {
    if (!sync) {
      return null;
    }
    return comparison.summary(
        newUsers, changedUsers, unchangedUsers, sent, notSent, candidates.partStarts(), files);
  }

  /** Deletes the temporary files; the pending comparison too unless a summary took it. */
  @Override
  public void close() {
    candidates.close();
    if (comparison != null) {
      closeQuietly(comparison);
    }
    if (merge != null) {
      try {
        merge.discard();
      } catch (IOException | RuntimeException e) {
        // cleaning up; the original outcome is what counts
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // cleaning up; the original outcome is what counts
    }
  }
}
