package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.sync.SyncSummary;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SyncSummary} of an export made against a {@link JdbcSyncState}, holding what its
 * commit needs: the staged users (each with its fingerprint and key value), the operations on users
 * not staged (absent users to delete, unchanged users merged into another), which staged users were
 * not written, and which part each written one went to. It holds the state's lease until it is
 * committed or its state is closed. Counts are fixed at construction; {@code committed} turns true
 * once, under the state's lock.
 */
public final class Comparison implements SyncSummary {
  static final int OP_DELETE = 1;
  static final int OP_CLEAR = 2;

  /** An unchanged user read from another source entry: its entry hash and {@code updated_at}. */
  static final int OP_SOURCE = 3;

  private final long baseGeneration;
  private final long newUsers;
  private final long changedUsers;
  private final long unchangedUsers;
  private final long absentUsers;
  private final long absentUsersKept;
  private final long lookupChanges;
  private final Path absentFile;
  private final Path lookupChangesFile;
  private final String fullRunReason;

  // What commit needs; never exposed.
  final JdbcSyncState state;
  final String keyColumn;
  final Path stagedFile;
  final int stagedCount;
  final Path opsFile;
  final long opsCount;
  final BitSet notSent;
  final int[] partStarts;
  final List<Path> files;
  volatile boolean committed;
  volatile boolean released;

  Comparison(
      JdbcSyncState state,
      String keyColumn,
      long baseGeneration,
      long newUsers,
      long changedUsers,
      long unchangedUsers,
      long absentUsers,
      long absentUsersKept,
      long lookupChanges,
      Path absentFile,
      Path lookupChangesFile,
      String fullRunReason,
      Path stagedFile,
      int stagedCount,
      Path opsFile,
      long opsCount,
      BitSet notSent,
      int[] partStarts,
      List<Path> files) {
    this.state = state;
    this.keyColumn = keyColumn;
    this.baseGeneration = baseGeneration;
    this.newUsers = newUsers;
    this.changedUsers = changedUsers;
    this.unchangedUsers = unchangedUsers;
    this.absentUsers = absentUsers;
    this.absentUsersKept = absentUsersKept;
    this.lookupChanges = lookupChanges;
    this.absentFile = absentFile;
    this.lookupChangesFile = lookupChangesFile;
    this.fullRunReason = fullRunReason;
    this.stagedFile = stagedFile;
    this.stagedCount = stagedCount;
    this.opsFile = opsFile;
    this.opsCount = opsCount;
    this.notSent = notSent;
    this.partStarts = partStarts;
    this.files = List.copyOf(files);
  }

  /** Ends this export's run: deletes its files and lets the state release its lease. */
  void release() {
    if (released) {
      return;
    }
    released = true;
    OwnerOnlyFiles.deleteQuietly(stagedFile);
    OwnerOnlyFiles.deleteQuietly(opsFile);
    if (state != null) {
      state.endRun();
    }
  }

  @Override
  public long baseGeneration() {
    return baseGeneration;
  }

  @Override
  public long newUsers() {
    return newUsers;
  }

  @Override
  public long changedUsers() {
    return changedUsers;
  }

  @Override
  public long unchangedUsers() {
    return unchangedUsers;
  }

  @Override
  public long absentUsers() {
    return absentUsers;
  }

  @Override
  public long absentUsersKept() {
    return absentUsersKept;
  }

  @Override
  public long lookupChanges() {
    return lookupChanges;
  }

  @Override
  public Optional<Path> absentFile() {
    return Optional.ofNullable(absentFile);
  }

  @Override
  public Optional<Path> lookupChangesFile() {
    return Optional.ofNullable(lookupChangesFile);
  }

  @Override
  public Optional<String> fullRunReason() {
    return Optional.ofNullable(fullRunReason);
  }

  @Override
  public boolean committed() {
    return committed;
  }

  /** The exported file a written row went to, by its staged index. */
  Path fileOf(int index) {
    int lo = 0;
    int hi = partStarts.length - 1;
    int part = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (partStarts[mid] <= index) {
        part = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return part < 0 || part >= files.size() ? null : files.get(part);
  }

  @Override
  public String toString() {
    return "SyncSummary[generation="
        + baseGeneration
        + ", new="
        + newUsers
        + ", changed="
        + changedUsers
        + ", unchanged="
        + unchangedUsers
        + ", absent="
        + absentUsers
        + (fullRunReason == null ? "" : ", full run")
        + "]";
  }
}
