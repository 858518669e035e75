package io.leadbridge.marketo;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.csv.RowEncoder;
import io.leadbridge.core.internal.sync.BatchJournal;
import io.leadbridge.core.internal.table.HashTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import journal an export's sync state keeps ({@link BatchJournal}), as one run uses it: at
 * the start, the rows of the given files that batches accepted by an earlier run of the same state
 * already carry (matched by the fingerprint of the row with its header), to be left out of the
 * upload and confirmed by those batches; during the run, each batch accepted with the fingerprints
 * of its rows, and the state each batch finished in. Unlike the journal file beside the parts, it
 * is found by a run on any machine, even when the parts were exported again. Not thread-safe: one
 * per run.
 */
final class StateJournal {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);
  private static final long TAG = 0x5eed_ba7c_4f00_0001L; // the table's second key word
  private static final String FAILED = BatchStatus.State.FAILED.name();

  /**
   * A batch of an earlier run carrying rows of this run's files.
   *
   * @param batchId the batch
   * @param rowsByFile how many rows of each file it carries, in the order of the files
   */
  private record Carried(long batchId, Map<Path, Long> rowsByFile) {
    long rows() {
      return rowsByFile.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final BatchJournal journal;
  private final String target;
  private final CsvFormat format;
  private final Map<Path, BitSet> leaveOut = new HashMap<>();
  private final List<Carried> carried = new ArrayList<>();
  private final MessageDigest sha256;
  private final RowEncoder encoder;

  private StateJournal(BatchJournal journal, String target, CsvFormat format) {
    this.journal = journal;
    this.target = target;
    this.format = format;
    this.encoder = new RowEncoder(format);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** The journal of an export made against a sync state whose run is open, or empty. */
  static Optional<StateJournal> of(ExportResult export, BulkTarget target) {
    return BatchJournal.of(export)
        .map(j -> new StateJournal(j, target.journalName(), export.format()));
  }

  /** Asks the target for a batch of an earlier run. */
  interface BatchCheck {
    /**
     * The batch's status, or empty when the target does not know it (any more).
     *
     * @param batchId the batch
     */
    Optional<BatchStatus> status(long batchId);
  }

  /**
   * Reads the journal and finds the rows of {@code files} its batches carry. Batches recorded as
   * failed carry nothing, nor batches the target does not know any more (asked once each, and then
   * recorded as failed): their rows are sent again. The fingerprints wait in an off-heap table
   * beside the first file.
   */
  void find(List<Path> files, BatchCheck check) {
    Path dir = files.get(0).toAbsolutePath().getParent();
    try (HashTable table = new HashTable(dir, ".batch-journal", 3, 1 << 12)) {
      List<BatchJournal.Batch> batches =
          journal.read(
              target,
              (batch, fp) -> {
                long slot = table.findOrAdd(fp, TAG);
                table.set(slot, 2, batch + 1L);
              });
      if (batches.isEmpty()) {
        return;
      }
      BitSet gone = new BitSet();
      for (int i = 0; i < batches.size(); i++) {
        BatchJournal.Batch b = batches.get(i);
        if (FAILED.equals(b.status())) {
          gone.set(i);
        } else if (check.status(b.batchId()).isEmpty()) {
          LOG.warn(
              "Marketo does not know batch {}, which an earlier run recorded in the sync state; its"
                  + " rows are sent again",
              b.batchId());
          journal.finished(target, b.batchId(), FAILED);
          gone.set(i);
        }
      }
      List<Map<Path, Long>> counts = new ArrayList<>();
      batches.forEach(b -> counts.add(new LinkedHashMap<>()));
      for (Path file : files) {
        long n = 0;
        for (Fingerprints rows = new Fingerprints(file); rows.next(); ) {
          n++;
          long slot = table.find(rows.fingerprint(), TAG);
          if (slot < 0) {
            continue;
          }
          int batch = (int) table.get(slot, 2) - 1;
          if (gone.get(batch)) {
            continue; // never imported, or not known to have been: sent again
          }
          leaveOut.computeIfAbsent(file, f -> new BitSet()).set(Math.toIntExact(n));
          counts.get(batch).merge(file, 1L, Long::sum);
        }
      }
      for (int i = 0; i < batches.size(); i++) {
        if (!counts.get(i).isEmpty()) {
          BatchJournal.Batch b = batches.get(i);
          carried.add(new Carried(b.batchId(), counts.get(i)));
        }
      }
      if (!carried.isEmpty()) {
        LOG.info(
            "{} rows are already in {} batches an earlier run recorded in the sync state ({});"
                + " waiting on those batches instead of sending the rows again",
            carried.stream().mapToLong(Carried::rows).sum(),
            carried.size(),
            journal.location());
      }
    } catch (IOException e) {
      throw new MarketoException(
          "Cannot read the import journal of the sync state: " + e.getMessage(), e);
    }
  }

  /** Per file, the 1-based data rows that batches of an earlier run carry. */
  Map<Path, BitSet> leaveOut() {
    return leaveOut;
  }

  /**
   * The batches of an earlier run that carry rows of this run's files, as parts of the run to wait
   * on: named after the batch, in the first file they carry rows of, never uploaded.
   */
  List<ImportParts.Part> carriedParts() {
    List<ImportParts.Part> parts = new ArrayList<>();
    for (Carried c : carried) {
      Path first = c.rowsByFile().keySet().iterator().next();
      ImportParts.Part p =
          new ImportParts.Part(first, first, "batch " + c.batchId() + " of an earlier run", "");
      p.carried = c.rowsByFile();
      p.rows = c.rows();
      p.resumed = true;
      p.status =
          new BatchStatus(c.batchId(), Optional.empty(), BatchStatus.State.QUEUED, 0, 0, 0, "");
      parts.add(p);
      LOG.info(
          "Waiting on batch {} of an earlier run (sync state journal) for {} rows",
          c.batchId(),
          p.rows);
    }
    return parts;
  }

  /** Records a batch the target accepted, with the fingerprints of the rows of its part. */
  void accepted(long batchId, Path part) {
    long[] fps = new long[1024];
    int n = 0;
    for (Fingerprints rows = new Fingerprints(part); rows.next(); ) {
      if (n == fps.length) {
        fps = java.util.Arrays.copyOf(fps, n * 2);
      }
      fps[n++] = rows.fingerprint();
    }
    journal.accepted(target, batchId, fps, n);
  }

  /** Records the state a batch finished in. */
  void finished(long batchId, BatchStatus.State state) {
    journal.finished(target, batchId, state.name());
  }

  /**
   * The rows of a file and their fingerprints: the first 8 bytes of the SHA-256 of the header and
   * the row, each as the format writes it, so that a row matches itself whether it was read from an
   * export or from a part re-written from one.
   */
  private final class Fingerprints {
    private final Path file;
    private final CsvReader reader;
    private final byte[] head;
    private long fingerprint;

    Fingerprints(Path file) {
      this.file = file;
      try {
        this.reader = format.openReader(file);
        this.head = encoder.head(reader.header());
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    /** Reads the next row; false, the file closed, at the end. */
    boolean next() {
      List<String> row;
      try {
        row = reader.next();
      } catch (UncheckedIOException | IllegalStateException e) {
        close();
        throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
      }
      if (row == null) {
        close();
        return false;
      }
      encoder.encode(row); // read in the same charset, so it encodes
      sha256.update(head);
      sha256.update(encoder.bytes(), 0, encoder.length());
      fingerprint = java.nio.ByteBuffer.wrap(sha256.digest()).getLong(); // its first 8 bytes
      return true;
    }

    long fingerprint() {
      return fingerprint;
    }

    private void close() {
      try {
        reader.close();
      } catch (IOException e) {
        // read to the end already
      }
    }
  }
}
