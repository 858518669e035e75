package io.leadbridge.marketo;

import io.leadbridge.core.RowKeys;
import io.leadbridge.marketo.ImportParts.Part;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a run's failure and warning files, traced back to their users through the export's
 * row keys by the lookup value, and what Marketo confirmed of each file given. Not thread-safe:
 * owned by its run.
 */
final class RowIssues {
  private record Pending(
      Part part, Path file, Path source, long batchId, String lookupValue, String reason) {}

  /** The rows traced. */
  record Traced(List<ImportReport.RowIssue> failures, List<ImportReport.RowIssue> warnings) {}

  private final RowKeys rowKeys;
  private final String lookupField;
  private final List<Pending> failures = new ArrayList<>();
  private final List<Pending> warnings = new ArrayList<>();

  RowIssues(RowKeys rowKeys, String lookupField) {
    this.rowKeys = rowKeys;
    this.lookupField = lookupField;
  }

  /** Whether the row keys are kept by the lookup field, so that values trace to users. */
  private boolean keyed() {
    return rowKeys != null && rowKeys.keyColumn().equalsIgnoreCase(lookupField);
  }

  void failures(Part p, BatchRows rows) {
    collect(p, rows, failures);
  }

  void warnings(Part p, BatchRows rows) {
    collect(p, rows, warnings);
  }

  private void collect(Part p, BatchRows rows, List<Pending> into) {
    try (rows) {
      int lookup = -1;
      List<String> header = rows.header();
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).equalsIgnoreCase(lookupField)) {
          lookup = i;
        }
      }
      for (BatchRow row : rows) {
        String value = lookup >= 0 && lookup < row.values().size() ? row.values().get(lookup) : "";
        into.add(new Pending(p, p.file, p.source, p.status.batchId(), value, row.reason()));
      }
    }
  }

  /** Every failed and warned row with its users, read from the row keys in one pass. */
  Traced trace() {
    Map<String, List<String>> users = Map.of();
    if (keyed()) {
      Set<String> keys = new HashSet<>();
      failures.forEach(f -> keys.add(f.lookupValue()));
      warnings.forEach(w -> keys.add(w.lookupValue()));
      keys.remove("");
      if (!keys.isEmpty()) {
        users = rowKeys.userIdsByKey(keys);
      }
    }
    return new Traced(trace(failures, users), trace(warnings, users));
  }

  private static List<ImportReport.RowIssue> trace(
      List<Pending> issues, Map<String, List<String>> users) {
    List<ImportReport.RowIssue> out = new ArrayList<>(issues.size());
    for (Pending i : issues) {
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

  /**
   * What Marketo confirmed of each file given: a file whose batches all completed (or whose lost
   * uploads a lookup confirmed), with every failed row traced to its users, is confirmed but for
   * those users and the sampled rows a lookup found different; any other file not at all.
   *
   * @param parts the run's parts
   * @param uncertain parts still uncertain
   * @param traced the failed rows, as {@link #trace()} gave them
   */
  Map<Path, ImportReport.FileOutcome> confirmations(
      List<Part> parts, List<Path> uncertain, List<ImportReport.RowIssue> traced) {
    Map<Path, ImportReport.FileOutcome> out = new HashMap<>();
    Map<Path, Long> failedRows = new HashMap<>();
    Map<Path, Boolean> whole = new HashMap<>();
    Map<Path, Set<String>> failedUsers = new HashMap<>();
    for (Part p : parts) {
      if (p.rows == 0 || p.carried != null) {
        continue; // nothing of it was sent: its rows were all left out, and are not confirmed
      }
      boolean ok =
          ((p.result != null && p.result.state() == BatchStatus.State.COMPLETE)
                  || p.confirmedByLookup)
              && !uncertain.contains(p.file);
      if (p.confirmedByLookup && !p.unmatched.isEmpty()) {
        // sampled rows whose lead differs: not confirmed, or nothing of the file when untraceable
        if (keyed()) {
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
      if (failures.get(i).part().carried != null) {
        continue;
      }
      Path source = failures.get(i).source();
      List<String> ids = traced.get(i).userIds();
      if (ids.isEmpty()) {
        whole.put(source, false); // a failed row we cannot name: trust nothing in its file
      }
      failedUsers.computeIfAbsent(source, k -> new HashSet<>()).addAll(ids);
      tracedRows.merge(source, 1L, Long::sum);
    }
    carried(parts, traced, whole, failedRows, tracedRows, failedUsers);
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

  /**
   * Adds what the batches of an earlier run confirmed of the rows they carry: a batch that
   * completed, with every failed row traced to its users, confirms its rows but for those users, in
   * every file it carries rows of; any other confirms nothing of those files.
   */
  private void carried(
      List<Part> parts,
      List<ImportReport.RowIssue> traced,
      Map<Path, Boolean> whole,
      Map<Path, Long> failedRows,
      Map<Path, Long> tracedRows,
      Map<Path, Set<String>> failedUsers) {
    for (Part p : parts) {
      if (p.carried == null) {
        continue;
      }
      boolean ok = p.result != null && p.result.state() == BatchStatus.State.COMPLETE;
      Set<String> failed = new HashSet<>();
      long named = 0;
      for (int i = 0; i < failures.size(); i++) {
        if (failures.get(i).part() == p) {
          List<String> ids = traced.get(i).userIds();
          ok &= !ids.isEmpty();
          failed.addAll(ids);
          named++;
        }
      }
      ok &= p.result != null && named == p.result.rowsFailed();
      for (Path source : p.carried.keySet()) {
        whole.merge(source, ok, Boolean::logicalAnd);
        failedUsers.computeIfAbsent(source, k -> new HashSet<>()).addAll(failed);
        failedRows.putIfAbsent(source, 0L);
        tracedRows.putIfAbsent(source, 0L);
      }
    }
  }
}
