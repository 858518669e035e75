package io.leadbridge.marketo;

import io.leadbridge.core.RowKeys;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.SafeListener;
import io.leadbridge.core.internal.http.Deadline;
import io.leadbridge.marketo.ImportParts.Part;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link MarketoBulkLeadClient#importAndAwait}: splits, uploads, polls, collects failed
 * and warned rows, and keeps the journal. Reads only its {@link Settings} and calls Marketo only
 * through its {@link Api}. Not thread-safe: one run, one thread.
 */
final class ImportRun {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  /** The calls a run makes. Every call and wait stops at the run's deadline. */
  interface Api {
    BatchStatus upload(
        Path file, String name, CsvFormat format, ImportOptions options, Deadline deadline);

    BatchStatus status(long batchId, Deadline deadline);

    BatchRows failures(long batchId, CsvFormat format, Deadline deadline);

    BatchRows warnings(long batchId, CsvFormat format, Deadline deadline);

    /** The instance's lead fields, read once per client. */
    List<LeadField> leadFields(Deadline deadline);

    /** Leads whose filter field holds one of up to 300 values, with the fields named. */
    List<Map<String, Object>> leads(
        String filterType, List<String> values, List<String> fields, Deadline deadline);

    /** Today's API calls of every integration, from {@code stats/usage.json}. */
    long usageToday(Deadline deadline);

    /** API calls made so far by the client, tokens included. */
    long calls();

    /** Of {@link #calls()}, those to the identity endpoint. */
    long tokenCalls();

    void pause(Duration wait, String what, Deadline deadline);
  }

  /**
   * The client's settings for its runs.
   *
   * @param clock the client's clock
   * @param minPollInterval the first wait between polls, and the wait after a change
   * @param maxPollInterval the longest wait between polls
   * @param maxQueuedBatches how many of the run's batches may be unfinished at once
   * @param maxFileBytes the largest part uploaded; larger files are split
   * @param timeout the longest a run may take
   * @param headerCheck whether the header is checked before the first upload
   * @param valueCheck whether every value is checked against its field before the first upload
   */
  record Settings(
      Clock clock,
      Duration minPollInterval,
      Duration maxPollInterval,
      int maxQueuedBatches,
      long maxFileBytes,
      Duration timeout,
      boolean headerCheck,
      boolean valueCheck) {
    Settings {
      if (minPollInterval.compareTo(maxPollInterval) > 0) {
        throw new IllegalArgumentException("minPollInterval must not be above maxPollInterval.");
      }
      if (maxFileBytes <= 1024 || maxFileBytes > 10_000_000) {
        throw new IllegalArgumentException(
            "maxFileBytes must be above 1 KB and at most 10,000,000: Marketo refuses files of 10"
                + " MB.");
      }
    }
  }

  private final Api api;
  private final Settings settings;
  private final SafeListener<ImportProgress> listener;
  private final List<Path> files;
  private final CsvFormat format;
  private final RowKeys rowKeys;
  private final ImportOptions options;

  private List<Part> parts = List.of();
  private ImportParts prepared;
  private Journal journal;
  private Instant start;
  private Deadline deadline;
  private long callsBefore;

  private final Deque<Part> pending = new ArrayDeque<>();
  private final List<Part> active = new ArrayList<>();
  private final List<Path> uncertain = new ArrayList<>();
  private final List<PendingIssue> failures = new ArrayList<>();
  private final List<PendingIssue> warnings = new ArrayList<>();
  private int uploaded;
  private int finished;
  private ValueReport values = ValueReport.none();
  private QuotaCheck quota;
  private List<LeadField> fields;
  private final List<UncertainPart> resolving = new ArrayList<>();
  private final List<UncertainUpload> resolvedEarlier = new ArrayList<>();
  private String lookupsDenied;
  private BatchPolls polls;
  private final Map<Path, String> sha = new HashMap<>();
  private final Map<Path, List<ValueScan.LeftRow>> undecidedRows = new HashMap<>();

  private static final int DESCRIBE = 0;
  private static final int USAGE = 1;
  private static final int UPLOAD = 2;
  private static final int STATUS = 3;
  private static final int FILES = 4;
  private static final int LOOKUP = 5;
  private final long[] counts = new long[6];
  private long tokens;

  private record PendingIssue(
      Path file, Path source, long batchId, String lookupValue, String reason) {}

  ImportRun(
      Api api,
      Settings settings,
      ImportListener listener,
      List<Path> files,
      CsvFormat format,
      RowKeys rowKeys,
      ImportOptions options) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("No files to import.");
    }
    this.api = api;
    this.settings = settings;
    this.listener = SafeListener.of(listener::onProgress, "Marketo import");
    this.files = List.copyOf(files);
    this.format = format;
    this.rowKeys = rowKeys;
    this.options = options;
    ImportOptions.marketoFormat(format); // refuses delimiters Marketo cannot read
  }

  /**
   * Checks the values of files against the instance's lead fields as an import would, uploading
   * nothing: the prediction a dry run prints.
   */
  static ValueReport checkValues(
      Api api, List<Path> files, CsvFormat format, RowKeys keys, ImportOptions options) {
    List<LeadField> fields = api.leadFields(Deadline.none());
    HeaderCheck.check(HeaderCheck.readHeader(files.get(0), format), fields);
    return ValueScan.scan(files, format, fields, options, keys, Map.of()).report();
  }

  ImportReport run() {
    start = settings.clock().instant();
    deadline = Deadline.at(start.plus(settings.timeout()), this::timedOut);
    callsBefore = api.calls();
    Path first = files.get(0).toAbsolutePath();
    journal = Journal.open(first.resolveSibling(first.getFileName() + ".marketo-journal"));
    Map<Path, List<ValueScan.LeftRow>> decided = new HashMap<>();
    boolean undecided = false;
    for (Path f : files) {
      String hash = ImportParts.sha256(f);
      sha.put(f, hash);
      List<ValueScan.LeftRow> d = journal.decision(f.getFileName().toString(), hash);
      if (d != null) {
        decided.put(f, d);
      } else {
        undecided = true; // never checked, so never uploaded: there is work to do
      }
    }
    try {
      if (!(settings.valueCheck() && undecided)) {
        prepared =
            ImportParts.prepare(
                files, format, settings.maxFileBytes(), leftRows(decided), Map.of());
        sort(prepared);
      }
      if (prepared == null || !pending.isEmpty()) {
        if (settings.headerCheck() || settings.valueCheck()) {
          fields = counted(DESCRIBE, () -> api.leadFields(deadline));
        }
        if (settings.headerCheck()) {
          HeaderCheck.check(HeaderCheck.readHeader(files.get(0), format), fields);
        }
        if (settings.valueCheck()) {
          ValueScan.Result scan = ValueScan.scan(files, format, fields, options, rowKeys, decided);
          values = scan.report();
          if (scan.stops() > 0) {
            throw stopped(scan);
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

  /** Makes a call of a kind, counting it and the token calls it made. */
  private <T> T counted(int kind, Supplier<T> call) {
    long calls = api.calls();
    long tokenCalls = api.tokenCalls();
    try {
      return call.get();
    } finally {
      long t = api.tokenCalls() - tokenCalls;
      tokens += t;
      counts[kind] += api.calls() - calls - t;
    }
  }

  private ImportCalls callsByKind() {
    return new ImportCalls(
        tokens,
        counts[DESCRIBE],
        counts[USAGE],
        counts[UPLOAD],
        counts[STATUS],
        counts[FILES],
        counts[LOOKUP]);
  }

  /**
   * Reads today's usage and refuses to start when the quota left would not cover the calls this run
   * is estimated to need (see {@link QuotaCheck} for the estimate).
   */
  private QuotaCheck checkQuota() {
    long batches = pending.size() + active.size();
    ImportCalls estimate =
        new ImportCalls(
            2, counts[DESCRIBE] > 0 ? 1 : 0, 1, pending.size(), 3 * batches, 2 * batches, 0);
    long used;
    try {
      used = counted(USAGE, () -> api.usageToday(deadline));
    } catch (MarketoServiceException e) {
      if (e.serviceCode().filter("607"::equals).isPresent()) {
        throw e;
      }
      LOG.warn(
          "Today's API usage could not be read ({}); importing without checking the daily quota",
          e.getMessage());
      used = -1;
    }
    long needed = Math.max(0, estimate.total() - (api.calls() - callsBefore));
    QuotaCheck q = new QuotaCheck(options.dailyQuota(), used, estimate, needed);
    if (!q.sufficient()) {
      throw new MarketoQuotaException(
          String.format(
              Locale.ROOT,
              "Not starting the import: it needs about %,d more API calls (%s), and the instance"
                  + " has %,d left of its daily quota of %,d (%,d used today by every"
                  + " integration). Nothing was uploaded. Run it after midnight in the instance's"
                  + " time zone, or, if Adobe set a larger quota, give it with"
                  + " ImportOptions.dailyQuota(...).",
              needed,
              estimate,
              q.remaining(),
              q.dailyQuota(),
              used),
          q);
    }
    LOG.info(
        "About {} API calls needed; {} left of the daily quota of {}",
        needed,
        q.remaining(),
        q.dailyQuota());
    return q;
  }

  private static Map<Path, List<Long>> leftRows(Map<Path, List<ValueScan.LeftRow>> left) {
    Map<Path, List<Long>> out = new HashMap<>();
    left.forEach((f, rows) -> out.put(f, rows.stream().map(ValueScan.LeftRow::row).toList()));
    return out;
  }

  /** The failure of a check whose policy is to stop: counts by column and rule, no values. */
  private MarketoValueException stopped(ValueScan.Result scan) {
    ValueReport r = scan.report();
    List<String> lines = new ArrayList<>();
    r.counts()
        .forEach(
            (column, rules) ->
                rules.forEach(
                    (rule, n) ->
                        lines.add(
                            column
                                + ": "
                                + n
                                + (n == 1 ? " row " : " rows ")
                                + rule
                                + " ("
                                + rule.severity().name().toLowerCase(java.util.Locale.ROOT)
                                + ": "
                                + rule.description()
                                + ")")));
    return new MarketoValueException(
        "Nothing was uploaded: "
            + scan.stops()
            + " row"
            + (scan.stops() == 1 ? " has values" : "s have values")
            + " Marketo would refuse or change, and the policy for them is STOP:\n  "
            + String.join("\n  ", lines)
            + "\nFix the source, or choose RowPolicy.LEAVE_OUT or SEND for these rows;"
            + " exception.report() names each row's user.",
        r);
  }

  /** Sorts the parts by the journal: to upload, to wait on, finished or uncertain. */
  private void sort(ImportParts prepared) {
    parts = prepared.parts();
    pending.clear();
    active.clear();
    uncertain.clear();
    resolving.clear();
    resolvedEarlier.clear();
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
        resolving.add(
            new UncertainPart(p, Instant.ofEpochMilli(e.at()), new HashSet<>(), new HashSet<>()));
        uploaded++;
      } else if (e.state() == Journal.State.UNCERTAIN) {
        uncertain.add(p.file);
        uploaded++;
      } else if (e.state() == Journal.State.IMPORTED) {
        p.confirmedByLookup = true;
        p.finishedAt = Instant.EPOCH;
        resolvedEarlier.add(
            new UncertainUpload(
                p.file,
                p.name,
                UncertainUpload.Outcome.CONFIRMED,
                0,
                0,
                0,
                0,
                "an earlier run found its leads in Marketo"));
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
    // for uncertain parts of an earlier run: the batches around them, in journal order
    for (UncertainPart u : resolving) {
      for (Part q : parts) {
        boolean batch = q.finishedAt != null && !q.confirmedByLookup || active.contains(q);
        if (q == u.part || !batch) {
          continue;
        }
        if (q.seq > u.part.seq) {
          u.after.add(q);
        } else if (active.contains(q)) {
          u.before.add(q);
        }
      }
    }
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
    while (!pending.isEmpty() || !active.isEmpty() || waiting()) {
      while (!pending.isEmpty() && countUnfinished() < settings.maxQueuedBatches()) {
        Part p = pending.pollFirst();
        if (upload(p)) {
          p.polls = polls.start(prepared.rows(p), settings.clock().instant(), false);
        }
      }
      if (resolve(settings.clock().instant())) {
        continue; // a part to upload again
      }
      Instant due = null;
      for (Part p : active) {
        due = earlier(due, p.polls.next);
      }
      for (UncertainPart u : resolving) {
        if (!u.decided()) {
          due = earlier(due, lookAt(u));
        }
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
        BatchStatus status = counted(STATUS, () -> api.status(p.status.batchId(), deadline));
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

  private boolean waiting() {
    return resolving.stream().anyMatch(u -> !u.decided());
  }

  /** When an undecided uncertain part is next looked up, or {@code null} while it must wait. */
  private Instant lookAt(UncertainPart u) {
    return u.nextLook != null
        ? u.nextLook
        : u.readyAt(polls.rowsPerSecond(), settings.minPollInterval());
  }

  /**
   * Looks up the uncertain parts whose time has come.
   *
   * @return whether a part was put back to be uploaded again
   */
  private boolean resolve(Instant now) {
    boolean again = false;
    for (UncertainPart u : resolving) {
      Instant at = u.decided() ? null : lookAt(u);
      if (at != null && !at.isAfter(now)) {
        look(u, now);
        again |= u.outcome == UncertainUpload.Outcome.UPLOADED_AGAIN && u.batchId == 0;
      }
    }
    return again;
  }

  /** One lookup of an uncertain part's sampled leads, and the decision it allows. */
  private void look(UncertainPart u, Instant now) {
    if (lookupsDenied != null) {
      still(u, lookupsDenied);
      return;
    }
    Map<String, LeadField> byName = fieldsByName();
    u.sample(format, prepared.rows(u.part), options.lookupField());
    if (u.sampled() == 0) {
      still(u, "none of its rows has a lookup value the Leads API can filter on");
      return;
    }
    List<String> values = u.unmatchedValues(options.lookupField());
    LeadField key = byName.get(options.lookupField().toLowerCase(Locale.ROOT));
    String filter = key == null ? options.lookupField() : key.name();
    List<Map<String, Object>> leads;
    try {
      leads = counted(LOOKUP, () -> api.leads(filter, values, u.columns(byName), deadline));
    } catch (MarketoServiceException e) {
      u.calls++;
      if (e.serviceCode().filter("603"::equals).isPresent()) {
        lookupsDenied =
            "the API user may not read leads (Marketo 603): give its role the Read-Only Lead"
                + " permission, or check in Marketo and run again with UPLOAD_AGAIN if the part"
                + " was not imported";
        still(u, lookupsDenied);
      } else {
        still(u, "the Leads API refused the lookup: " + e.getMessage());
      }
      return;
    }
    u.calls++;
    u.looks++;
    u.match(leads, byName, options.lookupField());
    int m = u.matchedCount();
    int n = u.sampled();
    if (m == n) {
      confirm(u, "all " + n + " sampled leads hold the part's values");
    } else if (m == 0 && u.proof(now)) {
      u.decide(
          UncertainUpload.Outcome.UPLOADED_AGAIN,
          "none of "
              + n
              + " sampled leads holds the part's values, although "
              + (u.after.isEmpty()
                  ? "its answer was lost " + UncertainPart.PROOF_AGE.toHours() + " hours ago"
                  : "a batch accepted after it has completed")
              + ": Marketo never took it");
      u.part.uploadedAgain = true;
      pending.addFirst(u.part);
      LOG.info("{} was not imported by Marketo: uploading it again", u.part.name);
    } else if (u.tailMatched()) {
      confirm(
          u,
          "its last row's lead holds its values, so Marketo imported it to the end; "
              + (n - m)
              + " of "
              + n
              + " sampled leads differ and are not confirmed");
    } else if (u.looks >= UncertainPart.MAX_LOOKS) {
      still(
          u,
          m == 0
              ? "none of "
                  + n
                  + " sampled leads holds the part's values, and no batch accepted after it has"
                  + " completed to prove Marketo would have imported it by now; the next run"
                  + " looks again"
              : m
                  + " of "
                  + n
                  + " sampled leads hold the part's values, not its last row's: it may still be"
                  + " importing; the next run looks again");
    } else {
      double rate = polls.rowsPerSecond();
      Duration wait =
          rate > 0
              ? Duration.ofMillis((long) (u.part.rows * (n - m) / (double) n / rate * 1250))
              : settings.minPollInterval().multipliedBy(1L << u.looks);
      u.nextLook = now.plus(wait.compareTo(polls.shortPoll()) < 0 ? polls.shortPoll() : wait);
    }
  }

  private void confirm(UncertainPart u, String reason) {
    u.decide(UncertainUpload.Outcome.CONFIRMED, reason);
    journal.record(u.part.name, u.part.sha256, Journal.State.IMPORTED, 0);
    u.part.confirmedByLookup = true;
    u.part.finishedAt = settings.clock().instant();
    u.part.unmatched = u.unmatchedValues(options.lookupField());
    finished++;
    LOG.info("{}: its upload's answer was lost, but {}", u.part.name, reason);
  }

  private void still(UncertainPart u, String reason) {
    u.decide(UncertainUpload.Outcome.STILL_UNCERTAIN, reason);
    uncertain.add(u.part.file);
    LOG.warn("{} stays uncertain: {}", u.part.name, reason);
  }

  private Map<String, LeadField> fieldsByName() {
    if (fields == null) {
      fields = counted(DESCRIBE, () -> api.leadFields(deadline));
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
      BatchStatus s = counted(UPLOAD, () -> api.upload(p.file, p.name, format, options, deadline));
      journal.record(p.name, p.sha256, Journal.State.ACCEPTED, s.batchId());
      p.status = s;
      active.add(p);
      uploaded++;
      LOG.info("Uploaded {} as batch {}", p.name, s.batchId());
      for (UncertainPart u : resolving) {
        if (u.part == p) {
          u.batchId = s.batchId();
        } else if (!u.decided()) {
          u.after.add(p);
        }
      }
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
        resolving.add(new UncertainPart(p, now, ahead, new HashSet<>()));
        uploaded++;
        LOG.warn(
            "The answer to the upload of {} was lost; Marketo may have accepted it. Its leads"
                + " will be looked up once the batches around it have finished.",
            p.name);
        return false;
      }
      for (UncertainPart u : resolving) {
        if (u.part == p) {
          u.decide(
              UncertainUpload.Outcome.STILL_UNCERTAIN,
              "the answer to its second upload was lost too; check Marketo");
        }
      }
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
        collect(p, counted(FILES, () -> api.failures(s.batchId(), format, deadline)), failures);
      }
      if (s.rowsWithWarning() > 0) {
        collect(p, counted(FILES, () -> api.warnings(s.batchId(), format, deadline)), warnings);
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
    listener.accept(
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
    List<UncertainUpload> settled = new ArrayList<>(resolvedEarlier);
    resolving.forEach(u -> settled.add(u.report()));
    return new ImportReport(
        batches,
        uncertain,
        traced,
        trace(warnings, users),
        Duration.between(start, settings.clock().instant()),
        api.calls() - callsBefore,
        confirmations(traced),
        values,
        callsByKind(),
        quota,
        settled);
  }

  /**
   * What Marketo confirmed of each file given: a file whose batches all completed, with every
   * failed row traced to its users, is confirmed but for those users; any other file not at all.
   */
  private Map<Path, ImportReport.FileOutcome> confirmations(List<ImportReport.RowIssue> traced) {
    Map<Path, ImportReport.FileOutcome> out = new HashMap<>();
    Map<Path, Long> failedRows = new HashMap<>();
    Map<Path, Boolean> whole = new HashMap<>();
    Map<Path, Set<String>> failedUsers = new HashMap<>();
    boolean keyed = rowKeys != null && rowKeys.keyColumn().equalsIgnoreCase(options.lookupField());
    for (Part p : parts) {
      if (p.rows == 0) {
        continue; // nothing of it was sent: its rows were all left out, and are not confirmed
      }
      boolean ok =
          ((p.result != null && p.result.state() == BatchStatus.State.COMPLETE)
                  || p.confirmedByLookup)
              && !uncertain.contains(p.file);
      if (p.confirmedByLookup && !p.unmatched.isEmpty()) {
        // sampled rows whose lead differs: not confirmed, or nothing of the file when untraceable
        if (keyed) {
          rowKeys
              .userIdsByKey(p.unmatched)
              .values()
              .forEach(
                  ids -> failedUsers.computeIfAbsent(p.source, k -> new HashSet<>()).addAll(ids));
        } else {
          ok = false;
        }
      }
      whole.merge(p.source, ok, Boolean::logicalAnd);
      failedRows.merge(p.source, p.result == null ? 0 : p.result.rowsFailed(), Long::sum);
    }
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
}
