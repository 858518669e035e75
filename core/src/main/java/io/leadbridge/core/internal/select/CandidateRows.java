package io.leadbridge.core.internal.select;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.sync.StagedUsers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The rows an export would write, held back in an owner-only temporary file in source order until
 * the selection has decided which of them to write: only new and changed users in a sync. Each
 * candidate is its encoded row, numbered from 0 in the order added; its {@code user_id} and key
 * value are in the {@link StagedUsers} at the same index.
 */
final class CandidateRows implements Closeable {
  private final Path file;
  private final DataOutputStream out;
  private int count;
  private int[] partStarts = new int[4];
  private int partCount;

  CandidateRows(Path dir, String outputName) throws IOException {
    this.file = OwnerOnlyFiles.createTemp(dir, outputName, ".candidates.tmp");
    this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }

  /** Adds a candidate; returns its index. */
  int add(byte[] encoded, int length) throws IOException {
    if (count == Integer.MAX_VALUE) {
      throw new IllegalStateException("more than " + Integer.MAX_VALUE + " candidate rows");
    }
    Binary.writeVarLong(out, length);
    out.write(encoded, 0, length);
    return count++;
  }

  /** Whether another candidate can be added. */
  boolean full() {
    return count == Integer.MAX_VALUE;
  }

  /** Ends adding. */
  void seal() throws IOException {
    out.close();
  }

  /**
   * Writes the candidates not left out, in source order, through the sink; remembers where each
   * part starts (see {@link #partStarts()}).
   */
  void write(BitSet leftOut, StagedUsers staged, RowSink sink) throws IOException {
    if (leftOut.cardinality() == count) {
      return;
    }
    byte[] row = new byte[4096];
    int lastPart = 0;
    try (DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        StagedUsers.Reader users = new StagedUsers.Reader(staged.file(), count)) {
      for (int i = 0; i < count; i++) {
        int length = (int) Binary.readVarLong(in);
        if (row.length < length) {
          row = new byte[Math.max(length, row.length * 2)];
        }
        in.readFully(row, 0, length);
        StagedUsers.Staged user = users.next();
        if (leftOut.get(i)) {
          continue;
        }
        int part = sink.append(row, length, user.userId(), user.key());
        if (part != lastPart) {
          if (partCount == partStarts.length) {
            partStarts = Arrays.copyOf(partStarts, partCount * 2);
          }
          partStarts[partCount++] = i;
          lastPart = part;
        }
      }
    }
  }

  /** For each part written, in order, the index of its first candidate. */
  int[] partStarts() {
    return Arrays.copyOf(partStarts, partCount);
  }

  /** Deletes the file. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // cleaning up; the original outcome is what counts
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover temporary file is hidden and named after the export
    }
  }
}
