package io.leadbridge.cli;

import io.leadbridge.core.ExportResult;
import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportProgress;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.ValueReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Marketo step that {@code import} and {@code sync} share: checks the header and the lookup
 * field against the instance, then {@code importAndAwait}, which records every accepted batch in a
 * journal beside the files, so that a run stopped here is resumed without importing twice.
 */
final class Importing {
  private final CliContext ctx;
  private final Settings settings;
  private final ImportFlags flags;
  private final Output output;
  private final AtomicReference<ImportProgress> last = new AtomicReference<>();
  final MarketoBulkLeadClient client;
  final BulkTarget target;

  /** Resolves the Marketo settings; a mistake in them is found here, before any work. */
  Importing(CliContext ctx, Settings settings, ImportFlags flags, Output output) {
    this.ctx = ctx;
    this.settings = settings;
    this.flags = flags;
    this.output = output;
    flags.check();
    this.client = settings.marketo(ProgressLines.marketo(output.progress(), last));
    this.target = settings.target(flags);
  }

  /** Opens the stage: its title. */
  void stage() {
    output
        .progress()
        .stage(
            "marketo",
            "Marketo: instance "
                + settings.marketoName()
                + (target.kind() == BulkTarget.Kind.LEADS ? "" : ", " + target));
  }

  /**
   * Checks the export's header and the lookup field against the instance's lead fields; nothing is
   * uploaded.
   */
  void check(List<String> header) {
    if (target.kind() != BulkTarget.Kind.LEADS) {
      // the import checks a program's status or an object's fields before its first upload
      return;
    }
    client.checkHeader(header);
    Checks.lookupField(
        client,
        header,
        settings.lookupField(flags.lookupField),
        settings.lookupFieldName(flags.lookupField));
  }

  ImportOptions options(ExportResult export) {
    return settings.importOptions(flags, export.format());
  }

  /**
   * Imports and waits; what a stopped run leaves is said by {@code next}, given the parts accepted
   * so far.
   */
  ImportReport run(ExportResult export, String next) {
    ImportOptions options = options(export);
    ctx.interruption.advice(
        () -> {
          ImportProgress p = last.get();
          return (p == null
                  ? "No part had been uploaded yet."
                  : String.format(
                      Locale.ROOT,
                      "Marketo had accepted %d of %d part(s), recorded in the journal beside the"
                          + " files.",
                      p.uploaded(),
                      p.parts()))
              + " "
              + next;
        });
    ctx.interruption.enter(Interruption.Stage.IMPORT);
    ImportReport report = client.importAndAwait(export, target, options);
    for (ImportReport.Batch b : report.batches()) {
      output
          .progress()
          .line(
              String.format(
                  Locale.ROOT,
                  "batch %d %s: %,d leads processed, %,d failed, %,d with warning%s",
                  b.batchId(),
                  b.state().toString().toLowerCase(Locale.ROOT),
                  b.leadsProcessed(),
                  b.rowsFailed(),
                  b.rowsWithWarning(),
                  b.resumed() ? " (from an earlier run's journal)" : ""));
    }
    for (Path p : report.uncertainParts()) {
      output
          .progress()
          .line(
              "the answer to the upload of "
                  + p.getFileName()
                  + " was lost: Marketo may have imported it. Check Marketo's import history,"
                  + " then run again with --uncertain-uploads upload-again if it was not.");
    }
    output.put("marketo", JsonParts.marketo(report));
    return report;
  }

  /**
   * Prints what Marketo would do with the rows' values, as {@code --dry-run} predicts it: how many
   * rows it would refuse or change, then a line per column and rule.
   */
  static void predict(ValueReport check, Progress progress) {
    progress.line(
        String.format(
            Locale.ROOT,
            "value check: %,d rows checked; Marketo would refuse %,d and truncate or change %,d",
            check.rowsChecked(),
            check.rowsRejected(),
            check.rowsWarned()));
    for (String line : check.summary()) {
      progress.line("  " + line);
    }
  }

  /** 1 when Marketo failed rows or a batch, 3 when a part is uncertain, else 0. */
  static int status(ImportReport report) {
    if (report.rowsFailed() > 0
        || report.batches().stream().anyMatch(b -> b.state() == BatchStatus.State.FAILED)) {
      return ExitCode.INPUT_OR_ROWS;
    }
    if (!report.uncertainParts().isEmpty()) {
      return ExitCode.NOT_FINISHED;
    }
    return ExitCode.OK;
  }
}
