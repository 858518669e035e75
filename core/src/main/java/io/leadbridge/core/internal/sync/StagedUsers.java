package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The users an export staged to be written (new or changed), numbered from 0 in source order, with
 * what the selection and the commit need of each: {@code user_id}, key value, fingerprint, class,
 * {@code updated_at} and the hash of its source entry (0 and 0 when the source gives none); not the
 * hashes of the {@code user_id} and of the key value, which the commit computes as it writes
 * ({@code UserWriter.Row#of}). An owner-only temporary file, read back in order by the export and
 * the commit, and at random by its offsets for the few users the merge or the lookup-change list
 * asks about. The encoded rows themselves are kept apart ({@code CandidateRows}) and are gone once
 * the export is written.
 */
public final class StagedUsers implements Closeable {
  /** One staged user. */
  public record Staged(
      int index,
      String userId,
      String key,
      long fingerprint,
      int cls,
      long position,
      long updatedAt,
      long sourceHi,
      long sourceLo) {}

  private final Path file;
  private final Counting counting;
  private final DataOutputStream out;
  private int count;
  private boolean sealed;
  private RandomAccessFile random;

  /** A new file beside the export. */
  public StagedUsers(Path dir, String outputName) throws IOException {
    this.file = OwnerOnlyFiles.createTemp(dir, outputName, ".staged.sync");
    this.counting = new Counting(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    this.out = new DataOutputStream(counting);
  }

  /** Adds a user; returns its offset in the file. Its index is the count before. */
  public long add(Staged s) throws IOException {
    long offset = counting.written;
    Binary.writeString(out, s.userId());
    Binary.writeString(out, s.key());
    out.writeLong(s.fingerprint());
    out.writeByte(s.cls());
    Binary.writeVarLong(out, s.position());
    out.writeLong(s.updatedAt());
    out.writeLong(s.sourceHi());
    out.writeLong(s.sourceLo());
    count++;
    return offset;
  }

  /** How many users. */
  public int count() {
    return count;
  }

  /** The file, for the commit. */
  public Path file() {
    return file;
  }

  /** Ends adding. */
  public void seal() throws IOException {
    if (!sealed) {
      sealed = true;
      out.close();
    }
  }

  /** The user at an offset {@link #add} returned; the index is not known there and is -1. */
  public Staged at(long offset) throws IOException {
    if (!sealed) {
      out.flush();
    }
    if (random == null) {
      random = new RandomAccessFile(file.toFile(), "r");
    }
    random.seek(offset);
    return read(random, -1);
  }

  private static Staged read(java.io.DataInput in, int index) throws IOException {
    String userId = Binary.readString(in);
    String key = Binary.readString(in);
    long fp = in.readLong();
    int cls = in.readUnsignedByte();
    long position = Binary.readVarLong(in);
    long updatedAt = in.readLong();
    long sourceHi = in.readLong();
    long sourceLo = in.readLong();
    return new Staged(index, userId, key, fp, cls, position, updatedAt, sourceHi, sourceLo);
  }

  /** Reads the users in order. */
  public static final class Reader implements Closeable {
    private final ByteInput in;
    private final int count;
    private int next;

    /** Opens a file of {@code count} users. */
    public Reader(Path file, int count) throws IOException {
      this.in = ByteInput.open(file);
      this.count = count;
    }

    /** The next user, or {@code null} at the end. */
    public Staged next() throws IOException {
      if (next == count) {
        return null;
      }
      try {
        return read(in, next++);
      } catch (EOFException e) {
        throw new IOException("the staged users of this export were cut short", e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Deletes the file. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // cleaning up
    }
    if (random != null) {
      try {
        random.close();
      } catch (IOException e) {
        // cleaning up
      }
    }
    OwnerOnlyFiles.deleteQuietly(file);
  }

  /** Closes the random reader only, keeping the file for the commit. */
  public void release() {
    if (random != null) {
      try {
        random.close();
      } catch (IOException e) {
        // nothing to do
      }
      random = null;
    }
  }

  private static final class Counting extends FilterOutputStream {
    long written;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      written += len;
    }
  }
}
