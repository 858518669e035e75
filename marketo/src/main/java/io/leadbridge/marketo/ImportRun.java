package io.leadbridge.marketo;

import static io.leadbridge.marketo.RunCalls.Kind.DESCRIBE;
import static io.leadbridge.marketo.RunCalls.Kind.FILES;
import static io.leadbridge.marketo.RunCalls.Kind.LOOKUP;
import static io.leadbridge.marketo.RunCalls.Kind.STATUS;
import static io.leadbridge.marketo.RunCalls.Kind.UPLOAD;
import static io.leadbridge.marketo.RunCalls.Kind.USAGE;

import io.leadbridge.core.RowKeys;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.SafeListener;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.internal.http.Deadline;
import io.leadbridge.marketo.ImportParts.Part;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link MarketoBulkLeadClient#importAndAwait} for one {@link BulkTarget} (leads,
 * program members or a custom object: only the paths, parameters and fields differ, from the target
 * and the {@link ImportApi}): checks the target, the header and every value ({@link ValueScan}),
 * splits and re-writes the parts ({@link ImportParts}), reads the quota, uploads, polls each batch
 * near its predicted end ({@link BatchPolls}), settles lost answers ({@link UncertainResolver}),
 * collects failed and warned rows ({@link RowIssues}), and keeps the journal. Reads only its {@link
 * ImportSettings} and calls Marketo only through its {@link ImportApi}. Not thread-safe: one run,
 * one thread.
 */
final class ImportRun {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  private final ImportApi api;
  private final ImportSettings settings;
  private final SafeListener<ImportProgress> listener;
  private final List<Path> files;
  private final CsvFormat format;
  private final RowKeys rowKeys;
  private final ImportOptions options;
  private final BulkTarget target;
  private final RowIssues issues;
  private final StateJournal stateJournal;

  private List<Part> parts = List.of();
  private ImportParts prepared;
  private Journal journal;
  private Instant start;
  private Deadline deadline;
  private RunCalls calls;

  private final Deque<Part> pending = new ArrayDeque<>();
  private final List<Part> active = new ArrayList<>();
  private final List<Path> uncertain = new ArrayList<>();
  private int uploaded;
  private int finished;
  private ValueReport values = ValueReport.none();
  private QuotaCheck quota;
  private List<LeadField> fields;
  private UncertainResolver resolver;
  private BatchPolls polls;
  private final Map<Path, String> sha = new HashMap<>();
  private final Map<Path, List<ValueScan.LeftRow>> undecidedRows = new HashMap<>();

  ImportRun(
      ImportApi api,
      ImportSettings settings,
      ImportListener listener,
      List<Path> files,
      CsvFormat format,
      RowKeys rowKeys,
      ImportOptions options) {
    this(api, settings, listener, files, format, rowKeys, BulkTarget.leads(), options, null);
  }

  /**
   * A run for a target. A lost upload answer of a program member or custom object import is
   * reported ({@link ImportOptions.UncertainUploads#REPORT}) when the options say RESOLVE: a lookup
   * of leads cannot tell whether a membership or a record was written.
   *
   * @param stateJournal the import journal of the sync state the files were exported against, or
   *     null
   */
  ImportRun(
      ImportApi api,
      ImportSettings settings,
      ImportListener listener,
      List<Path> files,
      CsvFormat format,
      RowKeys rowKeys,
      BulkTarget target,
      ImportOptions options,
      StateJournal stateJournal) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("No files to import.");
    }
    this.api = api;
    this.settings = settings;
    this.listener = SafeListener.of(listener::onProgress, "Marketo import");
    this.files = List.copyOf(files);
    this.format = format;
    this.rowKeys = rowKeys;
    this.target = target;
    this.options =
        !target.isLeads() && options.uncertainUploads() == ImportOptions.UncertainUploads.RESOLVE
            ? options.toBuilder().uncertainUploads(ImportOptions.UncertainUploads.REPORT).build()
            : options;
    this.issues = new RowIssues(rowKeys, target.traceColumn(options));
    this.stateJournal = stateJournal;
    ImportOptions.marketoFormat(format); // refuses delimiters Marketo cannot read
  }

  /**
   * Checks the values of files against the instance's lead fields as an import would, uploading
   * nothing: the prediction a dry run prints.
   */
  static ValueReport checkValues(
      ImportApi api,
      List<Path> files,
      CsvFormat format,
      RowKeys keys,
      BulkTarget target,
      ImportOptions options) {
    ImportApi.TargetFields fields = api.targetFields(target, options, Deadline.none());
    HeaderCheck.check(HeaderCheck.readHeader(files.get(0), format), fields.fields(), target);
    return ValueScan.scan(files, format, fields, options, keys, Map.of()).report();
  }

  /**
   * Runs the import, holding the folder of the journal (the first file's) for its whole length: a
   * second import of the same files, in this process or another, is refused naming this one instead
   * of uploading what this one is uploading.
   */
  ImportReport run() {
    Path folder = files.get(0).toAbsolutePath().getParent();
    FolderLock held;
    try {
      held = FolderLock.acquire(folder, "Marketo import");
    } catch (IOException e) {
      throw new MarketoException(
          "Cannot hold the folder " + folder + " for the import: " + IoErrors.reason(e) + ".", e);
    }
    try (held) {
      return runHeld();
    }
  }

  private ImportReport runHeld() {
    start = settings.clock().instant();
    deadline = Deadline.at(start.plus(settings.timeout()), this::timedOut);
    calls = new RunCalls(api);
    Path first = files.get(0).toAbsolutePath();
    journal = Journal.open(first.resolveSibling(first.getFileName() + target.journalSuffix()));
    Map<Path, List<ValueScan.LeftRow>> decided = new HashMap<>();
    boolean undecided = false;
    for (Path f : files) {
      String hash = ImportParts.sha256(f);
      sha.put(f, hash);
      List<ValueScan.LeftRow> d = journal.decision(f.getFileName().toString(), hash);
      if (d != null) {
        decided.put(f, d);
      } else if (journal.hasParts(f.getFileName().toString())) {
        decided.put(f, List.of()); // uploaded by a run that left nothing out: keep its parts
      } else {
        undecided = true; // never checked, so never uploaded: there is work to do
      }
    }
    if (stateJournal != null) {
      stateJournal.find(files, this::earlierBatch);
    }
    try {
      if (!(settings.valueCheck() && undecided)) {
        prepared =
            ImportParts.prepare(
                files, format, settings.maxFileBytes(), leftRows(decided), Map.of());
        sort(prepared);
      }
      if (prepared == null || !pending.isEmpty()) {
        ImportApi.TargetFields described = null;
        if (settings.headerCheck() || settings.valueCheck() || !target.isLeads()) {
          // for members and custom objects, also checks the program, status or object
          described = calls.counted(DESCRIBE, () -> api.targetFields(target, options, deadline));
          if (target.isLeads()) {
            fields = described.fields();
          }
        }
        if (settings.headerCheck()) {
          HeaderCheck.check(
              HeaderCheck.readHeader(files.get(0), format), described.fields(), target);
        }
        if (settings.valueCheck()) {
          ValueScan.Result scan =
              ValueScan.scan(files, format, described, options, rowKeys, decided);
          values = scan.report();
          if (scan.stops() > 0) {
            throw MarketoValueException.stopped(scan.report(), scan.stops());
          }
          for (Path f : files) {
            if (!decided.containsKey(f)) {
              undecidedRows.put(f, scan.leftOut().get(f)); // recorded with its first upload
            }
          }
          if (prepared == null) {
            prepared =
                ImportParts.prepare(
                    files, format, settings.maxFileBytes(), leftRows(scan.leftOut()), scan.rows());
            sort(prepared);
          }
        }
      } else if (!decided.isEmpty()) {
        values = ValueScan.decided(files, rowKeys, decided);
      }
      if (!pending.isEmpty()) {
        quota = checkQuota();
      }
      loop(pending);
      return report();
    } finally {
      if (prepared != null) {
        prepared.close();
      }
    }
  }

  /**
   * The status of a batch an earlier run recorded in the sync state, or empty when Marketo answers
   * with an error for it (it keeps batches for a limited time); the daily quota running out stops
   * the run as any call would.
   */
  private Optional<BatchStatus> earlierBatch(long batchId) {
    try {
      return Optional.of(calls.counted(STATUS, () -> api.status(target, batchId, deadline)));
    } catch (MarketoServiceException e) {
      if (e.serviceCode().filter("607"::equals).isPresent()) {
        throw e;
      }
      LOG.debug("Batch {} of an earlier run: {}", batchId, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Reads today's usage and refuses to start when the quota left would not cover the calls this run
   * is estimated to need (see {@link QuotaCheck} for the estimate).
   */
  private QuotaCheck checkQuota() {
    ImportCalls estimate =
        QuotaCheck.estimate(
            pending.size(),
            active.size(),
            options.uncertainUploads() == ImportOptions.UncertainUploads.RESOLVE
                ? resolver.size()
                : -1,
            calls.of(DESCRIBE) > 0);
    long used;
    try {
      used = calls.counted(USAGE, () -> api.usageToday(deadline));
    } catch (MarketoServiceException e) {
      if (e.serviceCode().filter("607"::equals).isPresent()) {
        throw e;
      }
      LOG.warn(
          "Today's API usage could not be read ({}); importing without checking the daily quota",
          e.getMessage());
      used = -1;
    }
    long needed = Math.max(0, estimate.total() - calls.total());
    QuotaCheck q = new QuotaCheck(options.dailyQuota(), used, estimate, needed);
    if (!q.sufficient()) {
      throw MarketoQuotaException.refused(q);
    }
    LOG.info(
        "About {} API calls needed; {} left of the daily quota of {}",
        needed,
        q.remaining(),
        q.dailyQuota());
    return q;
  }

  /**
   * The rows to leave out of each file: those the value check left out, and those batches of an
   * earlier run carry, found in the sync state's journal.
   */
  private Map<Path, BitSet> leftRows(Map<Path, List<ValueScan.LeftRow>> left) {
    Map<Path, BitSet> out = new HashMap<>();
    left.forEach(
        (f, rows) -> {
          BitSet bits = out.computeIfAbsent(f, k -> new BitSet());
          rows.forEach(r -> bits.set(Math.toIntExact(r.row())));
        });
    if (stateJournal != null) {
      stateJournal
          .leaveOut()
          .forEach((f, rows) -> out.computeIfAbsent(f, k -> new BitSet()).or(rows));
    }
    return out;
  }

  /** Sorts the parts by the journal: to upload, to wait on, finished or uncertain. */
  private void sort(ImportParts prepared) {
    parts = prepared.parts();
    pending.clear();
    active.clear();
    uncertain.clear();
    resolver = resolver();
    uploaded = 0;
    finished = 0;
    for (Part p : parts) {
      if (p.rows == 0) {
        continue; // every row of its file was left out: nothing to send
      }
      Journal.Entry e = journal.get(p.name, p.sha256);
      p.seq = e == null ? Integer.MAX_VALUE : e.seq();
      if (e == null
          || (e.state() == Journal.State.UNCERTAIN
              && options.uncertainUploads() == ImportOptions.UncertainUploads.UPLOAD_AGAIN)) {
        pending.add(p);
      } else if (e.state() == Journal.State.UNCERTAIN
          && options.uncertainUploads() == ImportOptions.UncertainUploads.RESOLVE) {
        resolver.lostEarlier(p, Instant.ofEpochMilli(e.at()));
        uploaded++;
      } else if (e.state() == Journal.State.UNCERTAIN) {
        uncertain.add(p.file);
        uploaded++;
      } else if (e.state() == Journal.State.IMPORTED) {
        p.confirmedByLookup = true;
        p.finishedAt = Instant.EPOCH;
        resolver.confirmedEarlier(p);
        uploaded++;
        finished++;
      } else if (e.state() == Journal.State.FINISHED && e.result() != null) {
        p.finishedAt = Instant.EPOCH;
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
        p.status =
            new BatchStatus(e.batchId(), Optional.empty(), BatchStatus.State.QUEUED, 0, 0, 0, "");
        active.add(p);
        uploaded++;
        LOG.info("Resuming batch {} for {} from the journal", e.batchId(), p.name);
      }
    }
    resolver.placeEarlier(parts, active);
    if (stateJournal != null) {
      List<Part> carried = stateJournal.carriedParts(); // waited on, never uploaded
      active.addAll(carried);
      uploaded += carried.size();
      List<Part> all = new ArrayList<>(parts);
      all.addAll(carried);
      parts = List.copyOf(all);
    }
  }

  private UncertainResolver resolver() {
    return new UncertainResolver(
        options,
        format,
        journal,
        settings.clock(),
        settings.minPollInterval(),
        this::fieldsByName,
        (filter, values, columns) ->
            calls.counted(LOOKUP, () -> api.leads(filter, values, columns, deadline)));
  }

  /** The failure for a wait that would pass the run's deadline. */
  private MarketoException timedOut(String what) {
    return new MarketoException(
        "The import did not finish within "
            + settings.timeout()
            + " (last step: "
            + what
            + "); batches still running: "
            + active.stream().map(p -> String.valueOf(p.status.batchId())).toList()
            + ". Run importAndAwait again with the same files"
            + (journal == null
                ? "."
                : ": it resumes from the journal " + journal.file().getFileName() + "."));
  }

  private void loop(Deque<Part> pending) {
    polls = new BatchPolls(settings.minPollInterval(), settings.maxPollInterval());
    for (Part p : active) {
      p.polls = polls.start(prepared.rows(p), start, true);
    }
    while (!pending.isEmpty() || !active.isEmpty() || resolver.waiting()) {
      while (!pending.isEmpty() && countUnfinished() < settings.maxQueuedBatches()) {
        Part p = pending.pollFirst();
        if (upload(p)) {
          p.polls = polls.start(prepared.rows(p), settings.clock().instant(), false);
        }
      }
      List<Part> again = resolver.resolve(settings.clock().instant(), polls, prepared::rows);
      if (!again.isEmpty()) {
        again.forEach(pending::addFirst);
        continue;
      }
      Instant due = resolver.next(polls);
      for (Part p : active) {
        due = earlier(due, p.polls.next);
      }
      if (due == null) {
        continue;
      }
      Duration wait = Duration.between(settings.clock().instant(), due);
      if (!wait.isNegative() && !wait.isZero()) {
        api.pause(wait, "polling the batches", deadline);
      }
      Instant now = settings.clock().instant();
      for (Part p : new ArrayList<>(active)) {
        if (p.polls.next.isAfter(now)) {
          continue;
        }
        BatchStatus status =
            calls.counted(STATUS, () -> api.status(target, p.status.batchId(), deadline));
        p.status = status;
        if (status.finished()) {
          finish(p);
        } else {
          polls.read(p.polls, now, status);
        }
      }
      progress();
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || (b != null && b.isBefore(a)) ? b : a;
  }

  private Map<String, LeadField> fieldsByName() {
    if (fields == null) {
      fields = calls.counted(DESCRIBE, () -> api.leadFields(deadline));
    }
    Map<String, LeadField> out = new HashMap<>();
    for (LeadField f : fields) {
      out.put(f.name().toLowerCase(Locale.ROOT), f);
    }
    return out;
  }

  private long countUnfinished() {
    return active.stream().filter(p -> !p.status.finished()).count();
  }

  /**
   * Uploads a part; with UPLOAD_AGAIN the engine retries a lost answer like any other.
   *
   * @return whether Marketo accepted it as a batch to wait on
   */
  private boolean upload(Part p) {
    List<ValueScan.LeftRow> decision = undecidedRows.remove(p.source);
    if (decision != null) {
      // before any part of the file goes out, so that a resumed run rebuilds the same parts
      journal.recordDecision(p.source.getFileName().toString(), sha.get(p.source), decision);
    }
    try {
      BatchStatus s =
          calls.counted(
              UPLOAD, () -> api.upload(target, p.file, p.name, format, options, deadline));
      journal.record(p.name, p.sha256, Journal.State.ACCEPTED, s.batchId());
      if (stateJournal != null) {
        stateJournal.accepted(s.batchId(), p.file);
      }
      p.status = s;
      active.add(p);
      if (!p.uploadedAgain) {
        uploaded++; // a part uploaded again was counted when its first answer was lost
      }
      LOG.info("Uploaded {} as batch {}", p.name, s.batchId());
      resolver.accepted(p, s.batchId());
      progress();
      return true;
    } catch (MarketoUncertainUploadException e) {
      Instant now = settings.clock().instant();
      journal.uncertain(p.name, p.sha256, now.toEpochMilli());
      if (options.uncertainUploads() == ImportOptions.UncertainUploads.RESOLVE
          && !p.uploadedAgain) {
        Set<Part> ahead = new HashSet<>();
        for (Part q : active) {
          if (!q.status.finished()) {
            ahead.add(q);
          }
        }
        resolver.lost(p, now, ahead);
        uploaded++;
        LOG.warn(
            "The answer to the upload of {} was lost; Marketo may have accepted it. Its leads"
                + " will be looked up once the batches around it have finished.",
            p.name);
        return false;
      }
      resolver.lostAgain(p);
      uncertain.add(p.file);
      if (!p.uploadedAgain) {
        uploaded++;
      }
      LOG.warn(
          "The answer to the upload of {} was lost; Marketo may have accepted it. Not uploading"
              + " it again: check Marketo, then run again with UncertainUploads.UPLOAD_AGAIN if"
              + " it was not imported.",
          p.name);
      return false;
    }
  }

  private void finish(Part p) {
    active.remove(p);
    p.finishedAt = settings.clock().instant();
    finished++;
    BatchStatus s = p.status;
    if (s.state() == BatchStatus.State.COMPLETE) {
      if (s.rowsFailed() > 0) {
        issues.failures(
            p, calls.counted(FILES, () -> api.failures(target, s.batchId(), format, deadline)));
      }
      if (s.rowsWithWarning() > 0) {
        issues.warnings(
            p, calls.counted(FILES, () -> api.warnings(target, s.batchId(), format, deadline)));
      }
    } else {
      LOG.warn("Batch {} for {} failed: {}", s.batchId(), p.name, s.message());
    }
    if (p.carried == null) {
      journal.record(p.name, p.sha256, Journal.State.FINISHED, s.batchId(), s);
    }
    if (stateJournal != null) {
      stateJournal.finished(s.batchId(), s.state());
    }
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
    listener.accept(
        new ImportProgress(
            parts.size(),
            uploaded,
            queued,
            importing,
            finished + resolver.confirmed(),
            processed,
            total));
  }

  private ImportReport report() {
    List<ImportReport.Batch> batches = new ArrayList<>();
    for (Part p : parts) {
      if (p.result != null) {
        batches.add(p.result);
      }
    }
    List<Path> stillUncertain = new ArrayList<>(uncertain);
    stillUncertain.addAll(resolver.stillUncertain());
    RowIssues.Traced traced = issues.trace();
    return new ImportReport(
        batches,
        stillUncertain,
        traced.failures(),
        traced.warnings(),
        Duration.between(start, settings.clock().instant()),
        calls.total(),
        issues.confirmations(parts, stillUncertain, traced.failures()),
        values,
        calls.byKind(),
        quota,
        resolver.report());
  }
}
