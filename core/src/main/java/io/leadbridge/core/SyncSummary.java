package io.leadbridge.core;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * How an export made against a {@link SyncState} compares with the state: which users are new,
 * changed, unchanged or gone. Only new and changed users were written. Pass the export to {@link
 * SyncState#commit(ExportResult, ImportConfirmation)} once the target has confirmed the rows.
 *
 * <p>Every user read is counted once: {@code newUsers + changedUsers + unchangedUsers} plus the
 * export's {@link ExportResult#rowsMerged() merged} and {@link ExportResult#rowsRejected()
 * rejected} entries make {@link ExportResult#entriesRead()}.
 */
public final class SyncSummary {
  private final long baseGeneration;
  private final long newUsers;
  private final long changedUsers;
  private final long unchangedUsers;
  private final long absentUsers;
  private final long lookupChanges;
  private final Path absentFile;
  private final Path lookupChangesFile;
  private final String fullRunReason;

  // What commit needs; never exposed.
  final SyncState state;
  final String keyColumn;
  final Path pendingFile;
  final BitSet sent;
  final BitSet notSent;
  final int[] partStarts;
  final List<Path> files;
  boolean committed;

  SyncSummary(
      SyncState state,
      String keyColumn,
      long baseGeneration,
      long newUsers,
      long changedUsers,
      long unchangedUsers,
      long absentUsers,
      long lookupChanges,
      Path absentFile,
      Path lookupChangesFile,
      String fullRunReason,
      Path pendingFile,
      BitSet sent,
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
    this.lookupChanges = lookupChanges;
    this.absentFile = absentFile;
    this.lookupChangesFile = lookupChangesFile;
    this.fullRunReason = fullRunReason;
    this.pendingFile = pendingFile;
    this.sent = sent;
    this.notSent = notSent;
    this.partStarts = partStarts;
    this.files = List.copyOf(files);
  }

  /**
   * The generation of the state this export was compared with: 0 for a state never committed.
   *
   * @return the generation
   */
  public long baseGeneration() {
    return baseGeneration;
  }

  /**
   * Users not in the state: written.
   *
   * @return the count
   */
  public long newUsers() {
    return newUsers;
  }

  /**
   * Users in the state whose row differs from the one last confirmed, or whose last row was never
   * confirmed (the target failed it, or another user's row was sent for their key value): written.
   *
   * @return the count
   */
  public long changedUsers() {
    return changedUsers;
  }

  /**
   * Users whose row is the one the target last confirmed: not written.
   *
   * @return the count
   */
  public long unchangedUsers() {
    return unchangedUsers;
  }

  /**
   * Users in the state that the source no longer has. They are listed in {@link #absentFile()} and
   * leave the state at commit; nothing is deleted anywhere.
   *
   * @return the count
   */
  public long absentUsers() {
    return absentUsers;
  }

  /**
   * Users whose key column value (their Marketo lookup value, e.g. the email) changed. Their row is
   * written under the new value, which makes a new lead in Marketo: the lead under the old value
   * stays. Listed in {@link #lookupChangesFile()}.
   *
   * @return the count
   */
  public long lookupChanges() {
    return lookupChanges;
  }

  /**
   * The side file listing the absent users (tab-separated: {@code user_id} and the key value last
   * seen), beside the export.
   *
   * @return the file, or empty when no user is absent
   */
  public Optional<Path> absentFile() {
    return Optional.ofNullable(absentFile);
  }

  /**
   * The side file listing users whose key value changed ({@code user_id}, value before, value now).
   *
   * @return the file, or empty when no key value changed
   */
  public Optional<Path> lookupChangesFile() {
    return Optional.ofNullable(lookupChangesFile);
  }

  /**
   * Why every user was compared as if never confirmed: the columns, the format or the key column
   * differ from those of the state, so rows written before mean something else now.
   *
   * @return the reason, or empty for an incremental run
   */
  public Optional<String> fullRunReason() {
    return Optional.ofNullable(fullRunReason);
  }

  /**
   * Whether this export has been committed to its state.
   *
   * @return true after {@link SyncState#commit(ExportResult, ImportConfirmation)}
   */
  public boolean committed() {
    return committed;
  }

  /** The exported file a written row went to, by its candidate index. */
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
