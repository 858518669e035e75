package io.leadbridge.core.internal.sync;

import io.leadbridge.core.FolderInUseException;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncStateInUseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * The embedded store: an H2 database file, {@value #FILE}, in a folder the user names, created
 * owner-only; nothing to install. H2 was chosen by measurement (see the benchmarks' README): of the
 * embedded engines on Maven Central without native code, it is the one that commits a state of
 * millions of users in one transaction within a small heap, since it keeps a transaction's undo log
 * on disk.
 *
 * <p>A run holds the folder's {@link FolderLock} as its lease; the database file itself is also
 * locked by the process that has it open. One process at a time: share a state between machines
 * with PostgreSQL.
 */
final class EmbeddedStore extends StateStore {
  /** The database file in the folder. */
  static final String FILE = "sync-state.mv.db";

  private static final String NAME = "sync-state";
  private static final int H2_DATABASE_IN_USE = 90020;

  private final Path dir;
  private final String url;
  private final org.h2.Driver driver = new org.h2.Driver();

  EmbeddedStore(Path dir) {
    super(Dialect.H2, "sync_");
    this.dir = dir;
    if (dir.toString().contains(";")) {
      throw new IllegalArgumentException(
          "The sync state folder's path cannot contain ';': " + dir.getFileName());
    }
    // CACHE_SIZE in KB: H2's page cache is on the Java heap, which a sync keeps small. 2 MB
    // against 8 MB: 6 to 8 MB less live heap after the first sync, and no slower, at 1 M and 10 M
    // users (see the benchmarks' README); the system's file cache keeps the pages either way.
    // No trace file: it would log statements. Lazy queries stream the state instead of
    // buffering it.
    this.url =
        "jdbc:h2:file:"
            + dir.resolve(NAME)
            + ";CACHE_SIZE=2048;TRACE_LEVEL_FILE=0;LAZY_QUERY_EXECUTION=TRUE";
  }

  /** Creates the folder owner-only. */
  void createFolder() {
    try {
      OwnerOnlyFiles.createDirectories(dir);
    } catch (IOException e) {
      throw new SyncException(
          "Cannot create the sync state folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Makes the database file owner-only once it exists (the folder already is). */
  void restrictFile() {
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      try {
        OwnerOnlyFiles.restrict(file);
      } catch (IOException e) {
        throw new SyncException(
            "Cannot make the sync state file in " + dir + " owner-only: " + e.getMessage(), e);
      }
    }
  }

  /**
   * H2 appends what a transaction writes and keeps the old pages until the file is compacted: a
   * commit that updates a million users leaves a file several times the size of its data, and a
   * first commit written as a new table ({@link TableRebuild}) leaves the pages its auto-committed
   * inserts replaced. Rewrites the file (closing the database, which the next connection opens
   * again).
   */
  @Override
  void compact(Connection c) {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute("SHUTDOWN COMPACT");
    } catch (SQLException e) {
      // the file stays larger; the state is committed all the same
    }
  }

  /**
   * Says when the disk is full: H2 fails its writes in a thread of its own and then reports only
   * that the database is closed, so the folder's free space tells.
   */
  @Override
  SyncException failure(String doing, SQLException e) {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException unknown) {
      free = -1;
    }
    if (free >= 0 && free < 1 << 20) {
      return new SyncException(
          "Cannot "
              + doing
              + " the sync state in "
              + describe()
              + ": the disk is full ("
              + free
              + " bytes free). The state is unchanged; make room and run again.",
          SqlErrors.withheld(e));
    }
    return super.failure(doing, e);
  }

  /** H2 writes its log to disk on a delay: a checkpoint forces what was committed to the disk. */
  @Override
  void sync(Connection c) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  @Override
  String describe() {
    return dir.toString();
  }

  @Override
  Optional<Path> directory() {
    return Optional.of(dir);
  }

  @Override
  Connection connect() throws SQLException {
    try {
      Properties p = new Properties();
      p.setProperty("user", "leadbridge");
      p.setProperty("password", "");
      return driver.connect(url, p);
    } catch (SQLException e) {
      if (e.getErrorCode() == H2_DATABASE_IN_USE) {
        throw inUse(holderText());
      }
      throw e;
    }
  }

  private SyncStateInUseException inUse(String holder) {
    return new SyncStateInUseException(
        "Another Leadbridge run is using the sync state in "
            + dir
            + (holder.isEmpty() ? "" : " (" + holder + ")")
            + ", so this run did not start and the state is unchanged. Wait for it to end; to"
            + " sync from several machines at once, keep the state in PostgreSQL.",
        holder);
  }

  private String holderText() {
    try {
      byte[] b = Files.readAllBytes(dir.resolve(FolderLock.NAME));
      return new String(b, 0, Math.min(b.length, 256), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  Lease lease() throws SQLException {
    FolderLock lock;
    try {
      lock = FolderLock.acquire(dir, "sync");
    } catch (FolderInUseException e) {
      throw inUse(holderText());
    } catch (IOException e) {
      throw new SyncException("Cannot lock the sync state in " + dir + ": " + e.getMessage(), e);
    }
    Connection c;
    try {
      c = connect();
    } catch (SQLException | RuntimeException e) {
      lock.close();
      throw e;
    }
    return new Lease() {
      @Override
      public Connection connection() {
        return c;
      }

      @Override
      public boolean valid() {
        try {
          return !c.isClosed();
        } catch (SQLException e) {
          return false;
        }
      }

      @Override
      public void close() {
        try {
          c.close();
        } catch (SQLException e) {
          // closing; nothing was pending
        } finally {
          lock.close();
        }
      }
    };
  }
}
