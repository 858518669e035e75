package io.leadbridge.cli;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.marketo.ImportReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leadbridge import}: files to Marketo, waiting for every batch. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import files into Marketo and wait for every batch.",
      "",
      "Import files into Marketo with the Bulk Lead Import API and wait for every batch: the"
          + " header and the lookup field are checked against the instance first, files over"
          + " the limit are split, failed and warned rows are reported.",
      "",
      "Without FILE, imports the last export in DIR/export. Every accepted batch is recorded in a"
          + " journal beside the files: run the same import again after a failure or a stop and"
          + " it waits on those batches instead of importing them twice."
    })
final class ImportCommand extends RunCommand {
  @Mixin ImportFlags flags;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "The output folder whose export/ is imported when no FILE is given (default: the"
              + " configuration's, else leadbridge-out in the current folder).")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "The files' format: ${COMPLETION-CANDIDATES} (default: tsv).")
  CsvFormatName format;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to import, in order.")
  List<Path> files = new ArrayList<>();

  ImportCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(Settings settings, Output output) throws Exception {
    CsvFormat csv = settings.format(format, false);
    Importing importing = new Importing(ctx, settings, flags, output);
    List<Path> toImport = files;
    FolderLock held = null;
    try {
      if (toImport.isEmpty()) {
        Path dir = settings.out(out);
        toImport = ExportFolder.exportedFiles(dir, csv);
        if (toImport.isEmpty()) {
          throw CliException.usage(
              "no "
                  + csv.fileExtension()
                  + " export in "
                  + dir.resolve("export")
                  + ": run leadbridge export first, or name the files to import.");
        }
        Files.createDirectories(dir);
        held = FolderLock.acquire(dir, "import");
      } else {
        for (Path f : toImport) {
          String problem = ExportFolder.inputProblem(f);
          if (problem != null) {
            throw CliException.usage(f + ": " + problem);
          }
        }
      }
      ExportResult export = ExportResult.ofFiles(csv, toImport);
      importing.stage();
      importing.check(header(toImport.get(0), csv));
      ImportReport report =
          importing.run(
              export,
              "Run the same import again: it waits on the batches already accepted instead of"
                  + " uploading them twice, and uploads the rest.");
      ctx.interruption.stage(Interruption.Stage.WAITING);
      if (!output.json()) {
        new RunSummary(output.human(), null, report, null, null, null, true, false)
            .print(output.elapsed());
      }
      return Importing.status(report);
    } finally {
      if (held != null) {
        held.close();
      }
    }
  }

  private static List<String> header(Path file, CsvFormat format) throws IOException {
    try (CsvReader reader = format.openReader(file)) {
      return reader.header();
    }
  }
}
