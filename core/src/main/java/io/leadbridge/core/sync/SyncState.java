package io.leadbridge.core.sync;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.internal.sync.FileSyncState;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What an incremental sync remembers between runs, in a folder the caller names: for every {@code
 * user_id}, a fingerprint of the row as mapped, its key column value (the Marketo lookup value) and
 * whether the target confirmed that row. An export made against the state writes only users that
 * are new or whose row changed; {@link #commit(ExportResult, ImportConfirmation)} then moves the
 * state forward, for confirmed rows only.
 *
 * <pre>{@code
 * SyncState state = SyncState.open(Path.of("sync-state"));
 * ExportResult export = exporter.export(users, Path.of("out/users.tsv"), state);
 * SyncSummary sync = export.sync().orElseThrow();
 * System.out.printf("%d new, %d changed, %d unchanged, %d gone%n",
 *     sync.newUsers(), sync.changedUsers(), sync.unchangedUsers(), sync.absentUsers());
 * if (export.rowsWritten() > 0) {
 *   ImportReport report = marketo.importAndAwait(export, options);
 *   state.commit(export, report);          // rows Marketo failed are sent again next time
 * } else {
 *   state.commit(export, ImportConfirmation.all());
 * }
 * }</pre>
 *
 * <p><b>Safety.</b> The state changes only in {@code commit}, and only by replacing one small file,
 * {@value #META}, in a single atomic move: a run that crashes at any point leaves the state as it
 * was. Until then the export's comparison waits in a pending file in the folder. A commit is
 * refused if another export was committed since this one was made.
 *
 * <p><b>Changing the mapping.</b> When the columns, the format or the key column differ from those
 * the state was committed with, rows written before mean something else: every user is compared as
 * if never confirmed, so the export is a full run, and {@link SyncSummary#fullRunReason()} says
 * why.
 *
 * <p><b>Size.</b> An entry takes about 33 bytes on disk, gzipped: a state of 8.8 million users
 * measured 288 MB. The comparison streams the state once, merged with the source sorted by {@code
 * user_id} in bounded memory (see {@link UserExporter.Builder#sortBufferBytes(long)}).
 *
 * <p>The folder holds personal data (user ids and key values): it is created readable by its owner
 * only. A state is safe to share between threads; two processes should not commit to the same
 * folder at once (the second commit is refused, not lost). Obtain one with {@link #open(Path)}; the
 * interface is not meant to be implemented outside Leadbridge.
 */
public interface SyncState {
  /** The file whose replacement commits a new state. */
  String META = "sync-state.json";

  /**
   * What a commit did.
   *
   * @param generation the state's new generation
   * @param users users the state now holds
   * @param rowsConfirmed written rows the target confirmed: they will not be sent again unless they
   *     change
   * @param rowsUnconfirmed written rows the target did not confirm: they will be sent again
   */
  record Committed(long generation, long users, long rowsConfirmed, long rowsUnconfirmed) {}

  /**
   * Opens the state kept in a folder, creating the folder (owner-only) if it does not exist. A new
   * folder holds an empty state: the first export against it writes every user.
   *
   * @param directory the folder
   * @return the state
   * @throws SyncException if the folder cannot be created or its state file is damaged
   */
  static SyncState open(Path directory) {
    return FileSyncState.open(Objects.requireNonNull(directory, "directory"));
  }

  /**
   * The folder the state is kept in.
   *
   * @return the absolute folder
   */
  Path directory();

  /**
   * How many commits the state has had: 0 for a new state.
   *
   * @return the generation, read from disk
   */
  long generation();

  /**
   * How many users the state holds.
   *
   * @return the count, read from disk
   */
  long users();

  /**
   * Moves the state forward after an export made against it: users absent from the source leave the
   * state, every other user's row is recorded, and a written row counts as delivered only if {@code
   * confirmation} confirms it. Rows not confirmed are written again by the next export.
   *
   * @param export an export made against this state and not yet committed
   * @param confirmation what the target confirmed, e.g. Marketo's {@code ImportReport}, or {@link
   *     ImportConfirmation#all()}
   * @return what the commit did
   * @throws IllegalArgumentException if the export was not made against this state
   * @throws IllegalStateException if the export was already committed
   * @throws SyncException if another export was committed since this one was made, or the files
   *     cannot be read or written; the state is then unchanged
   */
  Committed commit(ExportResult export, ImportConfirmation confirmation);
}
