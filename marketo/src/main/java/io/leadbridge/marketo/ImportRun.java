package io.leadbridge.marketo;

import io.leadbridge.core.RowKeys;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.csv.PartWriter;
import io.leadbridge.core.internal.csv.RowEncoder;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of {@link MarketoBulkLeadClient#importAndAwait}. */
final class ImportRun {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  private final MarketoBulkLeadClient client;
  private final List<Path> files;
  private final CsvFormat format;
  private final RowKeys rowKeys;
  private final ImportOptions options;

  private final List<Part> parts = new ArrayList<>();
  private final List<Path> splitDirs = new ArrayList<>();
  private Journal journal;
  private Instant start;
  private long callsBefore;

  private final List<Part> active = new ArrayList<>();
  private final List<Path> uncertain = new ArrayList<>();
  private final List<PendingIssue> failures = new ArrayList<>();
  private final List<PendingIssue> warnings = new ArrayList<>();
  private int uploaded;
  private int finished;

  private static final class Part {
    final Path file;
    final Path source;
    final String name;
    final String sha256;
    long rows = -1;
    BatchStatus status;
    boolean resumed;
    ImportReport.Batch result;

    Part(Path file, Path source, String name, String sha256) {
      this.file = file;
      this.source = source;
      this.name = name;
      this.sha256 = sha256;
    }
  }

  private record PendingIssue(
      Path file, Path source, long batchId, String lookupValue, String reason) {}

  ImportRun(
      MarketoBulkLeadClient client,
      List<Path> files,
      CsvFormat format,
      RowKeys rowKeys,
      ImportOptions options) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("No files to import.");
    }
    this.client = client;
    this.files = List.copyOf(files);
    this.format = format;
    this.rowKeys = rowKeys;
    this.options = options;
    ImportOptions.marketoFormat(format); // refuses delimiters Marketo cannot read
  }

  ImportReport run() {
    start = client.clock.instant();
    callsBefore = client.callsMade();
    try {
      prepareParts();
      Path first = files.get(0).toAbsolutePath();
      journal = Journal.open(first.resolveSibling(first.getFileName() + ".marketo-journal"));
      Deque<Part> pending = new ArrayDeque<>();
      for (Part p : parts) {
        Journal.Entry e = journal.get(p.name, p.sha256);
        if (e == null
            || (e.state() == Journal.State.UNCERTAIN
                && options.uncertainUploads() == ImportOptions.UncertainUploads.UPLOAD_AGAIN)) {
          pending.add(p);
        } else if (e.state() == Journal.State.UNCERTAIN) {
          uncertain.add(p.file);
          uploaded++;
        } else if (e.state() == Journal.State.FINISHED && e.result() != null) {
          BatchStatus r = e.result();
          p.status = r;
          p.resumed = true;
          p.result =
              new ImportReport.Batch(
                  p.file,
                  r.batchId(),
                  r.state(),
                  r.message(),
                  r.leadsProcessed(),
                  r.rowsFailed(),
                  r.rowsWithWarning(),
                  true);
          uploaded++;
          finished++;
          LOG.info("{} was imported as batch {} by an earlier run (journal)", p.name, r.batchId());
        } else {
          p.resumed = true;
          p.status = new BatchStatus(e.batchId(), null, BatchStatus.State.QUEUED, 0, 0, 0, "");
          active.add(p);
          uploaded++;
          LOG.info("Resuming batch {} for {} from the journal", e.batchId(), p.name);
        }
      }
      if (client.headerCheck && !pending.isEmpty()) {
        client.checkHeader(MarketoBulkLeadClient.readHeader(pending.peekFirst().file, format));
      }
      loop(pending);
      return report();
    } finally {
      for (Path dir : splitDirs) {
        deleteTree(dir);
      }
    }
  }

  private void loop(Deque<Part> pending) {
    Duration interval = client.minPollInterval;
    Instant deadline = start.plus(client.timeout);
    while (!pending.isEmpty() || !active.isEmpty()) {
      while (!pending.isEmpty() && countUnfinished() < client.maxQueuedBatches) {
        upload(pending.pollFirst());
      }
      if (active.isEmpty()) {
        continue;
      }
      if (!client.clock.instant().plus(interval).isBefore(deadline)) {
        throw new MarketoException(
            "The import did not finish within "
                + client.timeout
                + "; batches still running: "
                + active.stream().map(p -> String.valueOf(p.status.batchId())).toList()
                + ". Run importAndAwait again with the same files: it resumes from the journal "
                + journal.file().getFileName()
                + ".");
      }
      client.sleep(interval);
      boolean changed = false;
      for (Part p : new ArrayList<>(active)) {
        BatchStatus before = p.status;
        BatchStatus now = client.status(before.batchId());
        p.status = now;
        if (!now.equals(before)) {
          changed = true;
        }
        if (now.finished()) {
          finish(p);
        }
      }
      progress();
      interval =
          changed
              ? client.minPollInterval
              : min(client.maxPollInterval, Duration.ofMillis(interval.toMillis() * 3 / 2));
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private long countUnfinished() {
    return active.stream().filter(p -> !p.status.finished()).count();
  }

  private void upload(Part p) {
    while (true) {
      try {
        BatchStatus s = client.doUpload(p.file, p.name, format, options);
        journal.record(p.name, p.sha256, Journal.State.ACCEPTED, s.batchId());
        p.status = s;
        active.add(p);
        uploaded++;
        LOG.info("Uploaded {} as batch {}", p.name, s.batchId());
        progress();
        return;
      } catch (MarketoUncertainUploadException e) {
        if (options.uncertainUploads() == ImportOptions.UncertainUploads.UPLOAD_AGAIN) {
          LOG.warn("The answer to the upload of {} was lost; uploading it again as asked", p.name);
          continue;
        }
        journal.record(p.name, p.sha256, Journal.State.UNCERTAIN, 0);
        uncertain.add(p.file);
        uploaded++;
        LOG.warn(
            "The answer to the upload of {} was lost; Marketo may have accepted it. Not uploading"
                + " it again: check Marketo, then run again with UncertainUploads.UPLOAD_AGAIN if"
                + " it was not imported.",
            p.name);
        return;
      }
    }
  }

  private void finish(Part p) {
    active.remove(p);
    finished++;
    BatchStatus s = p.status;
    if (s.state() == BatchStatus.State.COMPLETE) {
      if (s.rowsFailed() > 0) {
        collect(p, client.failures(s.batchId(), format), failures);
      }
      if (s.rowsWithWarning() > 0) {
        collect(p, client.warnings(s.batchId(), format), warnings);
      }
    } else {
      LOG.warn("Batch {} for {} failed: {}", s.batchId(), p.name, s.message());
    }
    journal.record(p.name, p.sha256, Journal.State.FINISHED, s.batchId(), s);
    p.result =
        new ImportReport.Batch(
            p.file,
            s.batchId(),
            s.state(),
            s.message(),
            s.leadsProcessed(),
            s.rowsFailed(),
            s.rowsWithWarning(),
            p.resumed);
  }

  private void collect(Part p, BatchRows rows, List<PendingIssue> into) {
    try (rows) {
      int lookup = -1;
      List<String> header = rows.header();
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).equalsIgnoreCase(options.lookupField())) {
          lookup = i;
        }
      }
      for (BatchRow row : rows) {
        String value = lookup >= 0 && lookup < row.values().size() ? row.values().get(lookup) : "";
        into.add(new PendingIssue(p.file, p.source, p.status.batchId(), value, row.reason()));
      }
    }
  }

  private void progress() {
    int queued = 0;
    int importing = 0;
    long processed = 0;
    long total = 0;
    for (Part p : parts) {
      if (p.rows < 0) {
        total = -1;
      } else if (total >= 0) {
        total += p.rows;
      }
      if (p.status != null) {
        processed += p.status.leadsProcessed() + p.status.rowsFailed();
        if (!p.status.finished() && active.contains(p)) {
          if (p.status.state() == BatchStatus.State.IMPORTING) {
            importing++;
          } else {
            queued++;
          }
        }
      }
    }
    client.listener.onProgress(
        new ImportProgress(parts.size(), uploaded, queued, importing, finished, processed, total));
  }

  private ImportReport report() {
    Map<String, List<String>> users = Map.of();
    if (rowKeys != null && rowKeys.keyColumn().equalsIgnoreCase(options.lookupField())) {
      Set<String> keys = new HashSet<>();
      failures.forEach(f -> keys.add(f.lookupValue()));
      warnings.forEach(w -> keys.add(w.lookupValue()));
      keys.remove("");
      if (!keys.isEmpty()) {
        users = rowKeys.userIdsByKey(keys);
      }
    }
    List<ImportReport.Batch> batches = new ArrayList<>();
    for (Part p : parts) {
      if (p.result != null) {
        batches.add(p.result);
      }
    }
    List<ImportReport.RowIssue> traced = trace(failures, users);
    return new ImportReport(
        batches,
        uncertain,
        traced,
        trace(warnings, users),
        Duration.between(start, client.clock.instant()),
        client.callsMade() - callsBefore,
        confirmations(traced));
  }

  /**
   * What Marketo confirmed of each file given: a file whose batches all completed, with every
   * failed row traced to its users, is confirmed but for those users; any other file not at all.
   */
  private Map<Path, ImportReport.FileOutcome> confirmations(List<ImportReport.RowIssue> traced) {
    Map<Path, ImportReport.FileOutcome> out = new HashMap<>();
    Map<Path, Long> failedRows = new HashMap<>();
    Map<Path, Boolean> whole = new HashMap<>();
    for (Part p : parts) {
      boolean ok =
          p.result != null
              && p.result.state() == BatchStatus.State.COMPLETE
              && !uncertain.contains(p.file);
      whole.merge(p.source, ok, Boolean::logicalAnd);
      failedRows.merge(p.source, p.result == null ? 0 : p.result.rowsFailed(), Long::sum);
    }
    Map<Path, Set<String>> failedUsers = new HashMap<>();
    Map<Path, Long> tracedRows = new HashMap<>();
    for (int i = 0; i < failures.size(); i++) {
      Path source = failures.get(i).source();
      List<String> ids = traced.get(i).userIds();
      if (ids.isEmpty()) {
        whole.put(source, false); // a failed row we cannot name: trust nothing in its file
      }
      failedUsers.computeIfAbsent(source, k -> new HashSet<>()).addAll(ids);
      tracedRows.merge(source, 1L, Long::sum);
    }
    for (Map.Entry<Path, Boolean> e : whole.entrySet()) {
      Path source = e.getKey();
      boolean complete =
          e.getValue() && tracedRows.getOrDefault(source, 0L).equals(failedRows.get(source));
      out.put(
          ImportReport.key(source),
          new ImportReport.FileOutcome(
              complete, complete ? failedUsers.getOrDefault(source, Set.of()) : Set.of()));
    }
    return out;
  }

  private static List<ImportReport.RowIssue> trace(
      List<PendingIssue> issues, Map<String, List<String>> users) {
    List<ImportReport.RowIssue> out = new ArrayList<>(issues.size());
    for (PendingIssue i : issues) {
      out.add(
          new ImportReport.RowIssue(
              i.file(),
              i.batchId(),
              i.lookupValue(),
              users.getOrDefault(i.lookupValue(), List.of()),
              i.reason()));
    }
    return out;
  }

  // ------------------------------------------------------------------------------ parts

  private void prepareParts() {
    for (Path file : files) {
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
      }
      String name = file.getFileName().toString();
      if (size <= client.maxFileBytes) {
        parts.add(new Part(file, file, name, sha256(file)));
      } else {
        split(file, name);
      }
    }
  }

  /** Splits a file over the limit at record boundaries, each piece with the header. */
  private void split(Path file, String name) {
    Path dir = file.toAbsolutePath().resolveSibling("." + name + ".marketo-parts");
    splitDirs.add(dir);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    RowEncoder rows = new RowEncoder(format);
    try (CsvReader reader = format.openReader(file)) {
      deleteTree(dir);
      OwnerOnlyFiles.createDirectories(dir);
      try (PartWriter pieces =
          new PartWriter(dir, name, rows.head(reader.header()), client.maxFileBytes)) {
        for (List<String> row; (row = reader.next()) != null; ) {
          rows.encode(row); // read in the same charset, so it encodes
          if (!pieces.fits(rows.length())) {
            throw new MarketoException(
                name
                    + " has a row of "
                    + rows.length()
                    + " bytes, too large for a part of at most "
                    + client.maxFileBytes
                    + " bytes.");
          }
          pieces.write(rows.bytes(), rows.length());
        }
        List<Path> names = new ArrayList<>();
        for (int i = 1; i <= pieces.parts(); i++) {
          names.add(dir.resolve(String.format(Locale.ROOT, "%s-p%03d%s", stem, i, ext)));
        }
        int number = 0;
        for (PartWriter.Part piece : pieces.publish(names)) {
          addPiece(piece.file(), file, name, ++number, piece.rows());
        }
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new MarketoException("Cannot split " + file + " into parts: " + e.getMessage(), e);
    }
  }

  private void addPiece(Path piece, Path source, String name, int number, long rows) {
    Part p = new Part(piece, source, name + "#" + number, sha256(piece));
    p.rows = rows;
    parts.add(p);
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

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}", dir);
    }
  }
}
