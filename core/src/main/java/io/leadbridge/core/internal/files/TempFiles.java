package io.leadbridge.core.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The temporary files and folders Leadbridge has made and not yet moved into place or deleted, so
 * that an interrupted run (Ctrl-C, SIGTERM, a normal exit with a failed run) leaves none behind: a
 * shutdown hook deletes whatever is still registered. Temporary files hold personal data.
 * Thread-safe.
 */
public final class TempFiles {
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TempFiles::deleteAll, "leadbridge-temporary-files"));
  }

  private TempFiles() {}

  /** Registers a temporary file or folder for deletion at exit; returns it. */
  public static Path register(Path path) {
    LIVE.add(path.toAbsolutePath());
    return path;
  }

  /** Forgets a path moved into place or deleted. */
  public static void forget(Path path) {
    LIVE.remove(path.toAbsolutePath());
  }

  /** Whether a path is registered: made by this process and not yet moved or deleted. */
  public static boolean live(Path path) {
    return LIVE.contains(path.toAbsolutePath());
  }

  /** How many are registered now, for tests. */
  static int registered() {
    return LIVE.size();
  }

  /** Deletes every registered path that still exists; folders with their content. */
  static void deleteAll() {
    for (Path p : LIVE.toArray(new Path[0])) {
      deleteTree(p);
    }
  }

  /** Deletes a file, or a folder and everything in it, ignoring failures; forgets it. */
  public static void deleteTree(Path path) {
    forget(path);
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // at exit there is no one left to tell
                }
              });
    } catch (IOException | RuntimeException e) {
      // same
    }
  }
}
