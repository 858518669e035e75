package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.cli.config.LeadbridgeConfig;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.ValueReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code leadbridge sync}: the nightly job in one command. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "The nightly job: export what changed, import it, move the sync state on.",
      "",
      "Export the users that are new or changed since the last run (compared"
          + " with the sync state), import them into Marketo and wait, then move the state on for"
          + " the rows Marketo took. With an alterian section in the configuration, also build"
          + " the Alterian package.",
      "",
      "A run stopped or failed half-way never moves the state: the next run sends the same users,"
          + " and the import journal finds the batches Marketo already accepted instead of"
          + " importing them twice."
    })
final class SyncCommand extends RunCommand {
  @Mixin ExportFlags exportFlags;

  @Mixin ImportFlags importFlags;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "The sync state's folder (default: the configuration's state, a folder or a PostgreSQL"
              + " database).")
  Path state;

  @Option(
      names = "--allow-mass-removal",
      description =
          "Accept an input that would remove more than half of the state's users (refused by"
              + " default: a truncated or wrong file would otherwise make the next run send"
              + " everyone again).")
  boolean allowMassRemoval;

  @Option(
      names = "--dry-run",
      description =
          "Export and compare, check the header and the lookup field against the instance;"
              + " upload nothing and leave the state as it was.")
  boolean dryRun;

  @Option(
      names = "--no-alterian",
      description = "Do not build the Alterian package the configuration asks for.")
  boolean noAlterian;

  SyncCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  @SuppressWarnings("try") // the lock is held for the whole run, and released at its end
  int run(Settings settings, Output output) throws Exception {
    if (settings.stateFolder(state).isEmpty() && settings.config().stateDatabase().isEmpty()) {
      throw CliException.usage(
          "sync compares with a sync state: give --state DIR, or state.folder or state.jdbcUrl in"
              + " --config.");
    }
    Exporting exporting = new Exporting(ctx, settings, exportFlags, output, allowMassRemoval);
    Importing importing = new Importing(ctx, settings, importFlags, output);
    LeadbridgeConfig.Alterian alterian =
        noAlterian ? null : settings.config().alterian().orElse(null);
    Path out = settings.out(exportFlags.out);
    Files.createDirectories(out);
    try (FolderLock held = FolderLock.acquire(out, "sync");
        SyncState syncState = settings.openState(state).orElseThrow()) {
      long generation = syncState.generation();
      importing.check(exporting.mapping.header());
      ctx.interruption.advice(
          () ->
              "No export file was kept and the sync state is unchanged (generation "
                  + generation
                  + "): the next run starts again.");
      ctx.interruption.enter(Interruption.Stage.EXPORT);
      ExportResult export = exporting.run(out, syncState);
      ImportReport report = null;
      if (dryRun) {
        output
            .progress()
            .line(
                "dry run: the header "
                    + export.header()
                    + " and the lookup field match the instance's lead fields; nothing uploaded,"
                    + " the sync state is left as it was");
        ValueReport check =
            importing.client.checkValues(export, importing.target, importing.options(export));
        Importing.predict(check, output.progress());
        output.put("valueCheck", JsonParts.valueCheck(check));
      } else if (export.rowsWritten() == 0) {
        output.progress().stage("marketo", "Marketo");
        output.progress().line("nothing changed since the last run: nothing to send to Marketo");
      } else {
        importing.stage();
        report =
            importing.run(
                export,
                "The sync state was not committed: the next run with the same output folder"
                    + " exports the same users again, waits on the batches already accepted"
                    + " instead of uploading them twice, and uploads the rest.");
      }
      AlterianPackage pkg = null;
      SyncState.Committed committed = null;
      if (!dryRun) {
        ctx.interruption.advice(
            () ->
                "Marketo has every part (in the journal) but the sync state was not committed:"
                    + " the next run finds the batches in the journal instead of importing"
                    + " them again, and commits.");
        if (alterian != null && export.rowsWritten() > 0) {
          ctx.interruption.enter(Interruption.Stage.PACKAGE);
          pkg =
              Packaging.pack(
                  export,
                  alterian.folder() != null ? alterian.folder() : ExportFolder.alterian(out),
                  alterian,
                  new LeadbridgeConfig.Alterian(null, null, null, null, null),
                  exporting.format.formulaGuard(),
                  output.progress());
          output.put("alterian", JsonParts.alterian(pkg));
        }
        ctx.interruption.enter(Interruption.Stage.COMMIT);
        committed = syncState.commit(export, report != null ? report : ImportConfirmation.all());
        if (report == null || report.uncertainParts().isEmpty()) {
          // an uncertain part's journal entry keeps it from being uploaded twice: kept until known
          ExportFolder.retireJournals(ExportFolder.exportFile(out, exporting.format).getParent());
        }
        output
            .progress()
            .line(
                String.format(
                    Locale.ROOT,
                    "sync state %s is now at generation %d: %,d users%s",
                    Settings.where(syncState),
                    committed.generation(),
                    committed.users(),
                    committed.rowsUnconfirmed() > 0
                        ? String.format(
                            Locale.ROOT,
                            "; %,d rows Marketo did not take are sent again next run",
                            committed.rowsUnconfirmed())
                        : ""));
      }
      ctx.interruption.stage(Interruption.Stage.WAITING);
      output.put("sync", JsonParts.sync(syncState, export.sync().orElseThrow(), committed));
      if (!output.json()) {
        new RunSummary(output.human(), export, report, pkg, syncState, committed, true, dryRun)
            .print(output.elapsed());
      }
      int status = Exporting.status(export);
      return status != ExitCode.OK || report == null ? status : Importing.status(report);
    }
  }
}
