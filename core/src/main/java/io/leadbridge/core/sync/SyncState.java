package io.leadbridge.core.sync;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.sync.JdbcSyncState;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What an incremental sync remembers between runs, in a database: for every {@code user_id}, a
 * fingerprint of the row as mapped, its key column value (the Marketo lookup value) and whether the
 * target confirmed that row. An export made against the state writes only users that are new or
 * whose row changed; {@link #commit(ExportResult, ImportConfirmation)} then moves the state
 * forward, for confirmed rows only.
 *
 * <pre>{@code
 * try (SyncState state = SyncState.open(Path.of("sync-state"))) {   // embedded, nothing to install
 *   ExportResult export = exporter.export(users, Path.of("out/users.tsv"), state);
 *   SyncSummary sync = export.sync().orElseThrow();
 *   System.out.printf("%d new, %d changed, %d unchanged, %d gone%n",
 *       sync.newUsers(), sync.changedUsers(), sync.unchangedUsers(), sync.absentUsers());
 *   if (export.rowsWritten() > 0) {
 *     ImportReport report = marketo.importAndAwait(export, options);
 *     state.commit(export, report);        // rows Marketo failed are sent again next time
 *   } else {
 *     state.commit(export, ImportConfirmation.all());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Where.</b> {@link #open(Path)} keeps the state in an embedded database file in a folder,
 * for one machine. {@link #open(DataSource, String)} keeps it in PostgreSQL, for shared and
 * production runs: workers on several machines can run the sync in turn, and the tables can be
 * queried; a table prefix lets several syncs share one database.
 *
 * <p><b>Safety.</b> The state changes only in {@code commit}, in one database transaction that also
 * moves its generation: a run that crashes at any point, or whose import throws, leaves the state
 * as it was. A commit is refused if another export was committed since this one was made. A run
 * holds the state's lease from its export until its commit, or until the state is closed: a second
 * run at the same time is refused with a {@link SyncStateInUseException} naming the holder and
 * since when. A holder that dies loses the lease by itself. Database failures (the server stopped,
 * a full disk, a damaged file, a state written by a newer Leadbridge) are {@link SyncException}s
 * that name the store, never its credentials; the state is then unchanged.
 *
 * <p><b>The import journal.</b> While an export's run is open, an import of it records in the
 * state's database each batch the target accepts, with the fingerprints of the rows it carries, and
 * the status the batch reaches ({@code MarketoBulkLeadClient.importAndAwait} does). If the run
 * crashes before its commit, the next run (on this machine or any other sharing the state) exports
 * the same rows again; its import finds their batches there, waits on them and confirms the rows
 * from their outcome, instead of sending them again. The commit clears the journal.
 *
 * <p><b>Changing the mapping.</b> When the columns, the format or the key column differ from those
 * the state was committed with, rows written before mean something else: every user is compared as
 * if never confirmed, so the export is a full run, and {@link SyncSummary#fullRunReason()} says
 * why.
 *
 * <p><b>Cost.</b> An export reads the state once, in bulk, into off-heap tables (memory-mapped
 * temporary files beside the export, about 250 bytes per user at most; the heap does not grow with
 * the users), and classifies each user as it is read: unchanged users are neither staged nor
 * sorted. A commit writes only the users that changed. Figures are in the benchmarks' README.
 *
 * <p>The state holds personal data (user ids and key values): the embedded store's folder is
 * created readable by its owner only. A state is safe to share between threads. Obtain one with
 * {@link #open(Path)} or {@link #open(DataSource, String)}; the interface is not meant to be
 * implemented outside Leadbridge.
 */
public interface SyncState extends AutoCloseable {
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
   * Opens the state kept in a folder, in an embedded database (one file, {@code sync-state.mv.db}),
   * creating the folder (owner-only) if it does not exist. A new folder holds an empty state: the
   * first export against it writes every user. A folder holding a state in Leadbridge's earlier
   * file format ({@code sync-state.json}) is carried into the database the first time it is opened,
   * and the old files are then deleted.
   *
   * <p>One process at a time uses the folder; to share a state between machines, use {@link
   * #open(DataSource, String)}.
   *
   * @param directory the folder
   * @return the state
   * @throws SyncException if the folder cannot be created, or its state is damaged, written by a
   *     newer Leadbridge, or in use by another process
   */
  static SyncState open(Path directory) {
    return JdbcSyncState.openEmbedded(Objects.requireNonNull(directory, "directory"));
  }

  /**
   * Opens the state kept in a PostgreSQL database, creating its four tables ({@code <prefix>meta},
   * {@code <prefix>users}, {@code <prefix>lease}, {@code <prefix>batches}) if they do not exist.
   * The PostgreSQL JDBC driver ({@code org.postgresql:postgresql}) must be on the class path: add
   * it to the application.
   *
   * <pre>{@code
   * PGSimpleDataSource ds = new PGSimpleDataSource();
   * ds.setURL("jdbc:postgresql://db.internal:5432/leadbridge");
   * ds.setUser("sync");
   * ds.setPassword(System.getenv("SYNC_DB_PASSWORD"));
   * try (SyncState state = SyncState.open(ds, "marketo_sync_")) { ... }
   * }</pre>
   *
   * @param dataSource connections to the database; each run holds one connection from its export to
   *     its commit
   * @param tablePrefix the tables' prefix: lower-case letters, digits and {@code _}, optionally
   *     after a schema and a dot ({@code "marketing.nightly_"}); one per sync sharing the database
   * @return the state
   * @throws IllegalArgumentException if the prefix is not of that form, or the data source is not
   *     PostgreSQL
   * @throws SyncException if the database cannot be reached or its state is damaged or newer
   */
  static SyncState open(DataSource dataSource, String tablePrefix) {
    return JdbcSyncState.openPostgres(dataSource, tablePrefix);
  }

  /**
   * The folder an embedded state is kept in.
   *
   * @return the absolute folder; empty for a state in PostgreSQL
   */
  Optional<Path> directory();

  /**
   * Where the state is kept, for messages and logs: the folder, or {@code PostgreSQL} with the
   * database's URL (without its parameters or credentials) and the tables' prefix.
   *
   * @return a description without secrets
   */
  String location();

  /**
   * How many commits the state has had: 0 for a new state.
   *
   * @return the generation, read from the database
   */
  long generation();

  /**
   * How many users the state holds.
   *
   * @return the count, read from the database
   */
  long users();

  /**
   * Moves the state forward after an export made against it, in one transaction: users absent from
   * the source leave the state, every other user's row is recorded, and a written row counts as
   * delivered only if {@code confirmation} confirms it. Rows not confirmed are written again by the
   * next export. Ends the export's run: the lease is released once no export of this state waits
   * for its commit.
   *
   * @param export an export made against this state and not yet committed
   * @param confirmation what the target confirmed, e.g. Marketo's {@code ImportReport}, or {@link
   *     ImportConfirmation#all()}
   * @return what the commit did
   * @throws IllegalArgumentException if the export was not made against this state
   * @throws IllegalStateException if the export was already committed
   * @throws SyncException if another export was committed since this one was made, or the database
   *     failed; the state is then unchanged
   */
  Committed commit(ExportResult export, ImportConfirmation confirmation);

  /**
   * Releases the state: its lease, if a run holds it, and its connection. Exports made against it
   * and not yet committed can no longer be. Opening the state again is cheap.
   */
  @Override
  void close();
}
