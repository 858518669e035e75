package io.leadbridge.core.internal.select;

import io.leadbridge.core.Merge;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.internal.sync.StagedUsers;
import io.leadbridge.core.internal.sync.StateComparison;
import io.leadbridge.core.internal.table.Hash128;
import io.leadbridge.core.internal.table.HashTable;
import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Merges users that share a key value (compared ignoring case), by a {@link MergePolicy}: the
 * members of each group are sorted by key with the group's winner first, the winner is kept and
 * every other member reported as merged into it; under {@link MergePolicy#REFUSE} a group of two or
 * more is rejected whole.
 *
 * <p>Most key values belong to one user, so only groups are sorted: every user with a key value
 * goes into an off-heap {@link HashTable} keyed by the high word of the hash of the value in lower
 * case (the word a sync state keeps of it), which keeps the first user of each value (position,
 * rank, class, where it was staged). A second user of a value marks the group and goes to the sort;
 * at the end, each marked group's first user joins it, its {@code user_id} and key value read from
 * where it was staged, or for an unchanged user from the state. The sort then compares the exact
 * values, so two values sharing a hash stay apart. Memory stays within the sort budget whatever the
 * number of users.
 */
final class KeyMerge {
  private static final int REFUSE_LISTED = 5;
  private static final int REFUSE_BUFFER = 64;
  static final long NO_TIME = Long.MIN_VALUE;

  /**
   * A user to place in its key group; {@code rank} orders the group's winner first; {@code index}
   * is its staged index, -1 for an unchanged user (not staged).
   */
  record KeyRec(String normKey, long rank, long position, int index, String userId, int cls) {}

  /** What the merge decides for the members of groups. */
  interface Decisions {
    /** The user was merged into another, or refused: not written. */
    void drop(KeyRec r) throws IOException;
  }

  /** Where the first users of groups are found. */
  interface Names {
    /** The id and key value of an unchanged user, by its id hash. */
    String[] unchanged(long uidHi, long uidLo) throws IOException;
  }

  // the key table, 40 bytes a record: the key hash's high word; the first user's position, class,
  // whether it was staged and the group mark; its rank; then where it was staged (offset, index),
  // or for an unchanged user its id hash
  private static final int W_FIRST = 1;
  private static final int W_RANK = 2;
  private static final int W_A = 3;
  private static final int W_B = 4;
  private static final int WIDTH = 5;
  private static final long GROUP = 1;
  private static final long STAGED = 1 << 3;
  private static final int POSITION_SHIFT = 4;

  private static final int UNCHANGED = StateComparison.UNCHANGED;

  private final HashTable firsts;
  private long groups;
  private final Path dir;
  private final String outputName;
  private Path unnamedFile;
  private DataOutputStream unnamed;
  private long unnamedCount;

  private final MergePolicy policy;
  private final String keyColumn;
  private final int maxMergesInMemory;
  private final RowSink sink;
  private final ExternalSorter<KeyRec> byKey;
  private final SideFile mergesOut;
  private final List<Merge> merges = new ArrayList<>();
  private long merged;

  KeyMerge(
      MergePolicy policy,
      String keyColumn,
      int maxMergesInMemory,
      RowSink sink,
      Path dir,
      String outputName,
      long sortBufferBytes,
      long expectedUsers)
      throws IOException {
    this.policy = policy;
    this.dir = dir;
    this.outputName = outputName;
    this.keyColumn = keyColumn;
    this.maxMergesInMemory = maxMergesInMemory;
    this.sink = sink;
    this.byKey =
        new ExternalSorter<>(
            dir,
            outputName,
            Comparator.comparing(KeyRec::normKey)
                .thenComparingLong(KeyRec::rank)
                .thenComparingLong(KeyRec::position),
            CODEC,
            sortBufferBytes);
    this.mergesOut =
        new SideFile(dir, outputName + ".merges", "position", "user_id", "kept_user_id", "policy");
    this.firsts =
        new HashTable(
            dir, outputName, 1, WIDTH, Math.max(1 << 16, expectedUsers + expectedUsers / 4));
  }

  /** Sizes the table of key values by the share of the input read ({@link HashTable#growWith}). */
  void growWith(java.util.function.DoubleSupplier readFraction) {
    firsts.growWith(readFraction);
  }

  /** Whether the policy needs each user's {@code updated_at}. */
  boolean needsUpdatedAt() {
    return policy == MergePolicy.MOST_RECENTLY_UPDATED;
  }

  /** A key value as groups compare it: in lower case. */
  static String normalise(String key) {
    return key.toLowerCase(Locale.ROOT);
  }

  /**
   * Places a user with a non-blank key value.
   *
   * @param normKey the key value {@link #normalise}d
   * @param keyHi the high word of its {@link Hash128#hash}
   * @param index its staged index, or -1 when unchanged
   * @param stagedOffset where it was staged, or -1 when unchanged
   */
  void add(
      String normKey,
      long keyHi,
      long updatedAt,
      long position,
      int index,
      String userId,
      int cls,
      long uidHi,
      long uidLo,
      long stagedOffset)
      throws IOException {
    long rank = rank(updatedAt);
    if (placedFirst(keyHi, rank, position, index, cls, uidHi, uidLo, stagedOffset)) {
      return;
    }
    byKey.add(new KeyRec(normKey, rank, position, index, userId, cls));
  }

  /**
   * Places an unchanged user known only by hashes (a source entry left unparsed): the high word of
   * its key value's hash, its id hash and {@code updated_at}. If it is not its key's first user,
   * its id and key value are asked for once the source is read ({@link #unchangedFirsts}) and it
   * joins its group then.
   */
  void addUnchanged(long keyHi, long updatedAt, long position, long uidHi, long uidLo)
      throws IOException {
    long rank = rank(updatedAt);
    if (placedFirst(keyHi, rank, position, -1, UNCHANGED, uidHi, uidLo, -1)) {
      return;
    }
    if (unnamed == null) {
      unnamedFile = OwnerOnlyFiles.createTemp(dir, outputName, ".members.tmp");
      unnamed = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(unnamedFile)));
    }
    unnamed.writeLong(uidHi);
    unnamed.writeLong(uidLo);
    unnamed.writeLong(rank);
    unnamed.writeLong(position);
    unnamedCount++;
  }

  private long rank(long updatedAt) {
    return policy == MergePolicy.MOST_RECENTLY_UPDATED
        ? (updatedAt == NO_TIME ? Long.MAX_VALUE : -updatedAt)
        : 0;
  }

  /**
   * Records a user as the first of its key value, keyed by the high word of the value's hash only
   * (so that users known by that word alone find their group; two values sharing it only make a
   * group the sort splits again); false, and the group marked, if the value had a first user.
   */
  private boolean placedFirst(
      long keyHi,
      long rank,
      long position,
      int index,
      int cls,
      long uidHi,
      long uidLo,
      long stagedOffset)
      throws IOException {
    long s = firsts.findOrAdd(keyHi, 0);
    if (firsts.added()) {
      boolean isStaged = stagedOffset >= 0;
      firsts.set(
          s, W_FIRST, position << POSITION_SHIFT | (isStaged ? STAGED : 0) | (long) cls << 1);
      firsts.set(s, W_RANK, rank);
      firsts.set(s, W_A, isStaged ? stagedOffset : uidHi);
      firsts.set(s, W_B, isStaged ? index : uidLo);
      return true;
    }
    long first = firsts.get(s, W_FIRST);
    if ((first & GROUP) == 0) {
      firsts.set(s, W_FIRST, first | GROUP);
      groups++;
    }
    return false;
  }

  /**
   * Calls back with the id hash of each group's first user that is unchanged (not staged), and of
   * each other member known only by hashes ({@link #addUnchanged}).
   */
  void unchangedFirsts(java.util.function.BiConsumer<Long, Long> wanted) throws IOException {
    if (unnamed != null) {
      unnamed.close();
      try (ByteInput in = ByteInput.open(unnamedFile)) {
        for (long i = 0; i < unnamedCount; i++) {
          long hi = in.readLong();
          long lo = in.readLong();
          in.readLong();
          in.readLong();
          wanted.accept(hi, lo);
        }
      }
    }
    if (groups == 0) {
      return;
    }
    for (long i = 0, n = firsts.capacity(); i < n; i++) {
      if (firsts.used(i) && (firsts.get(i, W_FIRST) & (GROUP | STAGED)) == GROUP) {
        wanted.accept(firsts.get(i, W_A), firsts.get(i, W_B));
      }
    }
  }

  /** Adds the members known only by hashes to their groups, by their names. */
  private void addUnnamed(Names names) throws IOException {
    if (unnamed == null) {
      return;
    }
    try (ByteInput in = ByteInput.open(unnamedFile)) {
      for (long i = 0; i < unnamedCount; i++) {
        long hi = in.readLong();
        long lo = in.readLong();
        long rank = in.readLong();
        long position = in.readLong();
        String[] name = names.unchanged(hi, lo);
        byKey.add(new KeyRec(normalise(name[1]), rank, position, -1, name[0], UNCHANGED));
      }
    }
  }

  /** Adds each group's first user to its group. */
  private void addFirsts(StagedUsers staged, Names names) throws IOException {
    if (groups == 0) {
      return;
    }
    for (long i = 0, n = firsts.capacity(); i < n; i++) {
      if (!firsts.used(i)) {
        continue;
      }
      long first = firsts.get(i, W_FIRST);
      if ((first & GROUP) == 0) {
        continue;
      }
      String userId;
      String key;
      int index;
      if ((first & STAGED) != 0) {
        StagedUsers.Staged u = staged.at(firsts.get(i, W_A));
        userId = u.userId();
        key = u.key();
        index = (int) firsts.get(i, W_B);
      } else {
        String[] name = names.unchanged(firsts.get(i, W_A), firsts.get(i, W_B));
        userId = name[0];
        key = name[1];
        index = -1;
      }
      byKey.add(
          new KeyRec(
              normalise(key),
              firsts.get(i, W_RANK),
              first >>> POSITION_SHIFT,
              index,
              userId,
              (int) (first >>> 1 & 3)));
    }
  }

  /** Decides every group, in key order. */
  void run(StagedUsers staged, Names names, Decisions decisions) throws IOException {
    addFirsts(staged, names);
    firsts.close(); // every group has its first user: the sort decides from here
    addUnnamed(names);
    List<KeyRec> held = new ArrayList<>();
    boolean overflow = false;
    KeyRec first = null;
    try (ExternalSorter.Cursor<KeyRec> c = byKey.sorted()) {
      for (KeyRec r; (r = c.next()) != null; ) {
        if (first != null && r.normKey().equals(first.normKey())) {
          if (policy != MergePolicy.REFUSE) {
            loser(r, first, decisions);
          } else if (!overflow && held.size() < REFUSE_BUFFER) {
            held.add(r);
          } else {
            if (!overflow) {
              overflow = true;
              for (KeyRec h : held) {
                refuse(h, held, "more than " + REFUSE_BUFFER, decisions);
              }
            }
            refuse(r, held, "more than " + REFUSE_BUFFER, decisions);
          }
          continue;
        }
        if (first != null && policy == MergePolicy.REFUSE && !overflow) {
          endRefusedGroup(held, decisions);
        }
        first = r;
        held.clear();
        overflow = false;
        if (policy == MergePolicy.REFUSE) {
          held.add(r);
        }
      }
      if (first != null && policy == MergePolicy.REFUSE && !overflow) {
        endRefusedGroup(held, decisions);
      }
    }
  }

  private void loser(KeyRec r, KeyRec winner, Decisions decisions) throws IOException {
    decisions.drop(r);
    merged++;
    Merge m =
        new Merge(r.position(), emptyToNull(r.userId()), emptyToNull(winner.userId()), policy);
    if (merges.size() < maxMergesInMemory) {
      merges.add(m);
    }
    mergesOut.write(Long.toString(m.position()), nz(m.userId()), nz(m.keptUserId()), policy.name());
  }

  private void endRefusedGroup(List<KeyRec> held, Decisions decisions) throws IOException {
    if (held.size() == 1) {
      return;
    }
    for (KeyRec h : held) {
      refuse(h, held, Integer.toString(held.size()), decisions);
    }
  }

  private void refuse(KeyRec r, List<KeyRec> group, String size, Decisions decisions)
      throws IOException {
    decisions.drop(r);
    List<String> others = new ArrayList<>();
    for (KeyRec g : group) {
      if (g != r && others.size() < REFUSE_LISTED) {
        others.add(
            g.userId() == null || g.userId().isEmpty() ? "position " + g.position() : g.userId());
      }
    }
    sink.reject(
        new Rejection(
            r.position(),
            emptyToNull(r.userId()),
            Rejection.Reason.DUPLICATE_KEY,
            size
                + " users share this value of '"
                + keyColumn
                + "' (also "
                + String.join(", ", others)
                + "); the merge policy REFUSE writes none of them"));
  }

  long merged() {
    return merged;
  }

  List<Merge> merges() {
    return merges;
  }

  /** Moves the merges side file into place; returns it, or {@code null} when nobody merged. */
  Path publish() throws IOException {
    return mergesOut.publish();
  }

  /** Deletes the temporary files. */
  void discard() throws IOException {
    if (unnamed != null) {
      unnamed.close();
    }
    OwnerOnlyFiles.deleteQuietly(unnamedFile);
    firsts.close();
    byKey.close();
    mergesOut.discard();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static final ExternalSorter.Codec<KeyRec> CODEC =
      new ExternalSorter.Codec<>() {
        @Override
        public void write(DataOutputStream out, KeyRec r) throws IOException {
          Binary.writeString(out, r.normKey());
          out.writeLong(r.rank());
          Binary.writeVarLong(out, r.position());
          Binary.writeVarLong(out, r.index() + 1L);
          Binary.writeString(out, r.userId());
          out.writeByte(r.cls());
        }

        @Override
        public KeyRec read(DataInput in) throws IOException {
          return new KeyRec(
              Binary.readString(in),
              in.readLong(),
              Binary.readVarLong(in),
              (int) (Binary.readVarLong(in) - 1),
              Binary.readString(in),
              in.readUnsignedByte());
        }

        @Override
        public long heapBytes(KeyRec r) {
          return 56
              + 48
              + r.normKey().length()
              + 48
              + (r.userId() == null ? 0 : r.userId().length());
        }
      };
}
