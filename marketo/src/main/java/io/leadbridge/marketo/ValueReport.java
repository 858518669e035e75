package io.leadbridge.marketo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the check of every value before an upload found: each value Marketo would refuse (the row
 * fails) or change (the row is imported with a warning), per row with its user, and what was done
 * with the row. {@link MarketoBulkLeadClient#checkValues} returns one for a dry run; {@link
 * ImportReport#valueCheck()} holds the one an import acted on.
 *
 * <pre>{@code
 * ValueReport check = marketo.checkValues(export, options);
 * check.summary().forEach(System.out::println);   // company: 876 rows TRUNCATED (warning), sent
 * check.findings().forEach(f -> System.out.println(f.userId() + " " + f.column() + " " + f.rule()));
 * }</pre>
 *
 * <p>The first {@value #MAX_FINDINGS} findings are held; the counts are always complete. Findings
 * name the column, the rule and the user, never the value. Immutable and thread-safe.
 */
public final class ValueReport {
  /** How many findings a report holds; the counts go on beyond. */
  public static final int MAX_FINDINGS = 100_000;

  private static final ValueReport NONE = new Collector(false).build();

  private final boolean checked;
  private final List<ValueFinding> findings;
  private final long findingCount;
  private final long rowsChecked;
  private final long rowsRejected;
  private final long rowsWarned;
  private final long rowsLeftOut;
  private final Map<String, Map<ValueRule, Long>> counts;
  private final Map<String, Map<ValueRule, Long>> leftOutCounts;
  private final Map<Path, Set<String>> leftOutUsers;
  private final Set<Path> leftOutUntraced;

  private ValueReport(Collector c) {
    this.checked = c.checked;
    this.findings = List.copyOf(c.findings);
    this.findingCount = c.findingCount;
    this.rowsChecked = c.rowsChecked;
    this.rowsRejected = c.rowsRejected;
    this.rowsWarned = c.rowsWarned;
    this.rowsLeftOut = c.rowsLeftOut;
    this.counts = copy(c.counts);
    this.leftOutCounts = copy(c.leftOutCounts);
    Map<Path, Set<String>> users = new HashMap<>();
    c.leftOutUsers.forEach((k, v) -> users.put(k, Set.copyOf(v)));
    this.leftOutUsers = Map.copyOf(users);
    this.leftOutUntraced = Set.copyOf(c.leftOutUntraced);
  }

  private static Map<String, Map<ValueRule, Long>> copy(Map<String, Map<ValueRule, Long>> m) {
    Map<String, Map<ValueRule, Long>> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new EnumMap<>(v))));
    return Collections.unmodifiableMap(out);
  }

  /** The report of no check: the check was off, or nothing was left to send. */
  static ValueReport none() {
    return NONE;
  }

  /**
   * Whether the values were checked at all.
   *
   * @return false when the check was off or nothing was sent
   */
  public boolean checked() {
    return checked;
  }

  /**
   * The findings, in file and row order: at most {@value #MAX_FINDINGS}.
   *
   * @return an unmodifiable list
   */
  public List<ValueFinding> findings() {
    return findings;
  }

  /**
   * Whether there were more findings than the report holds.
   *
   * @return true if {@link #findings()} is not complete
   */
  public boolean findingsTruncated() {
    return findings.size() < findingCount;
  }

  /**
   * Every finding, held or not.
   *
   * @return the count
   */
  public long findingCount() {
    return findingCount;
  }

  /**
   * Rows whose values were checked.
   *
   * @return the count
   */
  public long rowsChecked() {
    return rowsChecked;
  }

  /**
   * Rows with at least one value Marketo would refuse: the row would fail.
   *
   * @return the count
   */
  public long rowsRejected() {
    return rowsRejected;
  }

  /**
   * Rows Marketo would import with a warning: a value truncated or changed, none refused.
   *
   * @return the count
   */
  public long rowsWarned() {
    return rowsWarned;
  }

  /**
   * Rows left out of the upload by the import's {@link ImportOptions.RowPolicy policy}.
   *
   * @return the count
   */
  public long rowsLeftOut() {
    return rowsLeftOut;
  }

  /**
   * How many rows broke each rule, by column.
   *
   * @return column to rule to rows, columns in order; unmodifiable
   */
  public Map<String, Map<ValueRule, Long>> counts() {
    return counts;
  }

  /**
   * One line per column and rule, for a person: {@code "company: 876 rows TRUNCATED (warning:
   * longer than the field: it would be truncated), sent"}.
   *
   * @return the lines, empty when nothing was found
   */
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    counts.forEach(
        (column, rules) ->
            rules.forEach(
                (rule, n) -> {
                  long left = leftOutCounts.getOrDefault(column, Map.of()).getOrDefault(rule, 0L);
                  out.add(
                      String.format(
                          Locale.ROOT,
                          "%s: %,d row%s %s (%s: %s), %s",
                          column,
                          n,
                          n == 1 ? "" : "s",
                          rule,
                          rule.severity().name().toLowerCase(Locale.ROOT),
                          rule.description(),
                          left == 0
                              ? "sent"
                              : left == n ? "left out" : String.format("%,d left out", left)));
                }));
    return out;
  }

  /** Whether a user's row in a file was left out, or may have been (untraced rows). */
  boolean leftOut(Path file, String userId) {
    Path key = ImportReport.key(file);
    return leftOutUntraced.contains(key)
        || leftOutUsers.getOrDefault(key, Set.of()).contains(userId);
  }

  /** Files with left-out rows. */
  Set<Path> filesWithRowsLeftOut() {
    Set<Path> out = new HashSet<>(leftOutUsers.keySet());
    out.addAll(leftOutUntraced);
    return out;
  }

  @Override
  public String toString() {
    return checked
        ? "ValueReport[checked="
            + rowsChecked
            + ", rejected="
            + rowsRejected
            + ", warned="
            + rowsWarned
            + ", leftOut="
            + rowsLeftOut
            + "]"
        : "ValueReport[not checked]";
  }

  /** Gathers a report while files are read. Not thread-safe. */
  static final class Collector {
    private final boolean checked;
    private final List<ValueFinding> findings = new ArrayList<>();
    private long findingCount;
    private long rowsChecked;
    private long rowsRejected;
    private long rowsWarned;
    private long rowsLeftOut;
    private final Map<String, Map<ValueRule, Long>> counts = new HashMap<>();
    private final Map<String, Map<ValueRule, Long>> leftOutCounts = new HashMap<>();
    private final Map<Path, Set<String>> leftOutUsers = new HashMap<>();
    private final Set<Path> leftOutUntraced = new HashSet<>();

    Collector(boolean checked) {
      this.checked = checked;
    }

    void rowChecked() {
      rowsChecked++;
    }

    void rowRejected() {
      rowsRejected++;
    }

    void rowWarned() {
      rowsWarned++;
    }

    /** Counts a finding. */
    void count(String column, ValueRule rule, boolean leftOut) {
      findingCount++;
      counts
          .computeIfAbsent(column, k -> new EnumMap<>(ValueRule.class))
          .merge(rule, 1L, Long::sum);
      if (leftOut) {
        leftOutCounts
            .computeIfAbsent(column, k -> new EnumMap<>(ValueRule.class))
            .merge(rule, 1L, Long::sum);
      }
    }

    /** Whether another finding can be held. */
    boolean room() {
      return findings.size() < MAX_FINDINGS;
    }

    /** Holds a counted finding while there is room. */
    void hold(ValueFinding f) {
      if (room()) {
        findings.add(f);
      }
    }

    /** A row left out of a file, by its user when known. */
    void leftOut(Path file, String userId) {
      rowsLeftOut++;
      Path key = ImportReport.key(file);
      if (userId.isEmpty()) {
        leftOutUntraced.add(key);
      } else {
        leftOutUsers.computeIfAbsent(key, k -> new HashSet<>()).add(userId);
      }
    }

    ValueReport build() {
      return new ValueReport(this);
    }
  }
}
