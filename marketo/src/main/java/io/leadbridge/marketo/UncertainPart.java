package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.marketo.ImportParts.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A part whose upload answer was lost, and the facts gathered to settle it: the batches of the run
 * around it, a sample of its rows, and which of them Marketo's leads hold. The decision rules are
 * in {@link ImportOptions.UncertainUploads#RESOLVE}. Not thread-safe: owned by its run.
 */
final class UncertainPart {
  /** Rows looked up at most, in one call: the Leads API takes 300 filter values. */
  static final int SAMPLE = 300;

  /** Lookups at most per part and run. */
  static final int MAX_LOOKS = 3;

  /**
   * How long after a lost answer the part is taken as imported-or-never, with no later batch to
   * prove it: far longer than Marketo's queue of 10 jobs of 10 MB takes.
   */
  static final Duration PROOF_AGE = Duration.ofHours(6);

  final Part part;
  final Instant lostAt;
  final Set<Part> before;
  final Set<Part> after;
  Instant nextLook;
  int looks;
  long calls;
  UncertainUpload.Outcome outcome;
  String reason = "";
  long batchId;

  private List<String> header;
  private final Map<String, List<String>> rows = new LinkedHashMap<>();
  private String tail;
  private final Set<String> matched = new HashSet<>();

  UncertainPart(Part part, Instant lostAt, Set<Part> before, Set<Part> after) {
    this.part = part;
    this.lostAt = lostAt;
    this.before = before;
    this.after = after;
  }

  boolean decided() {
    return outcome != null;
  }

  void decide(UncertainUpload.Outcome outcome, String reason) {
    this.outcome = outcome;
    this.reason = reason;
  }

  /**
   * When Marketo, had it accepted the part, would have imported it: once the batches that were
   * ahead of it and the first accepted after it have finished (the queue is first in, first out),
   * plus the time its rows take at the run's rate; {@code null} while one of them is unfinished.
   *
   * @param rowsPerSecond the run's import rate per batch, 0 when not known
   * @param unknownRate the wait to assume without a rate
   */
  Instant readyAt(double rowsPerSecond, Duration unknownRate) {
    Instant base = lostAt;
    for (Part p : before) {
      if (p.finishedAt == null) {
        return null;
      }
      base = later(base, p.finishedAt);
    }
    Part first = null;
    for (Part p : after) {
      if (p.finishedAt == null) {
        return null;
      }
      if (first == null || p.finishedAt.isBefore(first.finishedAt)) {
        first = p;
      }
    }
    if (first != null) {
      base = later(base, first.finishedAt);
    }
    Duration takes =
        rowsPerSecond > 0 && part.rows > 0
            ? Duration.ofMillis((long) Math.ceil(part.rows * 1250.0 / rowsPerSecond))
            : unknownRate;
    return base.plus(takes);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Whether a later batch has completed, or the answer was lost long ago. */
  boolean proof(Instant now) {
    return after.stream().anyMatch(p -> p.finishedAt != null)
        || !now.isBefore(lostAt.plus(PROOF_AGE));
  }

  /**
   * Reads the sample: every row of a part of up to {@value #SAMPLE}, else its first and last rows
   * and rows evenly between, keeping rows whose lookup value can be a filter value.
   */
  void sample(CsvFormat format, long count, String lookupField) {
    if (header != null) {
      return;
    }
    Set<Long> pick = new TreeSet<>();
    if (count <= SAMPLE) {
      for (long i = 1; i <= count; i++) {
        pick.add(i);
      }
    } else {
      for (int k = 0; k < SAMPLE; k++) {
        pick.add(1 + Math.round(k * (count - 1) / (double) (SAMPLE - 1)));
      }
    }
    try (CsvReader reader = format.openReader(part.file)) {
      header = reader.header();
      int lookup = indexOf(header, lookupField);
      long n = 0;
      for (List<String> row; (row = reader.next()) != null; ) {
        if (!pick.contains(++n) || lookup < 0 || lookup >= row.size()) {
          continue;
        }
        String value = row.get(lookup);
        if (value.isEmpty() || value.indexOf(',') >= 0) {
          continue; // a filter value cannot hold a comma
        }
        String key = value.toLowerCase(Locale.ROOT);
        rows.put(key, row);
        if (n == count) {
          tail = key;
        }
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw new MarketoException("Cannot read " + part.file + ": " + e.getMessage(), e);
    }
  }

  /** The lookup values of the sampled rows not matched yet, as written. */
  List<String> unmatchedValues(String lookupField) {
    int lookup = indexOf(header, lookupField);
    List<String> out = new ArrayList<>();
    rows.forEach(
        (key, row) -> {
          if (!matched.contains(key)) {
            out.add(row.get(lookup));
          }
        });
    return out;
  }

  /** The header's columns that are lead fields, to ask the Leads API for. */
  List<String> columns(Map<String, LeadField> fields) {
    List<String> out = new ArrayList<>();
    for (String c : header) {
      LeadField f = fields.get(c.toLowerCase(Locale.ROOT));
      if (f != null) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** Marks the sampled rows whose lead holds every value they sent. */
  void match(List<Map<String, Object>> leads, Map<String, LeadField> fields, String lookupField) {
    int lookup = indexOf(header, lookupField);
    LeadField key = fields.get(lookupField.toLowerCase(Locale.ROOT));
    String keyName = key == null ? lookupField : key.name();
    Map<String, List<Map<String, Object>>> byKey = new HashMap<>();
    for (Map<String, Object> lead : leads) {
      Object v = lead.get(keyName);
      if (v != null) {
        byKey
            .computeIfAbsent(String.valueOf(v).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lead);
      }
    }
    rows.forEach(
        (k, row) -> {
          if (matched.contains(k)) {
            return;
          }
          for (Map<String, Object> lead : byKey.getOrDefault(k, List.of())) {
            if (holds(lead, row, fields, lookup)) {
              matched.add(k);
              return;
            }
          }
        });
  }

  private boolean holds(
      Map<String, Object> lead, List<String> row, Map<String, LeadField> fields, int lookup) {
    for (int c = 0; c < header.size() && c < row.size(); c++) {
      LeadField f = fields.get(header.get(c).toLowerCase(Locale.ROOT));
      if (c == lookup || f == null) {
        continue;
      }
      if (!ValueRules.same(
          f.dataType().toLowerCase(Locale.ROOT), f.length(), row.get(c), lead.get(f.name()))) {
        return false;
      }
    }
    return true;
  }

  int sampled() {
    return rows.size();
  }

  int matchedCount() {
    return matched.size();
  }

  boolean tailMatched() {
    return tail != null && matched.contains(tail);
  }

  private static int indexOf(List<String> header, String column) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    return -1;
  }

  UncertainUpload report() {
    return new UncertainUpload(
        part.file,
        part.name,
        outcome == null ? UncertainUpload.Outcome.STILL_UNCERTAIN : outcome,
        calls,
        rows.size(),
        matched.size(),
        batchId,
        reason);
  }
}
