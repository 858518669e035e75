package io.leadbridge.core;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * folder at once (the second commit is refused, not lost).
 */
public final class SyncState {
  private static final Logger LOG = LoggerFactory.getLogger(SyncState.class);

  /** The file whose replacement commits a new state. */
  public static final String META = "sync-state.json";

  private static final String KIND = "leadbridge-sync-state";
  private static final String PENDING_PREFIX = "pending-";
  private static final String ENTRIES_PREFIX = "users-";
  private static final String SUFFIX = ".lbs";

  /**
   * What a commit did.
   *
   * @param generation the state's new generation
   * @param users users the state now holds
   * @param rowsConfirmed written rows the target confirmed: they will not be sent again unless they
   *     change
   * @param rowsUnconfirmed written rows the target did not confirm: they will be sent again
   */
  public record Committed(long generation, long users, long rowsConfirmed, long rowsUnconfirmed) {}

  /** The committed state as described by {@value #META}. */
  record Meta(
      long generation,
      long users,
      String entries,
      List<String> columns,
      String format,
      String keyColumn) {
    static final Meta EMPTY = new Meta(0, 0, null, List.of(), "", "");
  }

  private final Path dir;

  private SyncState(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens the state kept in a folder, creating the folder (owner-only) if it does not exist. A new
   * folder holds an empty state: the first export against it writes every user.
   *
   * @param directory the folder
   * @return the state
   * @throws SyncException if the folder cannot be created or its state file is damaged
   */
  public static SyncState open(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path dir = directory.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(dir)) {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
    } catch (IOException e) {
      throw new SyncException(
          "Cannot create the sync state folder " + dir + ": " + e.getMessage(), e);
    }
    SyncState state = new SyncState(dir);
    state.meta();
    return state;
  }

  /**
   * The folder the state is kept in.
   *
   * @return the absolute folder
   */
  public Path directory() {
    return dir;
  }

  /**
   * How many commits the state has had: 0 for a new state.
   *
   * @return the generation, read from disk
   */
  public long generation() {
    return meta().generation();
  }

  /**
   * How many users the state holds.
   *
   * @return the count, read from disk
   */
  public long users() {
    return meta().users();
  }

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
  public synchronized Committed commit(ExportResult export, ImportConfirmation confirmation) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(confirmation, "confirmation");
    SyncSummary sync =
        export
            .sync()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "This export was not made against a sync state: use"
                            + " UserExporter.export(source, output, state)."));
    if (!sync.state.dir.equals(dir)) {
      throw new IllegalArgumentException(
          "This export was made against the state in " + sync.state.dir + ", not " + dir + ".");
    }
    if (sync.committed) {
      throw new IllegalStateException("This export has already been committed.");
    }
    Meta current = meta();
    if (current.generation() != sync.baseGeneration()) {
      throw new SyncException(
          "The state moved from generation "
              + sync.baseGeneration()
              + " to "
              + current.generation()
              + " since this export was made: another run committed. Export again against the"
              + " state as it is now.");
    }
    if (!Files.isRegularFile(sync.pendingFile)) {
      throw new SyncException(
          "The pending comparison of this export is gone from " + dir + "; export again.");
    }
    long generation = current.generation() + 1;
    String entriesName = ENTRIES_PREFIX + generation + SUFFIX;
    Path entries = dir.resolve(entriesName);
    long confirmed = 0;
    long unconfirmed = 0;
    boolean done = false;
    try {
      Files.deleteIfExists(entries); // left by a commit that crashed before its move
      try (StateEntries.Reader in = new StateEntries.Reader(sync.pendingFile);
          StateEntries.Writer out = new StateEntries.Writer(entries)) {
        for (StateEntries.Entry e; (e = in.next()) != null; ) {
          int flag;
          if (e.index() < 0) {
            flag = e.flag();
          } else if (sync.notSent.get(e.index())) {
            flag = 0;
          } else if (sync.sent.get(e.index())) {
            Path file = sync.fileOf(e.index());
            flag = file != null && confirmation.confirmed(file, e.userId()) ? 1 : 0;
            if (flag == 1) {
              confirmed++;
            } else {
              unconfirmed++;
            }
          } else {
            flag = 1; // unchanged and still the row of its lead
          }
          out.write(new StateEntries.Entry(e.userId(), e.fingerprint(), e.key(), flag, -1));
        }
        long users = out.count();
        out.close();
        Meta next =
            new Meta(
                generation,
                users,
                entriesName,
                export.header(),
                export.format().toString(),
                sync.keyColumn);
        writeMeta(next);
        done = true;
        sync.committed = true;
        cleanUp(entriesName);
        LOG.info(
            "Sync state committed: generation {}, {} users, {} rows confirmed, {} to send again",
            generation,
            users,
            confirmed,
            unconfirmed);
        return new Committed(generation, users, confirmed, unconfirmed);
      }
    } catch (IOException e) {
      throw new SyncException(
          "Cannot commit the sync state in " + dir + ": " + e.getMessage() + ". It is unchanged.",
          e);
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(entries);
        } catch (IOException e) {
          LOG.warn("Could not delete the unfinished state file {}", entries);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "SyncState[" + dir + "]";
  }

  // ------------------------------------------------------------------------------ internals

  /** Reads {@value #META}; an empty state when it does not exist. */
  Meta meta() {
    Path file = dir.resolve(META);
    if (!Files.exists(file)) {
      return Meta.EMPTY;
    }
    try {
      Map<String, Object> m =
          Json.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)));
      if (!KIND.equals(Json.string(m, "kind")) || Json.number(m, "version", 0) != 1) {
        throw damaged(file, null);
      }
      List<String> columns = new ArrayList<>();
      for (Object c : Json.array(m.get("columns"))) {
        columns.add(String.valueOf(c));
      }
      String entries = Json.string(m, "entries");
      long generation = Json.number(m, "generation", -1);
      long users = Json.number(m, "users", -1);
      if (entries == null
          || generation < 1
          || users < 0
          || !entries.startsWith(ENTRIES_PREFIX)
          || entries.contains("/")
          || entries.contains("\\")
          || !Files.isRegularFile(dir.resolve(entries))) {
        throw damaged(file, null);
      }
      String format = Json.string(m, "format");
      String keyColumn = Json.string(m, "keyColumn");
      return new Meta(
          generation,
          users,
          entries,
          List.copyOf(columns),
          format == null ? "" : format,
          keyColumn == null ? "" : keyColumn);
    } catch (IOException | RuntimeException e) {
      if (e instanceof SyncException) {
        throw (SyncException) e;
      }
      throw damaged(file, e);
    }
  }

  private SyncException damaged(Path file, Exception cause) {
    return new SyncException(
        "The sync state in "
            + dir
            + " cannot be read ("
            + file.getFileName()
            + " is damaged or names a missing file). Restore the folder from a backup, or delete"
            + " it to start over with a full run.",
        cause);
  }

  /** The committed entries, in {@code user_id} order; {@code null} for an empty state. */
  StateEntries.Reader openEntries(Meta meta) throws IOException {
    return meta.entries() == null ? null : new StateEntries.Reader(dir.resolve(meta.entries()));
  }

  /** A new, empty, owner-only file for an export's pending comparison. */
  Path newPendingFile() throws IOException {
    return Files.createTempFile(dir, PENDING_PREFIX, SUFFIX, SecureFiles.ownerOnly());
  }

  private void writeMeta(Meta m) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", KIND);
    json.put("version", 1);
    json.put("generation", m.generation());
    json.put("users", m.users());
    json.put("entries", m.entries());
    json.put("columns", m.columns());
    json.put("format", m.format());
    json.put("keyColumn", m.keyColumn());
    json.put("committedAt", Instant.now().toString());
    Path temp = SecureFiles.createTemp(dir, META, ".tmp");
    try {
      Files.writeString(temp, Json.write(json) + "\n", StandardCharsets.UTF_8);
      try (java.nio.channels.FileChannel c =
          java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        c.force(true);
      }
      try {
        Files.move(
            temp,
            dir.resolve(META),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Deletes entries files other than the current one, and every pending file (now stale). */
  private void cleanUp(String keep) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        boolean stale =
            (name.startsWith(ENTRIES_PREFIX) && name.endsWith(SUFFIX) && !name.equals(keep))
                || (name.startsWith(PENDING_PREFIX) && name.endsWith(SUFFIX));
        if (stale) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not remove old files from the sync state folder {}", dir);
    }
  }
}
