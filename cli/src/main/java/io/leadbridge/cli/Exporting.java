package io.leadbridge.cli;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The export step that {@code export} and {@code sync} share: checks the source, opens it (running
 * the Auth0 job), writes the files, removes an earlier export of the other format, and describes
 * the comparison with a sync state.
 */
final class Exporting {
  private final CliContext ctx;
  private final Settings settings;
  private final ExportFlags flags;
  private final Output output;
  final FieldMapping mapping;
  final CsvFormat format;
  final UserExporter exporter;

  /** Resolves the settings of an export; a mistake in them is found here, before any work. */
  Exporting(
      CliContext ctx,
      Settings settings,
      ExportFlags flags,
      Output output,
      boolean allowMassRemovalFlag) {
    this.ctx = ctx;
    this.settings = settings;
    this.flags = flags;
    this.output = output;
    this.mapping = settings.mapping(flags.mapping);
    this.format = settings.format(flags.format, flags.formulaGuard);
    this.exporter =
        settings.exporter(
            mapping,
            flags.mapping,
            format,
            settings.mergePolicy(flags.mergePolicy == null ? null : flags.mergePolicy.policy),
            settings.allowMassRemoval(allowMassRemovalFlag),
            ProgressLines.export(output.progress(), ctx.clock));
    settings.checkSource(flags.input);
  }

  /** Exports into {@code out/export}, against the state when one is given. */
  ExportResult run(Path out, SyncState state) throws IOException {
    Path file = ExportFolder.exportFile(out, format);
    ExportResult export;
    try (UserSource users =
        ctx.interruption.watch(
            settings.openSource(
                flags.input,
                flags.inputFormat == null ? null : flags.inputFormat.format,
                mapping,
                output.progress()))) {
      ctx.interruption.check();
      output
          .progress()
          .stage(
              "export",
              "Export: users to " + format.fileExtension().toUpperCase(Locale.ROOT) + " files");
      export = state == null ? exporter.export(users, file) : exporter.export(users, file, state);
    }
    int removed =
        ExportFolder.removeOtherFormat(
            file.getParent(), format.fileExtension().equals("tsv") ? "csv" : "tsv");
    if (removed > 0) {
      output
          .progress()
          .line(
              String.format(
                  Locale.ROOT,
                  "removed %d file(s) of the %s export an earlier run left in %s",
                  removed,
                  format.fileExtension().equals("tsv") ? "csv" : "tsv",
                  file.getParent()));
    }
    export.sync().ifPresent(s -> describe(state, s));
    output.put("export", JsonParts.export(export));
    return export;
  }

  private void describe(SyncState state, SyncSummary s) {
    describe(output.progress(), state, s);
  }

  /** What an export against a state found: the counts, a full run's reason, changed emails. */
  static void describe(Progress progress, SyncState state, SyncSummary s) {
    progress.line(
        String.format(
            Locale.ROOT,
            "sync against %s (generation %d): %,d new, %,d changed, %,d unchanged, %,d gone",
            Settings.where(state),
            s.baseGeneration(),
            s.newUsers(),
            s.changedUsers(),
            s.unchangedUsers(),
            s.absentUsers()));
    s.fullRunReason()
        .ifPresent(r -> progress.line("full run: " + r + "; every user is sent again"));
    if (s.lookupChanges() > 0) {
      progress.line(
          String.format(
              Locale.ROOT,
              "%,d users changed their email: Marketo makes a new lead for each (the old one"
                  + " stays); listed in %s",
              s.lookupChanges(),
              s.lookupChangesFile().orElseThrow()));
    }
  }

  /** 1 when the input had entries other than users the mapping leaves out; else 0. */
  static int status(ExportResult export) {
    for (Rejection.Reason r : export.rejectionCounts().keySet()) {
      if (r != Rejection.Reason.MISSING_REQUIRED) {
        return ExitCode.INPUT_OR_ROWS;
      }
    }
    return ExitCode.OK;
  }
}
