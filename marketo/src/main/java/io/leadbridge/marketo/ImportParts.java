package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.csv.PartWriter;
import io.leadbridge.core.internal.csv.RowEncoder;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.TempFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an import: each given file that Marketo takes as it is, and, in a hidden folder
 * beside it that {@link #close()} deletes, the pieces of each file over the size limit, split at
 * record boundaries with the header in each, and the copies of files whose rows are left out,
 * re-written without them (split too when over the limit). Each part is named and hashed for the
 * journal. Not thread-safe: one per run.
 */
final class ImportParts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  /** One part and where its import stands. */
  static final class Part {
    final Path file;
    final Path source;
    final String name;
    final String sha256;
    long rows = -1;
    BatchStatus status;
    boolean resumed;
    BatchPolls.Track polls;
    ImportReport.Batch result;
    java.time.Instant finishedAt;
    boolean uploadedAgain;
    boolean confirmedByLookup;
    List<String> unmatched = List.of();
    int seq;

    /**
     * For a batch of an earlier run that carries rows of this run's files (found in the sync
     * state's journal, never uploaded by this run): how many rows of each file; null otherwise.
     */
    Map<Path, Long> carried;

    Part(Path file, Path source, String name, String sha256) {
      this.file = file;
      this.source = source;
      this.name = name;
      this.sha256 = sha256;
    }
  }

  private final CsvFormat format;
  private final long maxFileBytes;
  private final List<Part> parts = new ArrayList<>();
  private final List<Path> splitDirs = new ArrayList<>();

  private ImportParts(CsvFormat format, long maxFileBytes) {
    this.format = format;
    this.maxFileBytes = maxFileBytes;
  }

  /**
   * Prepares the parts of files, splitting those over {@code maxFileBytes}.
   *
   * @throws MarketoException if a file cannot be read or split; nothing is left behind
   */
  static ImportParts prepare(List<Path> files, CsvFormat format, long maxFileBytes) {
    return prepare(files, format, maxFileBytes, Map.of(), Map.of());
  }

  /**
   * Prepares the parts of files, splitting those over {@code maxFileBytes} and re-writing those
   * with rows to leave out.
   *
   * @param leaveOut per file, the 1-based data row numbers to leave out
   * @param rows per file, its data rows when known
   * @throws MarketoException if a file cannot be read or written; nothing is left behind
   */
  static ImportParts prepare(
      List<Path> files,
      CsvFormat format,
      long maxFileBytes,
      Map<Path, BitSet> leaveOut,
      Map<Path, Long> rows) {
    ImportParts prepared = new ImportParts(format, maxFileBytes);
    try {
      for (Path file : files) {
        BitSet left = leaveOut.get(file);
        prepared.add(file, left == null ? new BitSet() : left, rows.get(file));
      }
      return prepared;
    } catch (RuntimeException e) {
      prepared.close();
      throw e;
    }
  }

  List<Part> parts() {
    return List.copyOf(parts);
  }

  private void add(Path file, BitSet leaveOut, Long rows) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
    if (size <= maxFileBytes && leaveOut.isEmpty()) {
      Part p = new Part(file, file, name, sha256(file));
      p.rows = rows == null ? -1 : rows;
      parts.add(p);
    } else {
      split(file, name, leaveOut);
    }
  }

  /** The data rows of a part, read when not known yet. */
  long rows(Part p) {
    if (p.rows < 0) {
      long n = 0;
      try (CsvReader reader = format.openReader(p.file)) {
        while (reader.next() != null) {
          n++;
        }
      } catch (IOException | UncheckedIOException | IllegalStateException e) {
        throw new MarketoException("Cannot read " + p.file + ": " + e.getMessage(), e);
      }
      p.rows = n;
    }
    return p.rows;
  }

  /**
   * Re-writes a file at record boundaries, each piece with the header and at most the size limit,
   * leaving out the rows given; a file that fits keeps its name as one part.
   */
  private void split(Path file, String name, BitSet leaveOut) {
    Path dir = file.toAbsolutePath().resolveSibling("." + name + ".marketo-parts");
    splitDirs.add(dir);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    RowEncoder rows = new RowEncoder(format);
    try (CsvReader reader = format.openReader(file)) {
      TempFiles.deleteTree(dir);
      OwnerOnlyFiles.createDirectories(dir);
      TempFiles.register(dir);
      try (PartWriter pieces =
          new PartWriter(dir, name, rows.head(reader.header()), maxFileBytes)) {
        long n = 0;
        for (List<String> row; (row = reader.next()) != null; ) {
          if (++n <= Integer.MAX_VALUE && leaveOut.get((int) n)) {
            continue;
          }
          rows.encode(row); // read in the same charset, so it encodes
          if (!pieces.fits(rows.length())) {
            throw new MarketoException(
                name
                    + " has a row of "
                    + rows.length()
                    + " bytes, too large for a part of at most "
                    + maxFileBytes
                    + " bytes.");
          }
          pieces.write(rows.bytes(), rows.length());
        }
        if (pieces.parts() == 0) {
          pieces.newPart(); // every row left out: a part of the header alone, never uploaded
        }
        List<Path> names = new ArrayList<>();
        for (int i = 1; i <= pieces.parts(); i++) {
          names.add(dir.resolve(String.format(Locale.ROOT, "%s-p%03d%s", stem, i, ext)));
        }
        int number = 0;
        boolean one = pieces.parts() == 1;
        for (PartWriter.Part piece : pieces.publish(names)) {
          String partName = one ? name : name + "#" + ++number;
          Part p = new Part(piece.file(), file, partName, sha256(piece.file()));
          p.rows = piece.rows();
          parts.add(p);
        }
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new MarketoException("Cannot split " + file + " into parts: " + e.getMessage(), e);
    }
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Deletes the pieces of split files; never throws. */
  @Override
  public void close() {
    for (Path dir : splitDirs) {
      TempFiles.deleteTree(dir);
    }
  }
}
