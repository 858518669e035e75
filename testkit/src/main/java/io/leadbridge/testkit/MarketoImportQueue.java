package io.leadbridge.testkit;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvWriter;
import io.leadbridge.testkit.internal.Exchange;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bulk import queue of {@link MarketoEmulator}: a FIFO of at most a set number of jobs, ours or
 * foreign, with a fixed number importing at once at a set rows per second. A job's status moves
 * from Queued through Importing to Complete or Failed by the emulator's clock; when it ends, its
 * rows go to the {@link MarketoLeadStore} (leads) or to the job's own store (program members,
 * custom objects: one queue per instance holds every kind). Also serves each job's status and its
 * failures and warnings files, at each kind's paths. Thread-safe.
 */
final class MarketoImportQueue {

  /** What a job imports: each kind has its own status, failures and warnings paths. */
  enum Kind {
    LEADS,
    PROGRAM_MEMBERS,
    CUSTOM_OBJECTS
  }

  /** One import job, ours or foreign. Filled in by the upload, then owned by the queue. */
  static final class Job {
    Kind kind = Kind.LEADS;

    /** The program id or the custom object's API name; empty for leads. */
    String target = "";

    /** For kinds other than leads: applies the job's rows that did not fail to their store. */
    Runnable apply;

    long id;
    String importId;
    List<String> header;
    char delimiter;
    List<List<String>> rows;
    int lookupIndex;
    String[] failureReason;
    String[] warningReason;
    int rowCount;
    Instant start;
    Instant end;
    boolean failBatch;
    String failMessage;
    boolean applied;
  }

  private final int rowsPerSecond;
  private final int queueLimit;
  private final Instant[] slotFreeAt;
  private final MarketoLeadStore store;
  private final Clock clock;
  private final List<Job> jobs = new ArrayList<>();
  private final ArrayDeque<String> batchFailures = new ArrayDeque<>();
  private long nextBatchId = 1000;

  MarketoImportQueue(
      int rowsPerSecond, int importSlots, int queueLimit, MarketoLeadStore store, Clock clock) {
    this.rowsPerSecond = rowsPerSecond;
    this.queueLimit = queueLimit;
    this.slotFreeAt = new Instant[importSlots];
    this.store = store;
    this.clock = clock;
  }

  synchronized void failNextBatch(String message) {
    batchFailures.add(message);
  }

  synchronized void addForeignJobs(int count, int rowsEach) {
    for (int i = 0; i < count; i++) {
      Job job = new Job();
      job.id = nextBatchId++;
      job.rowCount = rowsEach;
      job.rows = List.of();
      job.header = List.of();
      job.failureReason = new String[0];
      job.warningReason = new String[0];
      schedule(job, clock.instant());
      jobs.add(job);
    }
  }

  /**
   * Queues an uploaded job, giving it its ids and, if one was asked for, its failure.
   *
   * @return {@code false} if the queue is full (1016)
   */
  synchronized boolean accept(Job job) {
    Instant now = clock.instant();
    advance(now);
    long occupied = jobs.stream().filter(j -> j.end.isAfter(now)).count();
    if (occupied >= queueLimit) {
      return false;
    }
    job.id = nextBatchId++;
    job.importId = Long.toString(job.id + 500_000);
    String failure = batchFailures.poll();
    if (failure != null) {
      job.failBatch = true;
      job.failMessage = failure;
    }
    schedule(job, now);
    jobs.add(job);
    return true;
  }

  /** Jobs accepted from clients, foreign jobs not counted. */
  synchronized int acceptedUploads() {
    return (int) jobs.stream().filter(j -> j.header != null && !j.header.isEmpty()).count();
  }

  /** Moves every job that has ended by the emulator's clock to the lead store. */
  synchronized void advance() {
    advance(clock.instant());
  }

  /** FIFO with a fixed number of import slots: a job starts when it arrives or a slot frees. */
  private void schedule(Job job, Instant now) {
    int slot = 0;
    for (int i = 0; i < slotFreeAt.length; i++) {
      Instant a = slotFreeAt[i] == null ? Instant.MIN : slotFreeAt[i];
      Instant best = slotFreeAt[slot] == null ? Instant.MIN : slotFreeAt[slot];
      if (a.isBefore(best)) {
        slot = i;
      }
    }
    Instant free = slotFreeAt[slot] == null ? now : slotFreeAt[slot];
    job.start = free.isAfter(now) ? free : now;
    long millis = job.failBatch ? 1000 : Math.max(1, job.rowCount * 1000L / rowsPerSecond);
    job.end = job.start.plusMillis(millis);
    slotFreeAt[slot] = job.end;
  }

  /** Applies every job that has ended by {@code now} to the lead store, in order of ending. */
  private void advance(Instant now) {
    List<Job> due = new ArrayList<>();
    for (Job j : jobs) {
      if (!j.applied && !j.end.isAfter(now)) {
        due.add(j);
      }
    }
    due.sort((a, b) -> a.end.compareTo(b.end));
    for (Job j : due) {
      j.applied = true;
      if (j.failBatch || j.header.isEmpty()) {
        continue;
      }
      if (j.apply != null) {
        j.apply.run();
        continue;
      }
      store.upsert(j.header, j.rows, j.lookupIndex, j.failureReason);
    }
  }

  /**
   * The job a status, failures or warnings path names, of the kind that path serves: {@code
   * /bulk/v1/leads/batch/{id}…}, {@code /bulk/v1/program/members/batch/{id}…} or {@code
   * /bulk/v1/customobjects/{apiName}/import/{id}/…}.
   */
  private Job job(String path, Kind kind) {
    String marker = kind == Kind.CUSTOM_OBJECTS ? "/import/" : "/batch/";
    int at = path.indexOf(marker);
    if (at < 0) {
      return null;
    }
    String rest = path.substring(at + marker.length());
    int end = 0;
    while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 18) {
      return null;
    }
    long id = Long.parseLong(rest.substring(0, end));
    String apiName =
        kind == Kind.CUSTOM_OBJECTS ? path.substring("/bulk/v1/customobjects/".length(), at) : "";
    for (Job j : jobs) {
      if (j.id == id
          && j.kind == kind
          && (kind != Kind.CUSTOM_OBJECTS || j.target.equals(apiName))) {
        return j;
      }
    }
    return null;
  }

  /** {@code GET /bulk/v1/leads/batch/{id}.json}. */
  void status(Exchange ex) throws IOException {
    status(ex, Kind.LEADS);
  }

  /**
   * A job's status at the path of its kind: {@code numOfLeadsProcessed} for leads and program
   * members, {@code numOfObjectsProcessed} for custom objects.
   */
  void status(Exchange ex, Kind kind) throws IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    synchronized (this) {
      Instant now = clock.instant();
      advance(now);
      Job j = job(ex.path(), kind);
      if (j == null) {
        MarketoIdentity.error(ex, "1004", "Batch not found");
        return;
      }
      String state;
      int processed;
      String message = "";
      if (now.isBefore(j.start)) {
        state = "Queued";
        processed = 0;
      } else if (now.isBefore(j.end)) {
        state = "Importing";
        processed =
            (int)
                Math.min(
                    j.rowCount, Duration.between(j.start, now).toMillis() * rowsPerSecond / 1000);
      } else if (j.failBatch) {
        state = "Failed";
        processed = 0;
        message = j.failMessage;
      } else {
        state = "Complete";
        processed = j.rowCount;
      }
      int failed = 0;
      int warned = 0;
      for (int r = 0; r < processed && r < j.failureReason.length; r++) {
        if (j.failureReason[r] != null) {
          failed++;
        } else if (j.warningReason[r] != null) {
          warned++;
        }
      }
      if (state.equals("Complete")) {
        // Adobe's documented form; with failed rows the same counts, then the failures
        int imported = processed - failed;
        message =
            (failed == 0 ? "Import succeeded, " : "Import completed with errors, ")
                + imported
                + " records imported ("
                + imported
                + " members)"
                + (failed == 0 ? "" : ", " + failed + " failed");
      }
      result.put("batchId", j.id);
      if (kind == Kind.LEADS) {
        result.put("importId", String.valueOf(j.importId));
      } else {
        result.put("operation", "import");
      }
      if (kind == Kind.CUSTOM_OBJECTS) {
        result.put("objectApiName", j.target);
      }
      result.put("status", state);
      result.put(
          kind == Kind.CUSTOM_OBJECTS ? "numOfObjectsProcessed" : "numOfLeadsProcessed",
          processed - failed);
      result.put("numOfRowsFailed", failed);
      result.put("numOfRowsWithWarning", warned);
      result.put("message", message);
    }
    ex.json(200, success("s" + result.get("batchId"), result));
  }

  /** {@code GET .../failures.json} or {@code .../warnings.json} of a lead batch. */
  void rowsFile(Exchange ex, boolean failures) throws IOException {
    rowsFile(ex, Kind.LEADS, failures);
  }

  /**
   * {@code GET .../failures.json} or {@code .../warnings.json}: the rows and their reasons. For
   * program members and custom objects, a batch with no such rows answers HTTP 404 (with Marketo's
   * error envelope) instead of a file holding only the header.
   */
  void rowsFile(Exchange ex, Kind kind, boolean failures) throws IOException {
    String text;
    synchronized (this) {
      advance(clock.instant());
      Job j = job(ex.path(), kind);
      if (j == null) {
        MarketoIdentity.error(ex, "1004", "Batch not found");
        return;
      }
      if (kind != Kind.LEADS && !hasRows(j, failures)) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "1003");
        error.put("message", (failures ? "Failure" : "Warning") + " file not found");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", "n" + j.id);
        m.put("success", false);
        m.put("errors", List.of(error));
        ex.json(404, m);
        return;
      }
      CsvFormat fmt =
          CsvFormat.CSV.toBuilder()
              .delimiter(j.delimiter == 0 ? ',' : j.delimiter)
              .recordSeparator("\n")
              .build();
      StringWriter out = new StringWriter();
      try (CsvWriter w = fmt.newWriter(out)) {
        List<String> h = new ArrayList<>(j.header);
        h.add(failures ? "Import Failure Reason" : "Import Warning Reason");
        w.writeRow(h);
        String[] reasons = failures ? j.failureReason : j.warningReason;
        for (int r = 0; r < reasons.length; r++) {
          if (reasons[r] != null && (failures || j.failureReason[r] == null)) {
            List<String> row = new ArrayList<>(j.rows.get(r));
            row.add(reasons[r]);
            w.writeRow(row);
          }
        }
      }
      text = out.toString();
    }
    ex.text(200, "text/csv;charset=UTF-8", text);
  }

  private static boolean hasRows(Job j, boolean failures) {
    String[] reasons = failures ? j.failureReason : j.warningReason;
    for (int r = 0; r < reasons.length; r++) {
      if (reasons[r] != null && (failures || j.failureReason[r] == null)) {
        return true;
      }
    }
    return false;
  }

  /** Marketo's success envelope around one result. */
  static Map<String, Object> success(String requestId, Map<String, Object> result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", requestId);
    m.put("success", true);
    m.put("result", List.of(result));
    return m;
  }
}
