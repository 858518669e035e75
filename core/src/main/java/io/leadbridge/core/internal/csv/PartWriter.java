package io.leadbridge.core.internal.csv;

import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes encoded rows into parts of at most {@code maxBytes} bytes each, splitting only at record
 * boundaries, every part a whole file that starts with the same head (byte-order mark and header
 * row). Parts are owner-only temporary files, hidden and named after the output, until {@link
 * #publish(List)} moves them into place; {@link #discard()} deletes them. The one splitter behind
 * the export, Marketo's re-split of large files and the Alterian packager. Not thread-safe.
 */
public final class PartWriter implements Closeable {
  /** One part written. */
  public record Part(Path file, long rows, long bytes) {}

  private final Path dir;
  private final String outputName;
  private final byte[] head;
  private final long maxBytes;
  private final List<Part> done = new ArrayList<>();
  private Path current;
  private OutputStream out;
  private long rows;
  private long bytes;
  private long totalBytes;

  /**
   * A writer of parts in {@code dir}.
   *
   * @param dir where the temporary parts go
   * @param outputName the name they are hidden under, e.g. {@code users.tsv}
   * @param head the bytes every part starts with
   * @param maxBytes the most bytes a part may hold, head included; 0 for no limit
   */
  public PartWriter(Path dir, String outputName, byte[] head, long maxBytes) {
    if (maxBytes > 0 && head.length >= maxBytes) {
      throw new IllegalArgumentException("the head alone fills a part");
    }
    this.dir = dir;
    this.outputName = outputName;
    this.head = head.clone();
    this.maxBytes = maxBytes;
  }

  /** Whether a row of this length fits in a part of its own. */
  public boolean fits(int length) {
    return maxBytes <= 0 || head.length + (long) length <= maxBytes;
  }

  /** Starts a new part, holding only the head until rows come. */
  public void newPart() throws IOException {
    if (out != null) {
      endPart();
    }
    current = OwnerOnlyFiles.createTemp(dir, outputName, ".part" + (done.size() + 1) + ".tmp");
    out = new BufferedOutputStream(java.nio.file.Files.newOutputStream(current), 1 << 16);
    out.write(head);
    rows = 0;
    bytes = head.length;
    totalBytes += head.length;
  }

  /**
   * Writes one encoded row, starting a new part first when there is none or the row would take the
   * current one past the limit. A row that does not {@link #fits(int) fit} any part goes alone into
   * a part of its own, over the limit: check first.
   *
   * @return the 1-based number of the part the row went to
   */
  public int write(byte[] row, int length) throws IOException {
    if (out == null || (rows > 0 && maxBytes > 0 && bytes + length > maxBytes)) {
      newPart();
    }
    out.write(row, 0, length);
    rows++;
    bytes += length;
    totalBytes += length;
    return parts();
  }

  /** Parts started so far. */
  public int parts() {
    return done.size() + (out == null ? 0 : 1);
  }

  /** Rows in the current part. */
  public long rowsInPart() {
    return rows;
  }

  /** Bytes written in all parts, heads included. */
  public long bytesWritten() {
    return totalBytes;
  }

  private void endPart() throws IOException {
    out.close();
    out = null;
    done.add(new Part(current, rows, bytes));
  }

  /** Ends the last part; returns every part, still under its temporary name. */
  public List<Part> finish() throws IOException {
    if (out != null) {
      endPart();
    }
    return List.copyOf(done);
  }

  /**
   * Moves the finished parts to their names, in order.
   *
   * @param targets one path per part
   * @return the parts under their final names
   */
  public List<Part> publish(List<Path> targets) throws IOException {
    List<Part> parts = finish();
    if (targets.size() != parts.size()) {
      throw new IllegalArgumentException(parts.size() + " parts, " + targets.size() + " names");
    }
    List<Part> published = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      OwnerOnlyFiles.move(p.file(), targets.get(i));
      published.add(new Part(targets.get(i), p.rows(), p.bytes()));
    }
    done.clear();
    return published;
  }

  /** Deletes every part not published. */
  public void discard() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // failing already; the original problem is the one to report
      }
      out = null;
      done.add(new Part(current, rows, bytes));
    }
    for (Part p : done) {
      OwnerOnlyFiles.deleteQuietly(p.file());
    }
    done.clear();
  }

  /** Same as {@link #discard()}. */
  @Override
  public void close() {
    discard();
  }
}
