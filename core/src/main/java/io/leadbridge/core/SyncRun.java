package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.SecureFiles;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.source.UserRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The part of an export that compares users with a {@link SyncState} and merges users that share a
 * key value. Memory stays bounded whatever the number of users:
 *
 * <ol>
 *   <li>While the source is read, each row that would be written goes to a temporary candidates
 *       file in source order, and a small record (user id, fingerprint, key value, position) to an
 *       {@link ExternalSorter}.
 *   <li>The records, sorted by {@code user_id}, are merged with the state's entries (stored in the
 *       same order): each user is new, changed or unchanged, users only in the state are absent,
 *       and the new entries go to a pending file for {@link SyncState#commit}.
 *   <li>The records, sorted by key value with the winner of each group first, decide merges.
 *   <li>The candidates file is read once more and the rows decided on are written, in source order,
 *       into the export's parts.
 * </ol>
 *
 * <p>Beyond the sort buffers, decisions take two bits per candidate row.
 */
final class SyncRun implements Closeable {
  static final int NEW = 0;
  static final int CHANGED = 1;
  static final int UNCHANGED = 2;
  private static final long NO_TIME = Long.MIN_VALUE;
  private static final FieldPath UPDATED_AT = FieldPath.parse("updated_at");
  private static final int REFUSE_LISTED = 5;
  private static final int REFUSE_BUFFER = 64;

  /** A user read, or (index -1) a user rejected this run whose state entry is kept. */
  record SourceRec(
      String userId, long position, int index, long fingerprint, String key, long updatedAt) {}

  /** A user to place in its key group; {@code rank} orders the group's winner first. */
  record KeyRec(String normKey, long rank, long position, int index, String userId, int cls) {}

  private final ExportRun run;
  private final SyncState state;
  private final MergePolicy policy;
  private final int keyIndex;
  private final String keyColumn;
  private final Path dir;
  private final String outputName;
  private final int maxMergesInMemory;
  private final SyncState.Meta base;
  private final String fullRunReason;
  private final MessageDigest sha256;

  private Path candidatesFile;
  private DataOutputStream candidates;
  private int count;
  private ExternalSorter<SourceRec> byUser;
  private ExternalSorter<KeyRec> byKey;
  private boolean finishing;
  private Path pendingFile;
  private boolean keepPending;

  private final BitSet sent = new BitSet();
  private final BitSet notSent = new BitSet();
  private int[] partStarts = new int[4];
  private int partCount;

  private long newUsers;
  private long changedUsers;
  private long unchangedUsers;
  private long absentUsers;
  private long lookupChanges;
  private long merged;
  private final List<Merge> merges = new ArrayList<>();
  private final SideFile mergesOut;
  private final SideFile absentOut;
  private final SideFile lookupOut;

  SyncRun(
      ExportRun run,
      SyncState state,
      MergePolicy policy,
      FieldMapping mapping,
      CsvFormat format,
      String keyColumn,
      Path dir,
      String outputName,
      int maxMergesInMemory,
      long sortBufferBytes)
      throws IOException {
    this.run = run;
    this.state = state;
    this.policy = keyColumn == null ? null : policy;
    this.keyColumn = keyColumn;
    this.keyIndex = keyColumn == null ? -1 : mapping.indexOf(keyColumn);
    this.dir = dir;
    this.outputName = outputName;
    this.maxMergesInMemory = maxMergesInMemory;
    this.mergesOut =
        new SideFile(dir, outputName + ".merges", "position", "user_id", "kept_user_id", "policy");
    this.absentOut =
        new SideFile(dir, outputName + ".absent", "user_id", keyColumn == null ? "key" : keyColumn);
    this.lookupOut = new SideFile(dir, outputName + ".lookup-changes", "user_id", "before", "now");
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    long budget = Math.max(1 << 20, sortBufferBytes / (state != null && policy != null ? 2 : 1));
    if (state != null) {
      this.base = state.meta();
      this.fullRunReason = fullRunReason(base, mapping, format, keyColumn);
      this.byUser =
          new ExternalSorter<>(
              dir,
              outputName,
              Comparator.comparing(SourceRec::userId).thenComparingLong(SourceRec::position),
              SOURCE_CODEC,
              budget);
    } else {
      this.base = SyncState.Meta.EMPTY;
      this.fullRunReason = null;
    }
    if (this.policy != null) {
      this.byKey =
          new ExternalSorter<>(
              dir,
              outputName,
              Comparator.comparing(KeyRec::normKey)
                  .thenComparingLong(KeyRec::rank)
                  .thenComparingLong(KeyRec::position),
              KEY_CODEC,
              budget);
    }
    this.candidatesFile = SecureFiles.createTemp(dir, outputName, ".candidates.tmp");
    this.candidates =
        new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(candidatesFile), 1 << 16));
  }

  private static String fullRunReason(
      SyncState.Meta meta, FieldMapping mapping, CsvFormat format, String keyColumn) {
    if (meta.generation() == 0) {
      return null;
    }
    if (!meta.columns().equals(mapping.header())) {
      return "the columns changed from " + meta.columns() + " to " + mapping.header();
    }
    if (!meta.format().equals(format.toString())) {
      return "the file format changed from " + meta.format() + " to " + format;
    }
    String key = keyColumn == null ? "" : keyColumn;
    if (!meta.keyColumn().equals(key)) {
      return "the key column changed from '" + meta.keyColumn() + "' to '" + key + "'";
    }
    return null;
  }

  /** Whether the merge policy needs each user's {@code updated_at}. */
  boolean needsUpdatedAt() {
    return policy == MergePolicy.MOST_RECENTLY_UPDATED;
  }

  // ------------------------------------------------------------------------------ pass 1

  /**
   * Takes a row that would be written; false if it was rejected here instead (a sync needs a {@code
   * user_id}).
   */
  boolean stage(UserRecord user, List<String> values, byte[] encoded, int length)
      throws IOException {
    String userId = user.userId();
    if (state != null && (userId == null || userId.isEmpty())) {
      run.reject(
          new Rejection(
              user.position(),
              null,
              Rejection.Reason.MISSING_REQUIRED,
              "user_id is missing: a sync tracks users by their user_id"));
      return false;
    }
    if (count == Integer.MAX_VALUE) {
      throw new ExportException(
          "An export against a sync state holds at most " + Integer.MAX_VALUE + " users.");
    }
    int index = count++;
    Binary.writeVarLong(candidates, length);
    candidates.write(encoded, 0, length);
    Binary.writeString(candidates, userId);
    String key = keyIndex < 0 ? "" : values.get(keyIndex);
    Binary.writeString(candidates, key);
    long updatedAt = needsUpdatedAt() ? updatedAt(user) : NO_TIME;
    if (state != null) {
      sha256.update(encoded, 0, length);
      byte[] d = sha256.digest();
      long fp = 0;
      for (int i = 0; i < 8; i++) {
        fp = (fp << 8) | (d[i] & 0xFF);
      }
      byUser.add(new SourceRec(userId, user.position(), index, fp, key, updatedAt));
    } else {
      toKeyStage(key, updatedAt, user.position(), index, userId, NEW);
    }
    return true;
  }

  /** A user that the export rejected: in a sync its state entry stays as it was. */
  void rejected(Rejection r) throws IOException {
    if (finishing || state == null || r.userId() == null || r.userId().isEmpty()) {
      return;
    }
    byUser.add(new SourceRec(r.userId(), r.position(), -1, 0, "", NO_TIME));
  }

  private static long updatedAt(UserRecord user) {
    Object v = user.get(UPDATED_AT);
    if (v instanceof String) {
      try {
        return Instant.parse((String) v).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        return NO_TIME;
      }
    }
    return NO_TIME;
  }

  private void toKeyStage(
      String key, long updatedAt, long position, int index, String userId, int cls)
      throws IOException {
    if (policy != null && !key.isBlank()) {
      long rank =
          policy == MergePolicy.MOST_RECENTLY_UPDATED
              ? (updatedAt == NO_TIME ? Long.MAX_VALUE : -updatedAt)
              : 0;
      byKey.add(new KeyRec(key.toLowerCase(Locale.ROOT), rank, position, index, userId, cls));
    } else {
      decide(index, cls);
    }
  }

  private void decide(int index, int cls) {
    if (cls == UNCHANGED) {
      unchangedUsers++;
      return;
    }
    sent.set(index);
    if (cls == NEW) {
      newUsers++;
    } else {
      changedUsers++;
    }
  }

  // ------------------------------------------------------------------------------ the passes

  /** Compares, merges and writes the rows decided on through {@link ExportRun#append}. */
  void finish() throws IOException {
    finishing = true;
    candidates.close();
    if (state != null) {
      compareWithState();
    }
    if (byKey != null) {
      mergeByKey();
    }
    writeRows();
  }

  private void compareWithState() throws IOException {
    boolean sameKey = base.generation() == 0 || base.keyColumn().equals(keyColumnName());
    pendingFile = state.newPendingFile();
    try (ExternalSorter.Cursor<SourceRec> src = byUser.sorted();
        StateEntries.Reader old = state.openEntries(base);
        StateEntries.Writer pending = new StateEntries.Writer(pendingFile)) {
      SourceRec s = src.next();
      StateEntries.Entry o = old == null ? null : old.next();
      String lastOld = null;
      while (s != null || o != null) {
        int c = s == null ? 1 : o == null ? -1 : s.userId().compareTo(o.userId());
        StateEntries.Entry prev = null;
        if (c >= 0) {
          if (lastOld != null && o.userId().compareTo(lastOld) <= 0) {
            throw new SyncException(
                "The sync state in "
                    + state.directory()
                    + " is out of order, so it is damaged. Restore it from a backup, or delete"
                    + " it to start over with a full run.");
          }
          lastOld = o.userId();
          prev = o;
          o = old.next();
          if (c > 0) {
            absent(prev);
            continue;
          }
        }
        String id = s.userId();
        SourceRec kept = null;
        boolean rejectedNow = false;
        while (s != null && s.userId().equals(id)) {
          if (s.index() < 0) {
            rejectedNow = true;
          } else if (kept == null) {
            kept = s;
          } else {
            run.reject(
                new Rejection(
                    s.position(),
                    id,
                    Rejection.Reason.DUPLICATE_USER_ID,
                    "the same user_id was read at position "
                        + kept.position()
                        + "; only that one is kept"));
          }
          s = src.next();
        }
        if (kept != null) {
          int cls;
          if (prev == null) {
            cls = NEW;
          } else if (fullRunReason != null
              || prev.flag() != 1
              || prev.fingerprint() != kept.fingerprint()) {
            cls = CHANGED;
          } else {
            cls = UNCHANGED;
          }
          if (prev != null
              && sameKey
              && !prev.key().toLowerCase(Locale.ROOT).equals(kept.key().toLowerCase(Locale.ROOT))) {
            lookupChanges++;
            lookupOut.write(id, prev.key(), kept.key());
          }
          pending.write(
              new StateEntries.Entry(id, kept.fingerprint(), kept.key(), cls, kept.index()));
          toKeyStage(kept.key(), kept.updatedAt(), kept.position(), kept.index(), id, cls);
        } else if (prev != null) {
          if (rejectedNow) {
            int flag = fullRunReason != null ? 0 : prev.flag();
            pending.write(new StateEntries.Entry(id, prev.fingerprint(), prev.key(), flag, -1));
          } else {
            absent(prev);
          }
        }
      }
    }
  }

  private String keyColumnName() {
    return keyColumn == null ? "" : keyColumn;
  }

  private void absent(StateEntries.Entry e) throws IOException {
    absentUsers++;
    absentOut.write(e.userId(), e.key());
  }

  private void mergeByKey() throws IOException {
    List<KeyRec> held = new ArrayList<>();
    boolean overflow = false;
    KeyRec first = null;
    try (ExternalSorter.Cursor<KeyRec> c = byKey.sorted()) {
      for (KeyRec r; (r = c.next()) != null; ) {
        if (first != null && r.normKey().equals(first.normKey())) {
          if (policy != MergePolicy.REFUSE) {
            loser(r, first);
          } else if (!overflow && held.size() < REFUSE_BUFFER) {
            held.add(r);
          } else {
            if (!overflow) {
              overflow = true;
              for (KeyRec h : held) {
                rejectDuplicate(h, held, "more than " + REFUSE_BUFFER);
              }
            }
            rejectDuplicate(r, held, "more than " + REFUSE_BUFFER);
          }
          continue;
        }
        if (first != null && policy == MergePolicy.REFUSE && !overflow) {
          endRefusedGroup(held);
        }
        first = r;
        held.clear();
        overflow = false;
        if (policy == MergePolicy.REFUSE) {
          held.add(r);
        } else {
          decide(r.index(), r.cls());
        }
      }
      if (first != null && policy == MergePolicy.REFUSE && !overflow) {
        endRefusedGroup(held);
      }
    }
  }

  private void loser(KeyRec r, KeyRec winner) throws IOException {
    notSent.set(r.index());
    merged++;
    Merge m =
        new Merge(r.position(), emptyToNull(r.userId()), emptyToNull(winner.userId()), policy);
    if (merges.size() < maxMergesInMemory) {
      merges.add(m);
    }
    mergesOut.write(Long.toString(m.position()), nz(m.userId()), nz(m.keptUserId()), policy.name());
  }

  private void endRefusedGroup(List<KeyRec> held) throws IOException {
    if (held.size() == 1) {
      decide(held.get(0).index(), held.get(0).cls());
      return;
    }
    for (KeyRec h : held) {
      rejectDuplicate(h, held, Integer.toString(held.size()));
    }
  }

  private void rejectDuplicate(KeyRec r, List<KeyRec> group, String size) throws IOException {
    notSent.set(r.index());
    List<String> others = new ArrayList<>();
    for (KeyRec g : group) {
      if (g != r && others.size() < REFUSE_LISTED) {
        others.add(
            g.userId() == null || g.userId().isEmpty() ? "position " + g.position() : g.userId());
      }
    }
    run.reject(
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

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private void writeRows() throws IOException {
    if (sent.isEmpty()) {
      return;
    }
    byte[] row = new byte[4096];
    int lastPart = 0;
    try (DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Files.newInputStream(candidatesFile), 1 << 16))) {
      for (int i = 0; i < count; i++) {
        int length = (int) Binary.readVarLong(in);
        if (row.length < length) {
          row = new byte[Math.max(length, row.length * 2)];
        }
        in.readFully(row, 0, length);
        String userId = Binary.readString(in);
        String key = Binary.readString(in);
        if (!sent.get(i)) {
          continue;
        }
        int part = run.append(row, length, userId, key);
        if (part != lastPart) {
          if (partCount == partStarts.length) {
            partStarts = java.util.Arrays.copyOf(partStarts, partCount * 2);
          }
          partStarts[partCount++] = i;
          lastPart = part;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ results

  long rowsUnchanged() {
    return unchangedUsers;
  }

  long rowsMerged() {
    return merged;
  }

  List<Merge> merges() {
    return merges;
  }

  /** Moves the side files into place beside the export; returns the merges file or null. */
  Path publish() throws IOException {
    absentOut.publish();
    lookupOut.publish();
    return mergesOut.publish();
  }

  SyncSummary summary(List<Path> files) {
    if (state == null) {
      return null;
    }
    keepPending = true;
    return new SyncSummary(
        state,
        keyColumnName(),
        base.generation(),
        newUsers,
        changedUsers,
        unchangedUsers,
        absentUsers,
        lookupChanges,
        absentOut.target(),
        lookupOut.target(),
        fullRunReason,
        pendingFile,
        sent,
        notSent,
        java.util.Arrays.copyOf(partStarts, partCount),
        files);
  }

  /** Deletes the temporary files; the pending comparison too unless the export succeeded. */
  @Override
  public void close() {
    closeQuietly(candidates);
    deleteQuietly(candidatesFile);
    if (byUser != null) {
      closeQuietly(byUser);
    }
    if (byKey != null) {
      closeQuietly(byKey);
    }
    mergesOut.discard();
    absentOut.discard();
    lookupOut.discard();
    if (!keepPending) {
      deleteQuietly(pendingFile);
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // cleaning up; the original outcome is what counts
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover temporary file is named so that it is recognised
      }
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static final ExternalSorter.Codec<SourceRec> SOURCE_CODEC =
      new ExternalSorter.Codec<>() {
        @Override
        public void write(DataOutputStream out, SourceRec r) throws IOException {
          Binary.writeString(out, r.userId());
          Binary.writeVarLong(out, r.position());
          Binary.writeVarLong(out, r.index() + 1L);
          out.writeLong(r.fingerprint());
          Binary.writeString(out, r.key());
          out.writeLong(r.updatedAt());
        }

        @Override
        public SourceRec read(DataInputStream in) throws IOException {
          return new SourceRec(
              Binary.readString(in),
              Binary.readVarLong(in),
              (int) (Binary.readVarLong(in) - 1),
              in.readLong(),
              Binary.readString(in),
              in.readLong());
        }

        @Override
        public long heapBytes(SourceRec r) {
          return 56 + 48 + r.userId().length() + 48 + r.key().length();
        }
      };

  private static final ExternalSorter.Codec<KeyRec> KEY_CODEC =
      new ExternalSorter.Codec<>() {
        @Override
        public void write(DataOutputStream out, KeyRec r) throws IOException {
          Binary.writeString(out, r.normKey());
          out.writeLong(r.rank());
          Binary.writeVarLong(out, r.position());
          Binary.writeVarLong(out, r.index());
          Binary.writeString(out, r.userId());
          out.writeByte(r.cls());
        }

        @Override
        public KeyRec read(DataInputStream in) throws IOException {
          return new KeyRec(
              Binary.readString(in),
              in.readLong(),
              Binary.readVarLong(in),
              (int) Binary.readVarLong(in),
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
