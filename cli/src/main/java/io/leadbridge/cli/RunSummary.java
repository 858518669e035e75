package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.ExportedFile;
import io.leadbridge.core.Merge;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.ImportReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The closing summary a person reads, the demo's and every run's: every user accounted for, and the
 * files written. Any of its parts may be missing: an import of files has no export, an export no
 * Marketo report.
 */
final class RunSummary {
  static final int MAX_LISTED = 5;

  private final PrintStream out;
  private final ExportResult export;
  private final ImportReport report;
  private final AlterianPackage alterian;
  private final SyncState state;
  private final SyncState.Committed committed;
  private final boolean marketo;
  private final boolean dryRun;

  /**
   * A summary.
   *
   * @param marketo whether the run was to import into Marketo
   * @param dryRun whether it only checked, uploading nothing
   */
  RunSummary(
      PrintStream out,
      ExportResult export,
      ImportReport report,
      AlterianPackage alterian,
      SyncState state,
      SyncState.Committed committed,
      boolean marketo,
      boolean dryRun) {
    this.out = out;
    this.export = export;
    this.report = report;
    this.alterian = alterian;
    this.state = state;
    this.committed = committed;
    this.marketo = marketo;
    this.dryRun = dryRun;
  }

  void print(Duration took) {
    out.println();
    out.println("== Summary");
    if (export != null) {
      exportPart();
    }
    if (report != null) {
      marketoPart();
    } else if (marketo && dryRun) {
      line("Marketo", "dry run: header checked, nothing uploaded");
    } else if (marketo && export != null && export.rowsWritten() == 0) {
      line(
          "Marketo",
          state != null
              ? "nothing sent: nothing changed since the last run"
              : "nothing sent: no row was written");
    }
    if (committed != null) {
      line(
          "sync state",
          String.format(
              Locale.ROOT,
              "generation %d, %,d users; %,d rows to send again next run",
              committed.generation(),
              committed.users(),
              committed.rowsUnconfirmed()));
    }
    line("time taken", String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
    out.println();
    out.println("Files:");
    if (export != null) {
      for (ExportedFile f : export.files()) {
        out.println(
            "  "
                + f.path()
                + (f.rows() < 0 ? "" : String.format(Locale.ROOT, "  (%,d rows)", f.rows())));
      }
      export.rowKeys().ifPresent(k -> out.println("  " + k.file() + "  (row -> user_id)"));
      export.rejectionsFile().ifPresent(f -> out.println("  " + f + "  (every rejected user)"));
      export.mergesFile().ifPresent(f -> out.println("  " + f + "  (every merged user)"));
      export
          .sync()
          .flatMap(SyncSummary::absentFile)
          .ifPresent(f -> out.println("  " + f + "  (users gone from the source)"));
    }
    if (alterian != null) {
      out.println(
          "  "
              + alterian.directory()
              + "  (Alterian package: start with "
              + alterian.settingsFile().getFileName()
              + ")");
    }
  }

  private void exportPart() {
    line("users read", String.format(Locale.ROOT, "%,d", export.entriesRead()));
    line(
        "rows written",
        String.format(
            Locale.ROOT, "%,d in %d file(s)", export.rowsWritten(), export.files().size()));
    line("rejected", String.format(Locale.ROOT, "%,d", export.rowsRejected()));
    Map<Rejection.Reason, Long> counts = export.rejectionCounts();
    counts.forEach(
        (reason, n) ->
            line(
                "  " + describe(reason),
                String.format(Locale.ROOT, "%,d", n)
                    + (reason == Rejection.Reason.MISSING_REQUIRED
                        ? " (users left out by the mapping, e.g. social logins without an email"
                            + " cannot be leads; not a failure)"
                        : "")));
    for (Rejection r :
        export.rejections().subList(0, Math.min(MAX_LISTED, export.rejections().size()))) {
      out.println(
          "      e.g. position "
              + r.position()
              + (r.userId() == null ? "" : " " + r.userId())
              + ": "
              + r.detail());
    }
    if (export.rowsMerged() > 0) {
      line(
          "merged",
          String.format(Locale.ROOT, "%,d", export.rowsMerged())
              + " (users sharing an email with another user: one row per email, the most"
              + " recently updated; not a failure)");
      for (Merge m : export.merges().subList(0, Math.min(MAX_LISTED, export.merges().size()))) {
        out.println(
            "      e.g. position " + m.position() + " " + m.userId() + " into " + m.keptUserId());
      }
    }
    export
        .sync()
        .ifPresent(
            s -> {
              line(
                  "unchanged",
                  String.format(Locale.ROOT, "%,d (not sent again)", s.unchangedUsers()));
              line(
                  "sync",
                  String.format(
                      Locale.ROOT,
                      "%,d new, %,d changed, %,d gone from the source",
                      s.newUsers(),
                      s.changedUsers(),
                      s.absentUsers()));
            });
    if (!export.emptyColumns().isEmpty()) {
      line(
          "empty columns",
          String.join(", ", export.emptyColumns()) + " (check the mapping's paths)");
    }
  }

  private void marketoPart() {
    Map<BatchStatus.State, Integer> states = new LinkedHashMap<>();
    report.batches().forEach(b -> states.merge(b.state(), 1, Integer::sum));
    line(
        "Marketo batches",
        report.batches().size()
            + " "
            + states.toString().toLowerCase(Locale.ROOT)
            + (report.batches().isEmpty()
                ? ""
                : ", ids "
                    + report.batches().stream().map(b -> String.valueOf(b.batchId())).toList()));
    line("leads processed", String.format(Locale.ROOT, "%,d", report.leadsProcessed()));
    line("rows failed", String.format(Locale.ROOT, "%,d", report.rowsFailed()));
    listIssues(report.failures());
    line("rows with warning", String.format(Locale.ROOT, "%,d", report.rowsWithWarning()));
    listIssues(report.warnings());
    if (!report.uncertainParts().isEmpty()) {
      line(
          "uncertain uploads",
          report.uncertainParts()
              + ": the answer was lost; check Marketo before importing them again");
    }
    line("Marketo API calls", String.format(Locale.ROOT, "%,d", report.calls()));
  }

  private void listIssues(List<ImportReport.RowIssue> issues) {
    for (ImportReport.RowIssue i : issues.subList(0, Math.min(MAX_LISTED, issues.size()))) {
      out.println(
          "      e.g. "
              + (i.userIds().isEmpty() ? "(user unknown)" : String.join(", ", i.userIds()))
              + ": "
              + i.reason());
    }
  }

  static String describe(Rejection.Reason reason) {
    switch (reason) {
      case MISSING_REQUIRED:
        return "no required value";
      case MALFORMED_INPUT:
        return "malformed input";
      case INVALID_VALUE:
        return "invalid value";
      case INVALID_KEY:
        return "email not one value";
      case UNENCODABLE:
        return "characters the charset cannot hold";
      case DUPLICATE_KEY:
        return "email shared, refused";
      case DUPLICATE_USER_ID:
        return "user_id read twice";
      default:
        return "row too large";
    }
  }

  private void line(String label, String value) {
    out.println(String.format(Locale.ROOT, "  %-20s %s", label, value));
  }
}
