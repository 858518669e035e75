package io.leadbridge.core.internal.sync;

import io.leadbridge.core.Rejection;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Compares the users an export read with a {@link FileSyncState}: the users, sorted by {@code
 * user_id} in bounded memory, are merged with the state's entries (stored in the same order). Each
 * user is new, changed or unchanged; users only in the state are absent; a {@code user_id} read
 * twice is rejected after its first; the new entries go to a pending file that {@link
 * FileSyncState#commit} reads. Users whose key value changed and absent users are listed in side
 * files beside the export. Without a state it only finds the {@code user_id}s read twice.
 */
public final class StateComparison implements AutoCloseable {
  /** A user not in the state. */
  public static final int NEW = 0;

  /** A user whose row differs from the one last confirmed, or was never confirmed. */
  public static final int CHANGED = 1;

  /** A user whose row is the one the target last confirmed. */
  public static final int UNCHANGED = 2;

  /** A user read, or (index -1) a user rejected this run whose state entry is kept. */
  private record SourceRec(
      String userId, long position, int index, long fingerprint, String key, long updatedAt) {}

  /** Where the comparison's outcome goes. */
  public interface Outcome {
    /** A user read once this run, with its class ({@link #NEW}, {@link #CHANGED}, …). */
    void classified(String userId, long position, int index, String key, long updatedAt, int cls)
        throws IOException;

    /** A user rejected by the comparison: a {@code user_id} read again. */
    void rejected(Rejection rejection) throws IOException;
  }

  private final FileSyncState state;
  private final RemovalGuard guard;
  private final FileSyncState.Meta base;
  private final String keyColumn;
  private final String fullRunReason;
  private final ExternalSorter<SourceRec> byUser;
  private final MessageDigest sha256;
  private final SideFile absentOut;
  private final SideFile lookupOut;
  private Path pendingFile;
  private boolean keepPending;
  private long absentUsers;
  private long absentKept;
  private long usersSeen;
  private boolean keepAbsent;
  private long lookupChanges;

  /**
   * Starts a comparison.
   *
   * @param state the state, as an export against it received it; {@code null} to find only the
   *     {@code user_id}s read twice, every user being new
   * @param guard when to refuse an input that would remove too many users
   * @param columns the export's header
   * @param format the export's format
   * @param keyColumn the key column, or {@code null}
   * @param dir where the export and its temporary files go
   * @param outputName the export's file name
   * @param sortBufferBytes the heap the sort may use
   */
  public StateComparison(
      FileSyncState state,
      RemovalGuard guard,
      List<String> columns,
      CsvFormat format,
      String keyColumn,
      Path dir,
      String outputName,
      long sortBufferBytes) {
    this.state = state;
    this.guard = guard;
    this.base = state == null ? FileSyncState.Meta.EMPTY : state.meta();
    this.keyColumn = keyColumn == null ? "" : keyColumn;
    this.fullRunReason = fullRunReason(base, columns, format, this.keyColumn);
    this.byUser =
        new ExternalSorter<>(
            dir,
            outputName,
            Comparator.comparing(SourceRec::userId).thenComparingLong(SourceRec::position),
            CODEC,
            sortBufferBytes);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    this.absentOut =
        new SideFile(dir, outputName + ".absent", "user_id", keyColumn == null ? "key" : keyColumn);
    this.lookupOut = new SideFile(dir, outputName + ".lookup-changes", "user_id", "before", "now");
  }

  private static String fullRunReason(
      FileSyncState.Meta meta, List<String> columns, CsvFormat format, String keyColumn) {
    if (meta.generation() == 0) {
      return null;
    }
    if (!meta.columns().equals(columns)) {
      return "the columns changed from " + meta.columns() + " to " + columns;
    }
    if (!meta.format().equals(format.toString())) {
      return "the file format changed from " + meta.format() + " to " + format;
    }
    if (!meta.keyColumn().equals(keyColumn)) {
      return "the key column changed from '" + meta.keyColumn() + "' to '" + keyColumn + "'";
    }
    return null;
  }

  /** Adds a candidate row: its fingerprint is the first 8 bytes of the SHA-256 of its encoding. */
  public void add(
      String userId,
      long position,
      int index,
      byte[] encoded,
      int length,
      String key,
      long updatedAt)
      throws IOException {
    sha256.update(encoded, 0, length);
    byte[] d = sha256.digest();
    long fp = 0;
    for (int i = 0; i < 8; i++) {
      fp = (fp << 8) | (d[i] & 0xFF);
    }
    byUser.add(new SourceRec(userId, position, index, fp, key, updatedAt));
  }

  /** A user the export rejected: its state entry stays as it was. */
  public void addRejected(String userId, long position) throws IOException {
    byUser.add(new SourceRec(userId, position, -1, 0, "", Long.MIN_VALUE));
  }

  /**
   * Merges the users read with the state's entries, writing the pending comparison.
   *
   * @param outcome where each user's class goes
   * @param entriesRead entries the export read from its source
   * @param malformed entries of the source that could not be read as users
   * @throws MassRemovalException if the guard refuses the input
   */
  public void run(Outcome outcome, long entriesRead, long malformed) throws IOException {
    keepAbsent = malformed > 0 && !guard.allowMassRemoval();
    boolean sameKey = base.generation() == 0 || base.keyColumn().equals(keyColumn);
    pendingFile = state == null ? null : state.newPendingFile();
    try (ExternalSorter.Cursor<SourceRec> src = byUser.sorted();
        StateEntries.Reader old = state == null ? null : state.openEntries(base);
        StateEntries.Writer pending =
            pendingFile == null ? null : new StateEntries.Writer(pendingFile)) {
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
            absent(prev, pending);
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
            outcome.rejected(
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
        if (kept != null || rejectedNow) {
          usersSeen++;
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
          write(
              pending,
              new StateEntries.Entry(id, kept.fingerprint(), kept.key(), cls, kept.index()));
          outcome.classified(id, kept.position(), kept.index(), kept.key(), kept.updatedAt(), cls);
        } else if (prev != null) {
          if (rejectedNow) {
            int flag = fullRunReason != null ? 0 : prev.flag();
            write(pending, new StateEntries.Entry(id, prev.fingerprint(), prev.key(), flag, -1));
          } else {
            absent(prev, pending);
          }
        }
      }
      RemovalCheck.check(guard, base.users(), absentUsers, usersSeen, entriesRead, malformed);
    }
  }

  private static void write(StateEntries.Writer pending, StateEntries.Entry e) throws IOException {
    if (pending != null) {
      pending.write(e);
    }
  }

  /** A user of the state missing from the input: listed, and kept if the input was not clean. */
  private void absent(StateEntries.Entry e, StateEntries.Writer pending) throws IOException {
    absentUsers++;
    absentOut.write(e.userId(), e.key());
    if (keepAbsent) {
      absentKept++;
      int flag = fullRunReason != null ? 0 : e.flag();
      write(pending, new StateEntries.Entry(e.userId(), e.fingerprint(), e.key(), flag, -1));
    }
  }

  /** Moves the side files into place beside the export. */
  public void publish() throws IOException {
    absentOut.publish();
    lookupOut.publish();
  }

  /**
   * The summary an export carries to its commit; from now on the pending file is the commit's.
   *
   * @param sent the candidates written
   * @param notSent the candidates merged into another or refused
   * @param partStarts for each part, the index of its first candidate
   * @param files the export's files
   */
  public Comparison summary(
      long newUsers,
      long changedUsers,
      long unchangedUsers,
      BitSet sent,
      BitSet notSent,
      int[] partStarts,
      List<Path> files) {
    keepPending = true;
    return new Comparison(
        state,
        keyColumn,
        base.generation(),
        newUsers,
        changedUsers,
        unchangedUsers,
        absentUsers,
        absentKept,
        lookupChanges,
        absentOut.target(),
        lookupOut.target(),
        fullRunReason,
        pendingFile,
        sent,
        notSent,
        partStarts,
        files);
  }

  /** Deletes the temporary files, and the pending comparison unless a summary took it. */
  @Override
  public void close() throws IOException {
    try {
      byUser.close();
    } finally {
      absentOut.discard();
      lookupOut.discard();
      if (!keepPending && pendingFile != null) {
        Files.deleteIfExists(pendingFile);
      }
    }
  }

  private static final ExternalSorter.Codec<SourceRec> CODEC =
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
}
