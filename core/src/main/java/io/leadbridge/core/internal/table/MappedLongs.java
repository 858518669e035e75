package io.leadbridge.core.internal.table;

import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A large array of longs, zeroed, in a memory-mapped owner-only temporary file: outside the Java
 * heap, so that tables of millions of users leave the heap flat, and paged by the operating system.
 * Mapped in segments of 1 GiB. Not thread-safe.
 */
public final class MappedLongs implements Closeable {
  private static final int SEGMENT_SHIFT = 27; // 2^27 longs: 1 GiB
  private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;

  private final Path file;
  private LongBuffer[] segments; // null once closed: a use after close fails where it is made
  private final long length;

  /**
   * Maps a new file of {@code length} longs.
   *
   * @param dir where the temporary file goes
   * @param name a name for the file, after the output's
   * @param length how many longs
   */
  public MappedLongs(Path dir, String name, long length) throws IOException {
    this.length = length;
    this.file = OwnerOnlyFiles.createTemp(dir, name, ".table.tmp");
    int count = (int) ((length + SEGMENT_MASK) >>> SEGMENT_SHIFT);
    this.segments = new LongBuffer[Math.max(1, count)];
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int s = 0; s < segments.length; s++) {
        long first = (long) s << SEGMENT_SHIFT;
        long n = Math.min(length - first, 1L << SEGMENT_SHIFT);
        segments[s] =
            ch.map(FileChannel.MapMode.READ_WRITE, first * 8, Math.max(n, 1) * 8)
                .order(ByteOrder.nativeOrder()) // the file is private: no swapping of bytes
                .asLongBuffer();
      }
    } catch (IOException | RuntimeException e) {
      OwnerOnlyFiles.deleteQuietly(file);
      throw e;
    }
  }

  /** How many longs. */
  public long length() {
    return length;
  }

  /** The long at {@code i}. */
  public long get(long i) {
    return segments[(int) (i >>> SEGMENT_SHIFT)].get((int) (i & SEGMENT_MASK));
  }

  /** Sets the long at {@code i}. */
  public void set(long i, long value) {
    segments[(int) (i >>> SEGMENT_SHIFT)].put((int) (i & SEGMENT_MASK), value);
  }

  /**
   * Empties and deletes the file. The mapping goes when the buffers are collected, which may be
   * long after, and until then a file that was only deleted would keep its blocks on the disk:
   * emptied first, it gives them back now. A read or write of an emptied mapping is a bus error,
   * which the JVM reports later as an {@link InternalError} thrown from wherever the thread then
   * is; the buffers are dropped first, so that a use after close throws a {@link
   * NullPointerException} where it is made instead.
   */
  @Override
  public void close() {
    segments = null;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    } catch (IOException e) {
      // already gone, or closed before; deleting is what is left to do
    }
    OwnerOnlyFiles.deleteQuietly(file);
  }
}
