package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.marketo.ImportParts.Part;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a run's uploads whose answer was lost, as {@link ImportOptions.UncertainUploads#RESOLVE}
 * says: tracks the batches around each, looks its leads up when its time has come, and decides
 * (confirmed, to upload again, or still uncertain). Not thread-safe: owned by its run.
 */
final class UncertainResolver {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  /** The Leads API query, counted by the run. */
  interface Lookups {
    List<Map<String, Object>> leads(String filterType, List<String> values, List<String> fields);
  }

  private final ImportOptions options;
  private final CsvFormat format;
  private final Journal journal;
  private final Clock clock;
  private final Duration minPoll;
  private final Supplier<Map<String, LeadField>> fields;
  private final Lookups lookups;
  private final List<UncertainPart> parts = new ArrayList<>();
  private final List<UncertainUpload> earlier = new ArrayList<>();
  private final List<Path> still = new ArrayList<>();
  private String denied;
  private int confirmed;

  UncertainResolver(
      ImportOptions options,
      CsvFormat format,
      Journal journal,
      Clock clock,
      Duration minPoll,
      Supplier<Map<String, LeadField>> fields,
      Lookups lookups) {
    this.options = options;
    this.format = format;
    this.journal = journal;
    this.clock = clock;
    this.minPoll = minPoll;
    this.fields = fields;
    this.lookups = lookups;
  }

  /** Parts to settle, this run's and earlier runs'. */
  int size() {
    return parts.size();
  }

  /** A part whose answer was lost in this run, with the batches of ours it was behind. */
  void lost(Part p, Instant at, Set<Part> ahead) {
    parts.add(new UncertainPart(p, at, ahead, new HashSet<>()));
  }

  /** A part an earlier run left uncertain. */
  void lostEarlier(Part p, Instant at) {
    parts.add(new UncertainPart(p, at, new HashSet<>(), new HashSet<>()));
  }

  /** A part an earlier run confirmed from its leads. */
  void confirmedEarlier(Part p) {
    earlier.add(
        new UncertainUpload(
            p.file,
            p.name,
            UncertainUpload.Outcome.CONFIRMED,
            0,
            0,
            0,
            0,
            "an earlier run found its leads in Marketo"));
  }

  /**
   * For parts of earlier runs: the batches around them, in journal order. A batch is a part
   * finished or waited on.
   */
  void placeEarlier(List<Part> all, List<Part> active) {
    for (UncertainPart u : parts) {
      for (Part q : all) {
        boolean batch = (q.finishedAt != null && !q.confirmedByLookup) || active.contains(q);
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

  /** A part Marketo accepted: a later batch for the parts still waiting. */
  void accepted(Part p, long batchId) {
    for (UncertainPart u : parts) {
      if (u.part == p) {
        u.batchId = batchId;
      } else if (!u.decided()) {
        u.after.add(p);
      }
    }
  }

  /** A part uploaded again whose answer was lost too: left to a person. */
  void lostAgain(Part p) {
    for (UncertainPart u : parts) {
      if (u.part == p) {
        u.decide(
            UncertainUpload.Outcome.STILL_UNCERTAIN,
            "the answer to its second upload was lost too; check Marketo");
      }
    }
  }

  /** Whether a part waits for a decision. */
  boolean waiting() {
    return parts.stream().anyMatch(u -> !u.decided());
  }

  /** When the next part is due for a lookup, or {@code null} while every one waits on batches. */
  Instant next(BatchPolls polls) {
    Instant next = null;
    for (UncertainPart u : parts) {
      Instant at = u.decided() ? null : lookAt(u, polls);
      if (at != null && (next == null || at.isBefore(next))) {
        next = at;
      }
    }
    return next;
  }

  private Instant lookAt(UncertainPart u, BatchPolls polls) {
    return u.nextLook != null ? u.nextLook : u.readyAt(polls.rowsPerSecond(), minPoll);
  }

  /**
   * Looks up the parts whose time has come.
   *
   * @param rows the rows of a part
   * @return the parts to upload again
   */
  List<Part> resolve(Instant now, BatchPolls polls, ToLongFunction<Part> rows) {
    List<Part> again = new ArrayList<>();
    for (UncertainPart u : parts) {
      Instant at = u.decided() ? null : lookAt(u, polls);
      if (at != null && !at.isAfter(now)) {
        look(u, now, polls, rows.applyAsLong(u.part));
        if (u.outcome == UncertainUpload.Outcome.UPLOADED_AGAIN) {
          again.add(u.part);
        }
      }
    }
    return again;
  }

  /** One lookup of a part's sampled leads, and the decision it allows. */
  private void look(UncertainPart u, Instant now, BatchPolls polls, long rows) {
    if (denied != null) {
      still(u, denied);
      return;
    }
    Map<String, LeadField> byName = fields.get();
    u.sample(format, rows, options.lookupField());
    if (u.sampled() == 0) {
      still(u, "none of its rows has a lookup value the Leads API can filter on");
      return;
    }
    List<String> values = u.unmatchedValues(options.lookupField());
    LeadField key = byName.get(options.lookupField().toLowerCase(Locale.ROOT));
    String filter = key == null ? options.lookupField() : key.name();
    List<Map<String, Object>> leads;
    try {
      leads = lookups.leads(filter, values, u.columns(byName));
    } catch (MarketoServiceException e) {
      u.calls++;
      String code = e.serviceCode().orElse("HTTP " + e.status());
      if (code.equals("603")) {
        denied =
            "the API user may not read leads (Marketo 603): give its role the Read-Only Lead"
                + " permission, or check in Marketo and run again with UPLOAD_AGAIN if the part"
                + " was not imported";
        still(u, denied);
      } else {
        still(
            u,
            "the Leads API refused the lookup (Marketo "
                + code
                + e.requestId().map(id -> ", request " + id).orElse("")
                + "); the next run looks again");
      }
      return;
    }
    u.calls++;
    u.looks++;
    u.match(leads, byName, options.lookupField());
    decide(u, now, polls, rows);
  }

  private void decide(UncertainPart u, Instant now, BatchPolls polls, long rows) {
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
      // look again at the rows still missing, when the rest of the part should be in
      double rate = polls.rowsPerSecond();
      Duration wait =
          rate > 0
              ? Duration.ofMillis((long) (rows * (n - m) / (double) n / rate * 1250))
              : minPoll.multipliedBy(1L << u.looks);
      u.nextLook = now.plus(wait.compareTo(polls.shortPoll()) < 0 ? polls.shortPoll() : wait);
    }
  }

  private void confirm(UncertainPart u, String reason) {
    u.decide(UncertainUpload.Outcome.CONFIRMED, reason);
    journal.record(u.part.name, u.part.sha256, Journal.State.IMPORTED, 0);
    u.part.confirmedByLookup = true;
    u.part.finishedAt = clock.instant();
    u.part.unmatched = u.unmatchedValues(options.lookupField());
    confirmed++;
    LOG.info("{}: its upload's answer was lost, but {}", u.part.name, reason);
  }

  private void still(UncertainPart u, String reason) {
    u.decide(UncertainUpload.Outcome.STILL_UNCERTAIN, reason);
    still.add(u.part.file);
    LOG.warn("{} stays uncertain: {}", u.part.name, reason);
  }

  /** Parts this run confirmed from their leads. */
  int confirmed() {
    return confirmed;
  }

  /** Parts still uncertain after their lookups. */
  List<Path> stillUncertain() {
    return List.copyOf(still);
  }

  /** Every part settled or not, earlier runs' first. */
  List<UncertainUpload> report() {
    List<UncertainUpload> out = new ArrayList<>(earlier);
    parts.forEach(u -> out.add(u.report()));
    return out;
  }
}
