package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.sync.SyncException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The sync state as Leadbridge kept it before the database: {@value #META} naming a gzipped entries
 * file ({@code users-<generation>.lbs}) in the folder. Read once, when the folder is first opened
 * as a database state: its users go into the database in one transaction with its generation, then
 * the old files are deleted. A damaged old state is refused with what to do.
 */
final class LegacyFileState {
  /** The old state's description file. */
  static final String META = "sync-state.json";

  private static final byte[] MAGIC = {'L', 'B', 'S', '1'};

  private LegacyFileState() {}

  /** One user of the old state. */
  record Entry(String userId, long fingerprint, String key, boolean confirmed) {}

  /** Carries an old file state in {@code dir} into {@code state}, if there is one. */
  static void migrate(Path dir, JdbcSyncState state) {
    Path meta = dir.resolve(META);
    if (!Files.exists(meta)) {
      return;
    }
    if (state.meta().generation() != 0) {
      deleteOldFiles(dir); // carried over before, by a run that stopped before deleting them
      return;
    }
    JdbcSyncState.Meta m;
    Path entriesFile;
    try {
      Map<String, Object> json =
          Json.object(Json.parse(Files.readString(meta, StandardCharsets.UTF_8)));
      if (!"leadbridge-sync-state".equals(Json.string(json, "kind"))
          || Json.number(json, "version", 0) != 1) {
        throw refused(dir, null);
      }
      List<String> columns = new ArrayList<>();
      for (Object c : Json.array(json.get("columns"))) {
        columns.add(String.valueOf(c));
      }
      String entries = Json.string(json, "entries");
      long generation = Json.number(json, "generation", -1);
      if (entries == null
          || generation < 1
          || !entries.startsWith("users-")
          || entries.contains("/")
          || entries.contains("\\")
          || !Files.isRegularFile(dir.resolve(entries))) {
        throw refused(dir, null);
      }
      entriesFile = dir.resolve(entries);
      String format = Json.string(json, "format");
      String keyColumn = Json.string(json, "keyColumn");
      m =
          new JdbcSyncState.Meta(
              generation,
              Json.number(json, "users", 0),
              List.copyOf(columns),
              format == null ? "" : format,
              keyColumn == null ? "" : keyColumn);
    } catch (IOException | RuntimeException e) {
      if (e instanceof SyncException) {
        throw (SyncException) e;
      }
      throw refused(dir, e);
    }
    try (Entries in = new Entries(entriesFile)) {
      state.importState(m, in);
    } catch (SQLException e) {
      throw state.store().failure("carry the old state files into", e);
    } catch (IOException e) {
      throw refused(dir, e);
    }
    deleteOldFiles(dir);
  }

  private static SyncException refused(Path dir, Exception cause) {
    return new SyncException(
        "The sync state in "
            + dir
            + " is in the old file format and cannot be carried into the database: "
            + META
            + " or the users file it names is damaged or was cut short. Restore the folder from a"
            + " backup and open it again (it is carried over by itself), or delete "
            + META
            + " and the users-*.lbs files to start over with a full run.",
        cause);
  }

  private static void deleteOldFiles(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if ((name.startsWith("users-") || name.startsWith("pending-")) && name.endsWith(".lbs")) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir.resolve(META));
    } catch (IOException e) {
      // the database holds the state now; old files are deleted at the next open
    }
  }

  /** Reads an old entries file in order; {@code null} at the end. */
  static final class Entries implements Closeable {
    private final DataInputStream in;
    private long count;
    private boolean ended;

    Entries(Path file) throws IOException {
      InputStream raw = Files.newInputStream(file);
      try {
        this.in =
            new DataInputStream(
                new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
          throw new IOException("not a Leadbridge state file");
        }
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    Entry next() throws IOException {
      if (ended) {
        return null;
      }
      try {
        int marker = in.readUnsignedByte();
        if (marker == 0) {
          long expected = Binary.readVarLong(in);
          if (expected != count || in.read() != -1) {
            throw new IOException("the file's count does not match");
          }
          ended = true;
          return null;
        }
        if (marker != 1) {
          throw new IOException("an entry is malformed");
        }
        count++;
        String userId = Binary.readString(in);
        long fp = in.readLong();
        String key = Binary.readString(in);
        int flag = in.readUnsignedByte();
        Binary.readVarLong(in); // the index, -1 in a committed file
        return new Entry(userId, fp, key, flag == 1);
      } catch (ZipException | EOFException e) {
        throw new IOException("the file was cut short", e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
