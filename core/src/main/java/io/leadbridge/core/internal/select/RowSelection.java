package io.leadbridge.core.internal.select;

import io.leadbridge.core.ExportException;
import io.leadbridge.core.Merge;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.sync.JdbcSyncState;
import io.leadbridge.core.internal.sync.StagedUsers;
import io.leadbridge.core.internal.sync.StateComparison;
import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncSummary;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
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
 *   <li>While the source is read, each user is classified against the state at once (the state is
 *       read into an off-heap table on a second thread when the export begins; until it is there,
 *       the users read and the export's rejections are held in {@link HeldUsers}, then played back
 *       in their order). Unchanged users are only counted and placed in their key group; new and
 *       changed users' rows go to {@link CandidateRows} and their ids, key values and fingerprints
 *       to {@link StagedUsers}.
 *   <li>At the end, the comparison lists absent users and applies the removal guard; the merge
 *       decides the few key groups with more than one user.
 *   <li>The candidates are read once more and the rows not left out are written, in source order,
 *       through the {@link RowSink}.
 * </ol>
 *
 * <p>Beyond the sort buffer, decisions take one bit per staged row. Used once, by one thread.
 */
public final class RowSelection implements Closeable {
  private static final FieldPath UPDATED_AT = FieldPath.parse("updated_at");

  private final RowSink sink;
  private final int keyIndex;
  private final CandidateRows candidates;
  private final StagedUsers staged;
  private final StateComparison comparison;
  private final boolean sync;
  private final KeyMerge merge;
  private boolean finishing;
  private boolean rejecting;
  private boolean summarised;

  private final BitSet notSent = new BitSet();
  private final long[] counts = new long[3];
  private final long[] keyHashes = new long[2];

  /** The most users held back while the state is read, in bytes, before the export waits for it. */
  public static final long MAX_HELD_BYTES = 64L << 20;

  /**
   * Holds every user back until the end, as if the state took longer to read than the source: for
   * tests, which must see exactly the same export either way.
   */
  static volatile boolean holdEveryoneForTests;

  private HeldUsers held;

  /**
   * Starts a selection; against a state, takes its lease and starts reading it.
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
   * @param sortBufferBytes the heap the sort of key groups may use
   * @param entryHashes whether the source hashes its entries, so that the ones the state knows may
   *     be skipped: otherwise the state's entry hashes are not read
   */
  public RowSelection(
      RowSink sink,
      JdbcSyncState state,
      RemovalGuard guard,
      MergePolicy policy,
      List<String> header,
      CsvFormat format,
      String keyColumn,
      Path dir,
      String outputName,
      int maxMergesInMemory,
      long sortBufferBytes,
      boolean entryHashes)
      throws IOException {
    this.sink = sink;
    this.keyIndex = keyColumn == null ? -1 : header.indexOf(keyColumn);
    MergePolicy merging = keyColumn == null ? null : policy;
    this.sync = state != null;
    KeyMerge m = null;
    CandidateRows c = null;
    StagedUsers s = null;
    StateComparison cmp = null;
    try {
      c = new CandidateRows(dir, outputName);
      s = new StagedUsers(dir, outputName);
      // without a state, a comparison against none still finds the user_ids read twice
      cmp =
          state == null && merging == null
              ? null
              : new StateComparison(
                  state, guard, header, format, keyColumn, dir, outputName, entryHashes);
      m =
          merging == null
              ? null
              : new KeyMerge(
                  merging,
                  keyColumn,
                  maxMergesInMemory,
                  sink,
                  dir,
                  outputName,
                  sortBufferBytes,
                  cmp == null ? 0 : cmp.stateUsers());
      if (cmp != null && cmp.loading()) {
        held = new HeldUsers(dir, outputName);
      }
    } catch (IOException | RuntimeException e) {
      if (cmp != null) {
        cmp.close();
      }
      if (m != null) {
        m.discard();
      }
      if (c != null) {
        c.close();
      }
      if (s != null) {
        s.close();
      }
      throw e;
    }
    this.merge = m;
    this.candidates = c;
    this.staged = s;
    this.comparison = cmp;
  }

  /**
   * Lets the tables make their last growth to what the whole input needs, estimated from the share
   * of it read, when they start empty: a first run, or no state (see {@link
   * io.leadbridge.core.internal.table.HashTable#growWith}).
   */
  public void growWith(java.util.function.DoubleSupplier readFraction) {
    if (comparison != null && comparison.stateUsers() > 0) {
      return; // sized for the state's users, which most of the input are
    }
    if (comparison != null) {
      comparison.growWith(readFraction);
    }
    if (merge != null) {
      merge.growWith(readFraction);
    }
  }

  /** Whether each user's {@code updated_at} is needed (to merge by recency). */
  public boolean needsUpdatedAt() {
    return merge != null && merge.needsUpdatedAt();
  }

  /**
   * Takes a row that would be written; false if it was rejected here instead (a sync needs a {@code
   * user_id}).
   */
  public boolean stage(
      UserRecord user,
      List<String> values,
      byte[] encoded,
      int length,
      long sourceHi,
      long sourceLo)
      throws IOException {
    String userId = user.userId();
    String key = keyIndex < 0 ? "" : values.get(keyIndex);
    if (holding()) {
      long updatedAt = needsUpdatedAt() ? updatedAt(user) : KeyMerge.NO_TIME;
      held.stage(
          new HeldUsers.HeldUser(userId, user.position(), key, updatedAt, sourceHi, sourceLo),
          encoded,
          length);
      return !sync || (userId != null && !userId.isEmpty());
    }
    return stage(
        userId, user.position(), key, user, KeyMerge.NO_TIME, sourceHi, sourceLo, encoded, length);
  }

  /** What an entry held unparsed becomes when it is played back. */
  public interface HeldEntry {
    void entry(long hashHi, long hashLo, long position, byte[] bytes, int length)
        throws IOException;
  }

  private HeldEntry entries;

  /**
   * Holds a source entry unparsed, in its place among the users held, while the state that may know
   * it is still being read (see {@link #holding()}): reading it costs less than parsing an entry
   * the state may know, and once the most is held the export waits for the state instead.
   *
   * @param replay what held entries become when played back
   * @return false when nothing is held back (any held before were played back): ask {@link
   *     #skipKnown} now
   */
  public boolean holdEntry(
      long hashHi, long hashLo, long position, byte[] b, int off, int len, HeldEntry replay)
      throws IOException {
    if (!sync || !comparison.mayKnowEntries() || !holding()) {
      return false;
    }
    entries = replay;
    held.entry(hashHi, hashLo, position, b, off, len);
    return true;
  }

  /**
   * Takes a source entry unparsed when the state knows it ({@link StateComparison#skipKnown}): an
   * unchanged user, counted and placed in its key group by the hashes the state keeps. Waits for
   * the state to be read, and plays back what was held meanwhile first. False when the state does
   * not know the entry: it is then parsed as usual.
   *
   * @param sourceHi the entry's hash, seeded with the export's mapping and settings
   */
  public boolean skipKnown(long sourceHi, long sourceLo, long position) throws IOException {
    if (!sync || holdEveryoneForTests || !comparison.mayKnowEntries()) {
      return false;
    }
    release(); // what was held comes first
    if (!comparison.skipKnown(sourceHi, sourceLo, position)) {
      return false;
    }
    counts[StateComparison.UNCHANGED]++;
    if (merge != null) {
      merge.addUnchanged(
          comparison.keyHashOfLast(),
          comparison.updatedAtOfLast(),
          position,
          comparison.uidHi(),
          comparison.uidLo());
    }
    return true;
  }

  /**
   * Takes a rejection the export made while users are held back (see {@link #holding()}), so that
   * it keeps its place among them.
   *
   * @param now true when the rejection must be handled now (it ends the export): the users held are
   *     played back first
   * @return false when the export handles the rejection now, true when it was held
   */
  public boolean held(Rejection r, boolean now) throws IOException {
    if (!holding()) {
      return false;
    }
    if (now) {
      release();
      return false;
    }
    held.reject(r);
    return true;
  }

  /**
   * Whether users read are held back because the state is still being read on its own thread (at
   * most {@link #MAX_HELD_BYTES}); once it is read, or the most is reached, plays them back.
   */
  private boolean holding() throws IOException {
    if (held == null) {
      return false;
    }
    if ((comparison.loading() || holdEveryoneForTests) && held.bytes() < MAX_HELD_BYTES) {
      return true;
    }
    release();
    return false;
  }

  /**
   * Waits for the state, then plays back the users and rejections held, in their order; nothing
   * when none are held.
   */
  public void release() throws IOException {
    if (held == null) {
      return;
    }
    HeldUsers h = held;
    held = null;
    try {
      comparison.awaitLoad();
      h.replay(
          new HeldUsers.Replay() {
            @Override
            public void stage(HeldUsers.HeldUser u, byte[] row, int length) throws IOException {
              RowSelection.this.stage(
                  u.userId(),
                  u.position(),
                  u.key(),
                  null,
                  u.updatedAt(),
                  u.sourceHi(),
                  u.sourceLo(),
                  row,
                  length);
            }

            @Override
            public void entry(long hi, long lo, long position, byte[] bytes, int length)
                throws IOException {
              entries.entry(hi, lo, position, bytes, length);
            }

            @Override
            public void reject(Rejection r) throws IOException {
              sink.reject(r);
            }
          });
    } finally {
      h.close();
    }
  }

  /**
   * Stages a user; its {@code updated_at} from {@code user} if given, else {@code updatedAt}.
   *
   * @return false if it was rejected here instead (a sync needs a {@code user_id})
   */
  private boolean stage(
      String userId,
      long position,
      String key,
      UserRecord user,
      long updatedAtHeld,
      long sourceHi,
      long sourceLo,
      byte[] encoded,
      int length)
      throws IOException {
    boolean tracked = userId != null && !userId.isEmpty();
    if (sync && !tracked) {
      sink.reject(
          new Rejection(
              position,
              null,
              Rejection.Reason.MISSING_REQUIRED,
              "user_id is missing: a sync tracks users by their user_id"));
      return false;
    }
    if (candidates.full()) {
      throw new ExportException(
          "An export against a sync state holds at most " + Integer.MAX_VALUE + " users.");
    }
    boolean classified = comparison != null && tracked;
    boolean grouped = merge != null && !key.isBlank();
    String normKey = null;
    if (classified || grouped) {
      // one hash of the key value for both: the state's key hash is its high word
      normKey = KeyMerge.normalise(key);
      Hash128.hash(normKey, keyHashes);
    }
    int cls = StateComparison.NEW;
    long hi = 0;
    long lo = 0;
    long fp = 0;
    if (classified) {
      cls = comparison.classify(userId, position, encoded, length, keyHashes[0]);
      if (cls == StateComparison.DUPLICATE) {
        Rejection r =
            new Rejection(
                position,
                userId,
                Rejection.Reason.DUPLICATE_USER_ID,
                "the same user_id was read at position "
                    + comparison.firstPosition(staged)
                    + "; only that one is kept");
        rejecting = true;
        try {
          sink.reject(r);
        } finally {
          rejecting = false;
        }
        return true;
      }
      hi = comparison.uidHi();
      lo = comparison.uidLo();
      fp = comparison.fingerprint();
    }
    long updatedAt =
        user == null ? updatedAtHeld : needsUpdatedAt() ? updatedAt(user) : KeyMerge.NO_TIME;
    if (keyIndex >= 0 && key.isBlank()) {
      // a user without a key value is in no group, which the state cannot tell: always parsed
      sourceHi = 0;
      sourceLo = 0;
    }
    if (cls == StateComparison.UNCHANGED) {
      comparison.unchangedFrom(userId, sourceHi, sourceLo, updatedAt);
    }
    int index = -1;
    long offset = -1;
    if (cls != StateComparison.UNCHANGED) {
      index = candidates.add(encoded, length);
      offset =
          staged.add(
              new StagedUsers.Staged(
                  index,
                  tracked ? userId : "",
                  key,
                  fp,
                  cls,
                  position,
                  updatedAt,
                  sourceHi,
                  sourceLo));
      if (comparison != null && tracked) {
        comparison.staged(offset);
      }
    }
    counts[cls]++;
    if (grouped) {
      merge.add(normKey, keyHashes[0], updatedAt, position, index, userId, cls, hi, lo, offset);
    }
    return true;
  }

  /** A user that the export rejected: in a sync its state entry stays as it was. */
  public void rejected(Rejection r) throws IOException {
    if (finishing || rejecting || !sync || r.userId() == null || r.userId().isEmpty()) {
      return;
    }
    comparison.rejected(r.userId());
  }

  private static long updatedAt(UserRecord user) {
    Object v = user.get(UPDATED_AT);
    return v instanceof String ? UpdatedAt.parse((String) v, KeyMerge.NO_TIME) : KeyMerge.NO_TIME;
  }

  /**
   * Compares, merges and writes the rows chosen through the sink.
   *
   * @param entriesRead entries the export read from its source
   * @param malformed entries that could not be read as users
   */
  public void finish(long entriesRead, long malformed) throws IOException {
    release();
    finishing = true;
    candidates.seal();
    staged.seal();
    if (merge != null && sync) {
      merge.unchangedFirsts(comparison::wantName);
    }
    if (comparison != null) {
      comparison.finish(entriesRead, malformed, staged);
    }
    if (merge != null) {
      merge.run(
          staged,
          comparison::name,
          r -> {
            counts[r.cls()]--;
            if (r.index() >= 0) {
              notSent.set(r.index());
            } else {
              comparison.mergedAway(r.userId());
            }
          });
    }
    if (comparison != null) {
      comparison.releaseTables();
    }
    candidates.write(notSent, staged, sink);
  }

  /** Users not written because the target already has their row. */
  public long rowsUnchanged() {
    return counts[StateComparison.UNCHANGED];
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
  public SyncSummary summary(List<Path> files) throws IOException {
    if (!sync) {
      return null;
    }
    SyncSummary s =
        comparison.summary(
            counts[StateComparison.NEW],
            counts[StateComparison.CHANGED],
            counts[StateComparison.UNCHANGED],
            staged,
            notSent,
            candidates.partStarts(),
            files);
    summarised = true;
    return s;
  }

  /** Deletes the temporary files; the staged users too unless a summary took them. */
  @Override
  public void close() {
    if (held != null) {
      held.close();
    }
    candidates.close();
    if (!summarised) {
      staged.close();
    }
    if (comparison != null) {
      comparison.close();
    }
    if (merge != null) {
      try {
        merge.discard();
      } catch (IOException | RuntimeException e) {
        // cleaning up; the original outcome is what counts
      }
    }
  }
}
