package io.leadbridge.marketo;

import io.leadbridge.core.RowKeys;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads every value of every row of an import's files and checks it against its lead field with
 * {@link ValueRules}: which rows Marketo would fail or change, which of them the options leave out,
 * and each finding traced to its user through the export's row keys. Not thread-safe: one scan, one
 * thread.
 */
final class ValueScan {

  /**
   * A row left out of a file, and the first value that decided it.
   *
   * @param row the 1-based data row number in the file
   * @param column the column of the value
   * @param rule the rule it breaks
   */
  record LeftRow(long row, String column, ValueRule rule) {}

  /**
   * What a scan found.
   *
   * @param report the findings
   * @param leftOut per file, the rows left out, by row number
   * @param rows per file, its data rows
   * @param stops rows whose policy is {@link ImportOptions.RowPolicy#STOP}
   */
  record Result(
      ValueReport report, Map<Path, List<LeftRow>> leftOut, Map<Path, Long> rows, long stops) {}

  /** A finding not yet traced to its user. */
  private record Raw(int part, Path file, long row, String column, ValueRule rule, boolean left) {}

  private ValueScan() {}

  /**
   * Scans the files.
   *
   * @param files the files, in export order (row keys number them from 1)
   * @param format their format
   * @param fields the instance's lead fields
   * @param options the lookup field and the row policies
   * @param keys the export's row keys, or {@code null}
   * @param decided rows already left out by an earlier run, per file: those files keep them
   * @throws MarketoException if a file cannot be read or has no lookup column
   */
  static Result scan(
      List<Path> files,
      CsvFormat format,
      List<LeadField> fields,
      ImportOptions options,
      RowKeys keys,
      Map<Path, List<LeftRow>> decided) {
    return scan(
        files,
        format,
        new ImportApi.TargetFields(BulkTarget.leads(), fields, List.of(options.lookupField())),
        options,
        keys,
        decided);
  }

  /**
   * Scans the files against a target's fields: every row must fill each of the target's required
   * columns (the lookup field of leads, the email of program members, a custom object's dedupe
   * fields), which the rules treat as they treat the lookup field.
   *
   * @param target the fields and the required columns
   * @throws MarketoException if a file cannot be read or lacks a required column
   */
  static Result scan(
      List<Path> files,
      CsvFormat format,
      ImportApi.TargetFields target,
      ImportOptions options,
      RowKeys keys,
      Map<Path, List<LeftRow>> decided) {
    List<LeadField> fields = target.fields();
    Map<String, LeadField> byName = new HashMap<>();
    for (LeadField f : fields) {
      byName.put(f.name().toLowerCase(Locale.ROOT), f);
    }
    ValueReport.Collector report = new ValueReport.Collector(true);
    List<Raw> held = new ArrayList<>();
    Map<Path, List<LeftRow>> leftOut = new LinkedHashMap<>();
    Map<Path, Long> rows = new HashMap<>();
    long stops = 0;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      List<LeftRow> earlier = decided.get(file);
      Map<Long, LeftRow> kept = new TreeMap<>();
      if (earlier != null) {
        earlier.forEach(l -> kept.put(l.row(), l));
      }
      List<LeftRow> left = new ArrayList<>();
      long n = 0;
      try (CsvReader reader = format.openReader(file)) {
        List<String> header = reader.header();
        LeadField[] column = new LeadField[header.size()];
        String[] type = new String[header.size()];
        boolean[] required = new boolean[header.size()];
        for (int c = 0; c < header.size(); c++) {
          column[c] = byName.get(header.get(c).toLowerCase(Locale.ROOT));
          type[c] = column[c] == null ? "" : column[c].dataType().toLowerCase(Locale.ROOT);
        }
        for (String name : target.required()) {
          int at = -1;
          for (int c = 0; c < header.size(); c++) {
            if (header.get(c).equalsIgnoreCase(name)) {
              at = c;
            }
          }
          if (at < 0) {
            throw new MarketoException(missing(target.target(), name, file));
          }
          required[at] = true;
        }
        List<Integer> hitColumns = new ArrayList<>();
        List<ValueRule> hitRules = new ArrayList<>();
        for (List<String> row; (row = reader.next()) != null; ) {
          n++;
          report.rowChecked();
          hitColumns.clear();
          hitRules.clear();
          boolean rejected = false;
          int first = -1;
          int m = Math.min(row.size(), header.size());
          for (int c = 0; c < m; c++) {
            LeadField f = column[c];
            if (f == null) {
              continue;
            }
            ValueRule rule = ValueRules.check(type[c], f.length(), row.get(c), required[c]);
            if (rule != null) {
              boolean rejection = rule.severity() == ValueRule.Severity.REJECTION;
              if (first < 0 || (rejection && !rejected)) {
                first = hitRules.size();
              }
              rejected |= rejection;
              hitColumns.add(c);
              hitRules.add(rule);
            }
          }
          if (hitRules.isEmpty() && !kept.containsKey(n)) {
            continue;
          }
          ValueRule.Severity severity =
              rejected ? ValueRule.Severity.REJECTION : ValueRule.Severity.WARNING;
          boolean leave;
          if (earlier != null) {
            leave = kept.containsKey(n);
          } else {
            ImportOptions.RowPolicy policy = options.policy(severity);
            leave = policy == ImportOptions.RowPolicy.LEAVE_OUT;
            if (policy == ImportOptions.RowPolicy.STOP && !hitRules.isEmpty()) {
              stops++;
            }
          }
          if (!hitRules.isEmpty()) {
            if (rejected) {
              report.rowRejected();
            } else {
              report.rowWarned();
            }
          }
          for (int h = 0; h < hitRules.size(); h++) {
            String name = header.get(hitColumns.get(h));
            report.count(name, hitRules.get(h), leave);
            if (held.size() < ValueReport.MAX_FINDINGS) {
              held.add(new Raw(i + 1, file, n, name, hitRules.get(h), leave));
            }
          }
          if (leave) {
            LeftRow decidedRow = kept.get(n);
            left.add(
                decidedRow != null
                    ? decidedRow
                    : new LeftRow(n, header.get(hitColumns.get(first)), hitRules.get(first)));
          }
        }
      } catch (IOException | UncheckedIOException | IllegalStateException e) {
        throw new MarketoException(
            "Cannot read " + file + " to check its values: " + e.getMessage(), e);
      }
      if (earlier != null) {
        // the rows the earlier run left out stay out, even if the fields have changed since, so
        // that the parts are the ones it uploaded
        left = new ArrayList<>(earlier);
      }
      left.sort((a, b) -> Long.compare(a.row(), b.row()));
      leftOut.put(file, List.copyOf(left));
      rows.put(file, n);
    }
    Map<Long, String> users = trace(keys, files, held, leftOut);
    for (Raw r : held) {
      report.hold(
          new ValueFinding(
              r.file(),
              r.row(),
              users.getOrDefault(key(r.part(), r.row()), ""),
              r.column(),
              r.rule(),
              r.left()));
    }
    for (int i = 0; i < files.size(); i++) {
      for (LeftRow l : leftOut.get(files.get(i))) {
        report.leftOut(files.get(i), users.getOrDefault(key(i + 1, l.row()), ""));
      }
    }
    return new Result(report.build(), leftOut, rows, stops);
  }

  private static String missing(BulkTarget target, String column, Path file) {
    if (target.isLeads()) {
      return "The lookup field \""
          + column
          + "\" is not a column of "
          + file.getFileName()
          + ": Marketo could match no row to a lead. Add the column, or choose another"
          + " lookupField.";
    }
    return "The column \""
        + column
        + "\" is not in "
        + file.getFileName()
        + ": Marketo needs it in every row to find the "
        + (target.kind() == BulkTarget.Kind.PROGRAM_MEMBERS
            ? "member's lead"
            : "record a row writes")
        + ". Add the column.";
  }

  /**
   * The report of rows an earlier run left out, for an import that sends nothing more: only those
   * rows, traced to their users.
   */
  static ValueReport decided(List<Path> files, RowKeys keys, Map<Path, List<LeftRow>> decided) {
    ValueReport.Collector report = new ValueReport.Collector(true);
    List<Raw> held = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      for (LeftRow l : decided.getOrDefault(files.get(i), List.of())) {
        report.count(l.column(), l.rule(), true);
        if (l.rule().severity() == ValueRule.Severity.REJECTION) {
          report.rowRejected();
        } else {
          report.rowWarned();
        }
        if (held.size() < ValueReport.MAX_FINDINGS) {
          held.add(new Raw(i + 1, files.get(i), l.row(), l.column(), l.rule(), true));
        }
      }
    }
    Map<Long, String> users = trace(keys, files, held, decided);
    for (Raw r : held) {
      report.hold(
          new ValueFinding(
              r.file(),
              r.row(),
              users.getOrDefault(key(r.part(), r.row()), ""),
              r.column(),
              r.rule(),
              true));
    }
    for (int i = 0; i < files.size(); i++) {
      for (LeftRow l : decided.getOrDefault(files.get(i), List.of())) {
        report.leftOut(files.get(i), users.getOrDefault(key(i + 1, l.row()), ""));
      }
    }
    return report.build();
  }

  private static long key(int part, long row) {
    return ((long) part << 40) | row;
  }

  /** The users of held findings and left-out rows, by part and row, read in one pass. */
  private static Map<Long, String> trace(
      RowKeys keys, List<Path> files, List<Raw> held, Map<Path, List<LeftRow>> leftOut) {
    Map<Long, String> users = new HashMap<>();
    if (keys == null) {
      return users;
    }
    for (Raw r : held) {
      users.put(key(r.part(), r.row()), "");
    }
    for (int i = 0; i < files.size(); i++) {
      for (LeftRow l : leftOut.getOrDefault(files.get(i), List.of())) {
        users.put(key(i + 1, l.row()), "");
      }
    }
    if (users.isEmpty()) {
      return users;
    }
    Set<Long> wanted = Set.copyOf(users.keySet());
    keys.forEach(
        k -> {
          long key = key(k.part(), k.row());
          if (wanted.contains(key)) {
            users.put(key, k.userId());
          }
        });
    return users;
  }
}
