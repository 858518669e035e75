package io.leadbridge.core.internal.sync;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncState} kept in a folder of files: {@value SyncState#META} names the committed
 * entries file ({@link StateEntries}), and a commit writes a new entries file and then replaces
 * {@value SyncState#META} in one atomic move. Pending comparisons wait in the folder until then.
 */
public final class FileSyncState implements SyncState {
  private static final Logger LOG = LoggerFactory.getLogger(SyncState.class);

  private static final String KIND = "leadbridge-sync-state";
  private static final String PENDING_PREFIX = "pending-";
  private static final String ENTRIES_PREFIX = "users-";
  private static final String SUFFIX = ".lbs";

  /** The committed state as described by {@value SyncState#META}. */
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

  private FileSyncState(Path dir) {
    this.dir = dir;
  }

  /** Opens the state in a folder, creating the folder owner-only; see {@link SyncState#open}. */
  public static FileSyncState open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    try {
      OwnerOnlyFiles.createDirectories(dir);
    } catch (IOException e) {
      throw new SyncException(
          "Cannot create the sync state folder " + dir + ": " + e.getMessage(), e);
    }
    FileSyncState state = new FileSyncState(dir);
    state.meta();
    return state;
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public long generation() {
    return meta().generation();
  }

  @Override
  public long users() {
    return meta().users();
  }

  @Override
  public synchronized SyncState.Committed commit(
      ExportResult export, ImportConfirmation confirmation) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(confirmation, "confirmation");
    SyncSummary summary =
        export
            .sync()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "This export was not made against a sync state: use"
                            + " UserExporter.export(source, output, state)."));
    if (!(summary instanceof Comparison)) {
      throw new IllegalArgumentException("This export's sync summary was not made by Leadbridge.");
    }
    Comparison sync = (Comparison) summary;
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
        return new SyncState.Committed(generation, users, confirmed, unconfirmed);
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

  /** Reads {@value SyncState#META}; an empty state when it does not exist. */
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
    return OwnerOnlyFiles.createTempFile(dir, PENDING_PREFIX, SUFFIX);
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
    Path temp = OwnerOnlyFiles.createTemp(dir, META, ".tmp");
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
