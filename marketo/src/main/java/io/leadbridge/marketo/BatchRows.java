package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The failure or warning rows of a batch, read one at a time from a temporary owner-only file that
 * is deleted on {@link #close()}. Iterate once. Not thread-safe: read it on one thread.
 *
 * <pre>{@code
 * try (BatchRows failures = client.failures(batchId, CsvFormat.TSV)) {
 *   int email = failures.header().indexOf("email");
 *   for (BatchRow row : failures) {
 *     System.out.println(row.values().get(email) + ": " + row.reason());
 *   }
 * }
 * }</pre>
 */
public final class BatchRows implements Iterable<BatchRow>, Closeable {
  private final Path file;
  private final CsvReader reader;
  private final List<String> header;
  private boolean iterated;

  BatchRows(Path file, CsvReader reader) {
    this.file = file;
    this.reader = reader;
    List<String> h = reader.header();
    this.header = h.isEmpty() ? List.of() : List.copyOf(h.subList(0, h.size() - 1));
  }

  /**
   * The uploaded file's columns, without Marketo's reason column.
   *
   * @return the column names; empty when the batch has no such rows
   */
  public List<String> header() {
    return header;
  }

  @Override
  public Iterator<BatchRow> iterator() {
    if (iterated) {
      throw new IllegalStateException("BatchRows can be iterated once.");
    }
    iterated = true;
    return new Iterator<>() {
      private List<String> next = read();

      private List<String> read() {
        List<String> row = reader.next();
        return row;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public BatchRow next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        List<String> row = next;
        next = read();
        int n = row.size();
        return n == 0
            ? new BatchRow(List.of(), "")
            : new BatchRow(row.subList(0, n - 1), row.get(n - 1));
      }
    };
  }

  @Override
  public void close() {
    try {
      reader.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the temporary file of a batch's rows", e);
    }
  }
}
