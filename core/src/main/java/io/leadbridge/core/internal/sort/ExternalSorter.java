package io.leadbridge.core.internal.sort;

import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts more records than fit in memory: records are buffered up to a byte budget, sorted and
 * spilled to owner-only temporary files, then merged. Heap use is the budget, then while merging a
 * read buffer per file, at most {@value #MAX_FAN_IN} files at a time, which share {@value
 * #MERGE_BUFFERS} bytes (64 KB each at most, 16 KB at the most files): the same whatever the number
 * of records. Used once; {@link #close()} deletes every temporary file.
 */
public final class ExternalSorter<T> implements Closeable {
  public static final int MAX_FAN_IN = 64;
  private static final int IO_BUFFER = 1 << 16;
  private static final int MERGE_BUFFERS = 1 << 20;

  /** Writes, reads and sizes one kind of record. */
  public interface Codec<T> {
    void write(DataOutputStream out, T value) throws IOException;

    T read(DataInput in) throws IOException;

    /** About how many bytes of heap the record takes while buffered. */
    long heapBytes(T value);
  }

  /** Reads records one at a time; {@code null} at the end. */
  public interface Cursor<T> extends Closeable {
    T next() throws IOException;
  }

  private record Run(Path file, long count) {}

  private final Path dir;
  private final String name;
  private final Comparator<? super T> order;
  private final Codec<T> codec;
  private final long budget;
  private final List<T> buffer = new ArrayList<>();
  private final List<Run> runs = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private long buffered;
  private boolean sorting;

  public ExternalSorter(
      Path dir, String name, Comparator<? super T> order, Codec<T> codec, long budgetBytes) {
    this.dir = dir;
    this.name = name;
    this.order = order;
    this.codec = codec;
    this.budget = budgetBytes;
  }

  public void add(T value) throws IOException {
    if (sorting) {
      throw new IllegalStateException("add after sorted()");
    }
    buffer.add(value);
    buffered += codec.heapBytes(value) + 8;
    if (buffered >= budget) {
      spill();
    }
  }

  /** How many times the buffer was written out: 0 when everything was sorted in memory. */
  public int spills() {
    return files.size();
  }

  private void spill() throws IOException {
    buffer.sort(order);
    Path file = OwnerOnlyFiles.createTemp(dir, name, ".sort.tmp");
    files.add(file);
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), IO_BUFFER))) {
      for (T t : buffer) {
        codec.write(out, t);
      }
    }
    runs.add(new Run(file, buffer.size()));
    buffer.clear();
    buffered = 0;
  }

  /** The records in order. Call once, after the last {@link #add}. */
  public Cursor<T> sorted() throws IOException {
    sorting = true;
    if (runs.isEmpty()) {
      buffer.sort(order);
      Iterator<T> it = buffer.iterator();
      return new Cursor<>() {
        @Override
        public T next() {
          return it.hasNext() ? it.next() : null;
        }

        @Override
        public void close() {
          buffer.clear();
        }
      };
    }
    if (!buffer.isEmpty()) {
      spill();
    }
    while (runs.size() > MAX_FAN_IN) {
      List<Run> group = new ArrayList<>(runs.subList(0, MAX_FAN_IN));
      runs.subList(0, MAX_FAN_IN).clear();
      Path file = OwnerOnlyFiles.createTemp(dir, name, ".sort.tmp");
      files.add(file);
      long count = 0;
      try (Merge merge = new Merge(group);
          DataOutputStream out =
              new DataOutputStream(
                  new BufferedOutputStream(Files.newOutputStream(file), IO_BUFFER))) {
        for (T t; (t = merge.next()) != null; ) {
          codec.write(out, t);
          count++;
        }
      }
      for (Run r : group) {
        Files.deleteIfExists(r.file());
      }
      runs.add(new Run(file, count));
    }
    return new Merge(new ArrayList<>(runs));
  }

  @Override
  public void close() throws IOException {
    buffer.clear();
    IOException failure = null;
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        failure = e;
      }
    }
    files.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private final class Source {
    final ByteInput in;
    final int rank;
    long remaining;
    T head;

    Source(Run run, int rank, int buffer) throws IOException {
      this.in = new ByteInput(Files.newInputStream(run.file()), buffer);
      this.rank = rank;
      this.remaining = run.count();
    }

    boolean advance() throws IOException {
      if (remaining == 0) {
        head = null;
        return false;
      }
      remaining--;
      head = codec.read(in);
      return true;
    }
  }

  private final class Merge implements Cursor<T> {
    private final List<Source> sources = new ArrayList<>();
    private final PriorityQueue<Source> queue;

    Merge(List<Run> group) throws IOException {
      queue =
          new PriorityQueue<>(
              Math.max(1, group.size()),
              (a, b) -> {
                int c = order.compare(a.head, b.head);
                return c != 0 ? c : Integer.compare(a.rank, b.rank);
              });
      int buffer = Math.min(IO_BUFFER, MERGE_BUFFERS / Math.max(1, group.size()));
      try {
        for (int i = 0; i < group.size(); i++) {
          Source s = new Source(group.get(i), i, buffer);
          sources.add(s);
          if (s.advance()) {
            queue.add(s);
          }
        }
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public T next() throws IOException {
      Source s = queue.poll();
      if (s == null) {
        return null;
      }
      T value = s.head;
      if (s.advance()) {
        queue.add(s);
      }
      return value;
    }

    @Override
    public void close() throws IOException {
      for (Source s : sources) {
        s.in.close();
      }
    }
  }
}
