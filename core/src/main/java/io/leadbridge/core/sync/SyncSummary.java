package io.leadbridge.core.sync;

import io.leadbridge.core.ExportResult;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How an export made against a {@link SyncState} compares with the state: which users are new,
 * changed, unchanged or gone. Only new and changed users were written. Pass the export to {@link
 * SyncState#commit(ExportResult, ImportConfirmation)} once the target has confirmed the rows.
 *
 * <p>Every user read is counted once: {@code newUsers + changedUsers + unchangedUsers} plus the
 * export's {@link ExportResult#rowsMerged() merged} and {@link ExportResult#rowsRejected()
 * rejected} entries make {@link ExportResult#entriesRead()}.
 *
 * <p>Obtained from {@link ExportResult#sync()}; not meant to be implemented outside Leadbridge. Its
 * counts never change; {@link #committed()} turns true once. Safe to read from any thread.
 */
public interface SyncSummary {
  /**
   * The generation of the state this export was compared with: 0 for a state never committed.
   *
   * @return the generation
   */
  long baseGeneration();

  /**
   * Users not in the state: written.
   *
   * @return the count
   */
  long newUsers();

  /**
   * Users in the state whose row differs from the one last confirmed, or whose last row was never
   * confirmed (the target failed it, or another user's row was sent for their key value): written.
   *
   * @return the count
   */
  long changedUsers();

  /**
   * Users whose row is the one the target last confirmed: not written.
   *
   * @return the count
   */
  long unchangedUsers();

  /**
   * Users in the state that the source no longer has. They are listed in {@link #absentFile()} and
   * leave the state at commit, unless the input had malformed entries ({@link #absentUsersKept()});
   * nothing is deleted anywhere.
   *
   * @return the count
   */
  long absentUsers();

  /**
   * Absent users that stay in the state at commit because the input had malformed entries: one of
   * those entries may have been them (see {@link RemovalGuard}). Zero when the input was clean or
   * mass removal was allowed.
   *
   * @return the count, at most {@link #absentUsers()}
   */
  long absentUsersKept();

  /**
   * Users whose key column value (their Marketo lookup value, e.g. the email) changed. Their row is
   * written under the new value, which makes a new lead in Marketo: the lead under the old value
   * stays. Listed in {@link #lookupChangesFile()}.
   *
   * @return the count
   */
  long lookupChanges();

  /**
   * The side file listing the absent users (tab-separated: {@code user_id} and the key value last
   * seen), beside the export.
   *
   * @return the file, or empty when no user is absent
   */
  Optional<Path> absentFile();

  /**
   * The side file listing users whose key value changed ({@code user_id}, value before, value now).
   *
   * @return the file, or empty when no key value changed
   */
  Optional<Path> lookupChangesFile();

  /**
   * Why every user was compared as if never confirmed: the columns, the format or the key column
   * differ from those of the state, so rows written before mean something else now.
   *
   * @return the reason, or empty for an incremental run
   */
  Optional<String> fullRunReason();

  /**
   * Whether this export has been committed to its state.
   *
   * @return true after {@link SyncState#commit(ExportResult, ImportConfirmation)}
   */
  boolean committed();
}
