package io.leadbridge.core.internal.select;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.sync.StagedUsers;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The rows an export would write, held back in owner-only temporary files in source order until the
 * selection has decided which of them to write: only new and changed users in a sync. Each
 * candidate is its encoded row, numbered from 0 in the order added; its {@code user_id} and key
 * value are in the {@link StagedUsers} at the same index. The rows go into files of about {@value
 * #CHUNK_BYTES} bytes, each deleted as soon as its rows are written: the rows are never on the disk
 * twice, as candidates and in the parts, beyond one file.
 */
final class CandidateRows implements Closeable {
  /** About how many bytes of rows a file holds before the next one starts. */
  static final long CHUNK_BYTES = 16L << 20;

  private final Path dir;
  private final String outputName;
  private final long chunkBytes;
  private final List<Path> files = new ArrayList<>();
  private final List<Integer> counts = new ArrayList<>();
  private DataOutputStream out;
  private long chunkSize;
  private int chunkCount;
  private int count;
  private int[] partStarts = new int[4];
  private int partCount;

  CandidateRows(Path dir, String outputName) throws IOException {
    this(dir, outputName, CHUNK_BYTES);
  }

  CandidateRows(Path dir, String outputName, long chunkBytes) throws IOException {
    this.dir = dir;
    this.outputName = outputName;
    this.chunkBytes = chunkBytes;
    startChunk();
  }

  private void startChunk() throws IOException {
    Path file = OwnerOnlyFiles.createTemp(dir, outputName, ".candidates.tmp");
    files.add(file);
    out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    chunkSize = 0;
    chunkCount = 0;
  }

  private void endChunk() throws IOException {
    out.close();
    counts.add(chunkCount);
  }

  /** Adds a candidate; returns its index. */
  int add(byte[] encoded, int length) throws IOException {
    if (count == Integer.MAX_VALUE) {
      throw new IllegalStateException("more than " + Integer.MAX_VALUE + " candidate rows");
    }
    if (chunkCount > 0 && chunkSize + length > chunkBytes) {
      endChunk();
      startChunk();
    }
    Binary.writeVarLong(out, length);
    out.write(encoded, 0, length);
    chunkSize += length + 5;
    chunkCount++;
    return count++;
  }

  /** Whether another candidate can be added. */
  boolean full() {
    return count == Integer.MAX_VALUE;
  }

  /** Ends adding. */
  void seal() throws IOException {
    if (counts.size() < files.size()) {
      endChunk();
    }
  }

  /** How many files hold the candidates now. */
  int files() {
    return (int) files.stream().filter(Files::exists).count();
  }

  /**
   * Writes the candidates not left out, in source order, through the sink, deleting each file once
   * its rows are written; remembers where each part starts (see {@link #partStarts()}).
   */
  void write(BitSet leftOut, StagedUsers staged, RowSink sink) throws IOException {
    if (leftOut.cardinality() == count) {
      return;
    }
    byte[] row = new byte[4096];
    int lastPart = 0;
    int i = 0;
    try (StagedUsers.Reader users = new StagedUsers.Reader(staged.file(), count)) {
      for (int f = 0; f < files.size(); f++) {
        try (ByteInput in = ByteInput.open(files.get(f))) {
          for (int end = i + counts.get(f); i < end; i++) {
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
        OwnerOnlyFiles.deleteQuietly(files.get(f));
      }
    }
  }

  /** For each part written, in order, the index of its first candidate. */
  int[] partStarts() {
    return Arrays.copyOf(partStarts, partCount);
  }

  /** Deletes the files. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // cleaning up; the original outcome is what counts
    }
    for (Path file : files) {
      OwnerOnlyFiles.deleteQuietly(file);
    }
  }
}
