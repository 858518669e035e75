package io.leadbridge.core.internal.select;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Source entries read, hashed but not parsed, while the sync state was still being read on another
 * thread: each entry's hash, position and bytes, in an owner-only temporary file in source order,
 * played back once the state is there so that those the state knows are never parsed and the rest
 * are parsed then. Used once, by one thread.
 */
public final class HeldEntries implements Closeable {
  /** The most bytes held before the export waits for the state instead. */
  public static final long MAX_BYTES = 64L << 20;

  /** What a play back hands each entry to. */
  public interface Replay {
    void entry(long hashHi, long hashLo, long position, byte[] bytes, int length)
        throws IOException;
  }

  private final Path file;
  private final DataOutputStream out;
  private long bytes;
  private long count;

  /** A new file beside the export. */
  public HeldEntries(Path dir, String outputName) throws IOException {
    this.file = OwnerOnlyFiles.createTemp(dir, outputName, ".entries.tmp");
    this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }

  /** Whether more may be held. */
  public boolean hasRoom() {
    return bytes < MAX_BYTES;
  }

  /** Whether nothing is held. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** Holds an entry. */
  public void add(long hashHi, long hashLo, long position, byte[] b, int off, int len)
      throws IOException {
    out.writeLong(hashHi);
    out.writeLong(hashLo);
    Binary.writeVarLong(out, position);
    Binary.writeVarLong(out, len);
    out.write(b, off, len);
    bytes += 32 + len;
    count++;
  }

  /** Plays back every entry held, in order, then empties the file for more. */
  public void replay(Replay to) throws IOException {
    out.flush();
    byte[] entry = new byte[8192];
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      for (long i = 0; i < count; i++) {
        long hi = in.readLong();
        long lo = in.readLong();
        long position = Binary.readVarLong(in);
        int length = (int) Binary.readVarLong(in);
        if (length > entry.length) {
          entry = new byte[Math.max(length, entry.length * 2)];
        }
        in.readFully(entry, 0, length);
        to.entry(hi, lo, position, entry, length);
      }
    } catch (EOFException e) {
      throw new IOException("the entries held by this export were cut short", e);
    }
    count = 0;
    bytes = 0;
    close();
  }

  /** Deletes the file. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // cleaning up
    }
    OwnerOnlyFiles.deleteQuietly(file);
  }
}
