package io.leadbridge.core.internal.files;

import io.leadbridge.core.FolderInUseException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's hold on a folder, so that two runs never write the same files: an operating-system lock
 * on {@value #NAME} in the folder, which also names the holder (process id, host, start time) for
 * the message the second run gets. The system releases the lock when the holder dies, even by
 * SIGKILL, so a lock file left by a dead run is taken over without anyone deleting it; a run that
 * ends normally deletes it. A second run in the same process is refused from a table of the folders
 * this process holds, before the lock file is opened: on POSIX, closing any descriptor of a file
 * drops every lock the process holds on it. Not thread-safe; close it to release.
 */
public final class FolderLock implements AutoCloseable {
  /** The lock file's name. */
  public static final String NAME = ".leadbridge.lock";

  /** The folders this process holds, by real path, with their holder's description. */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path file;
  private final Path held;
  private final String holder;
  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(Path file, Path held, String holder, FileChannel channel, FileLock lock) {
    this.file = file;
    this.held = held;
    this.holder = holder;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the folder, creating it and the lock file if needed.
   *
   * @param dir the folder
   * @param what what the run does there, for the message: {@code "export"}
   * @return the held lock
   * @throws FolderInUseException if another run holds the folder
   * @throws IOException if the lock file cannot be made
   */
  public static FolderLock acquire(Path dir, String what) throws IOException {
    OwnerOnlyFiles.createDirectories(dir);
    Path real = dir.toRealPath();
    String me =
        "pid "
            + ProcessHandle.current().pid()
            + " on "
            + hostName()
            + " since "
            + Instant.now().toString();
    String other = HELD.putIfAbsent(real, me);
    if (other != null) {
      throw inUse(dir, other, what);
    }
    Path file = dir.resolve(NAME);
    for (int attempt = 0; ; attempt++) {
      FolderLock held;
      try {
        held = tryAcquire(dir, real, file, me, what);
      } catch (IOException | RuntimeException e) {
        HELD.remove(real, me);
        throw e;
      }
      if (held != null) {
        return held;
      }
      if (attempt == 3) {
        HELD.remove(real, me);
        throw new IOException("the lock file " + file + " keeps being replaced");
      }
    }
  }

  /** One attempt; null when the file was replaced under us and the attempt must be repeated. */
  private static FolderLock tryAcquire(Path dir, Path real, Path file, String me, String what)
      throws IOException {
    // Never open a second descriptor on the lock file: on POSIX, closing any descriptor of a file
    // drops every lock the process holds on it. Which file the channel has is checked by stat.
    FileChannel channel =
        FileChannel.open(
            file,
            java.util.Set.of(
                StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
            OwnerOnlyFiles.fileAttributes(dir));
    Object opened = fileKey(file);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process, in another run
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw inUse(dir, holder, what);
    }
    // the holder before us may have deleted the file we opened: then our lock guards nothing
    Object locked = fileKey(file);
    if (locked == null || !locked.equals(opened)) {
      lock.release();
      channel.close();
      return null;
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    TempFiles.register(file);
    return new FolderLock(file, real, me, channel, lock);
  }

  private static FolderInUseException inUse(Path dir, String holder, String what) {
    return new FolderInUseException(
        "Another Leadbridge run is using "
            + dir
            + (holder.isEmpty() ? "" : " (" + holder + ")")
            + ", so this "
            + what
            + " did not start. Wait for it to end, or give this run another folder.",
        dir);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(256);
      channel.read(buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The file's identity (device and inode) by stat, without opening it; {@code null} if gone. */
  private static Object fileKey(Path file) {
    try {
      Object key =
          Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      return key == null ? "no file keys here" : key;
    } catch (IOException e) {
      return null;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  /** Deletes the lock file and releases the folder. */
  @Override
  public void close() {
    TempFiles.forget(file);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a lock file left behind is taken over by the next run
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to do
    }
    HELD.remove(held, holder); // a second close leaves a later run's hold alone
  }
}
