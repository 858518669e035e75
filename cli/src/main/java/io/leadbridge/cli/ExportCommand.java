package io.leadbridge.cli;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.internal.files.FolderLock;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code leadbridge export}: users from Auth0 or a file to CSV/TSV files. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export users to CSV/TSV files: a source to files.",
      "",
      "Export users from the Auth0 tenant (or a file) to CSV/TSV files through the mapping, split"
          + " below Marketo's 10 MB limit, every rejected user listed with the reason.",
      "",
      "Writes DIR/export/users.tsv (or its parts users-001.tsv, …), users.tsv.rowkeys and"
          + " users.tsv.rejections."
    })
final class ExportCommand extends RunCommand {
  @Mixin ExportFlags flags;

  ExportCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  @SuppressWarnings("try") // the lock is held for the whole run, and released at its end
  int run(Settings settings, Output output) throws Exception {
    Exporting exporting = new Exporting(ctx, settings, flags, output, false);
    Path out = settings.out(flags.out);
    Files.createDirectories(out);
    try (FolderLock held = FolderLock.acquire(out, "export")) {
      ctx.interruption.advice(
          () -> "No export file was kept (temporary files are deleted); run it again.");
      ctx.interruption.enter(Interruption.Stage.EXPORT);
      ExportResult export = exporting.run(out, null);
      ctx.interruption.stage(Interruption.Stage.WAITING);
      if (!output.json()) {
        new RunSummary(output.human(), export, null, null, null, null, false, false)
            .print(output.elapsed());
      }
      return Exporting.status(export);
    }
  }
}
