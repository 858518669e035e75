package io.leadbridge.core.internal.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one place Leadbridge creates files and folders that hold personal data or secrets: readable
 * by their owner only ({@code rw-------}, folders {@code rwx------}) where the file system has
 * POSIX modes, and on other file systems with the owner-only flags {@link java.io.File} can set.
 */
public final class OwnerOnlyFiles {
  private OwnerOnlyFiles() {}

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] mode(Path p, String mode) {
    if (!posix(p)) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))
    };
  }

  /** The attributes that make a new file owner-only in {@code dir}, for APIs that take them. */
  public static FileAttribute<?>[] fileAttributes(Path dir) {
    return mode(dir, "rw-------");
  }

  /**
   * A new empty owner-only file in {@code dir}, hidden, named after the output: {@code
   * .users.tsv.<random><suffix>}. Like every temporary file made here it is deleted at exit unless
   * moved into place first (see {@link TempFiles}).
   */
  public static Path createTemp(Path dir, String outputName, String suffix) throws IOException {
    return createTempFile(dir, "." + outputName + ".", suffix);
  }

  /** A new empty owner-only file in {@code dir} with a random name between prefix and suffix. */
  public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
    Path file =
        TempFiles.register(Files.createTempFile(dir, prefix, suffix, mode(dir, "rw-------")));
    if (!posix(dir)) {
      restrict(file);
    }
    return file;
  }

  /**
   * A new owner-only temporary file in a shared folder such as the system's temporary folder, named
   * {@code <prefix><pid>-<random><suffix>} so that a later run can tell it from a live one's. Files
   * of the same prefix left by processes that are gone (killed before their shutdown hook ran) are
   * deleted first.
   */
  public static Path createProcessTempFile(Path dir, String prefix, String suffix)
      throws IOException {
    deleteOrphans(dir, prefix, suffix);
    return createTempFile(dir, prefix + ProcessHandle.current().pid() + "-", suffix);
  }

  /** Deletes {@code <prefix><pid>-…<suffix>} files in {@code dir} whose process has ended. */
  static int deleteOrphans(Path dir, String prefix, String suffix) throws IOException {
    int n = 0;
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (java.nio.file.DirectoryStream<Path> entries =
        Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
      for (Path p : entries) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = dash > 0 ? Long.parseLong(rest.substring(0, dash)) : -1;
        } catch (NumberFormatException e) {
          pid = -1;
        }
        if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          try {
            Files.deleteIfExists(p);
            n++;
          } catch (IOException e) {
            // another user's file, or gone already: not ours to worry about
          }
        }
      }
    }
    return n;
  }

  /** A new owner-only folder in {@code dir} with a random name after the prefix. */
  public static Path createTempDirectory(Path dir, String prefix) throws IOException {
    return TempFiles.register(Files.createTempDirectory(dir, prefix, mode(dir, "rwx------")));
  }

  /** Creates a folder and its missing parents; the folder itself is owner-only. */
  public static Path createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.createDirectories(dir, mode(dir, "rwx------"));
  }

  /** Creates a new owner-only file, failing if it exists, and opens it for writing. */
  public static OutputStream create(Path file) throws IOException {
    Files.createFile(file, mode(file, "rw-------"));
    if (!posix(file)) {
      restrict(file);
    }
    return Files.newOutputStream(file, StandardOpenOption.WRITE);
  }

  /** Creates a new owner-only empty file if none exists; an existing file is left as it is. */
  public static void createIfAbsent(Path file) throws IOException {
    if (!Files.exists(file)) {
      create(file).close();
    }
  }

  /** Makes an existing file owner-only. */
  public static void restrict(Path file) throws IOException {
    if (posix(file)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return;
    }
    java.io.File f = file.toFile();
    boolean ok =
        f.setReadable(false, false)
            & f.setReadable(true, true)
            & f.setWritable(false, false)
            & f.setWritable(true, true);
    if (!ok) {
      throw new IOException("cannot make " + file.getFileName() + " readable by its owner only");
    }
  }

  /** Moves a finished file into place, atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    TempFiles.forget(from);
  }

  /**
   * Deletes the hidden temporary files an earlier export named {@code outputName} left in {@code
   * dir} when it was killed. Call it only while holding the folder ({@link FolderLock}): then no
   * other run is using them.
   *
   * @return how many were deleted
   */
  public static int deleteLeftovers(Path dir, String outputName) throws IOException {
    String prefix = "." + outputName + ".";
    int n = 0;
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        boolean leftover =
            name.endsWith(".tmp")
                || name.endsWith(".marketo-parts")
                // what a sync keeps for its commit, unless this process still waits for it
                || name.endsWith(".sync") && !TempFiles.live(p);
        if (name.startsWith(prefix) && leftover && !name.equals(prefix)) {
          TempFiles.deleteTree(p);
          n++;
        }
      }
    }
    return n;
  }

  /** Deletes a file if it exists, ignoring a failure: for cleaning up after another failure. */
  public static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    TempFiles.forget(file);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // cleaning up; the original problem is the one to report
    }
  }
}
