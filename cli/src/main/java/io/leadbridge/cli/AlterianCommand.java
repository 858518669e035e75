package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.cli.config.LeadbridgeConfig;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.files.FolderLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leadbridge alterian}: files to an Alterian Data Import package. */
@Command(
    name = "alterian",
    mixinStandardHelpOptions = true,
    description = {
      "Package exported files for Alterian's Data Import.",
      "",
      "Package exported files for Alterian Campaign Manager's Data Import: the data with column"
          + " names a table accepts, IMPORT-SETTINGS.txt (every setting of the import window"
          + " filled in), columns.json and SHA256SUMS.",
      "",
      "Without FILE, packages the last export in DIR/export into DIR/alterian."
    })
final class AlterianCommand extends RunCommand {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "The output folder whose export/ is packaged when no FILE is given (default: the"
              + " configuration's, else leadbridge-out in the current folder).")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "The files' format: ${COMPLETION-CANDIDATES} (default: tsv).")
  CsvFormatName format;

  @Option(
      names = "--folder",
      paramLabel = "DIR",
      description = "Where the package goes (default: the configuration's, else DIR/alterian).")
  Path folder;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "The Alterian table name (default: Auth0Users).")
  String table;

  @Option(
      names = "--import-mode",
      paramLabel = "MODE",
      description = "How the import treats rows already in the table: append, replace or update.")
  AlterianImportPackager.ImportMode importMode;

  @Option(
      names = "--key-column",
      paramLabel = "NAME",
      description = "The column that matches rows for an update.")
  String keyColumn;

  @Option(names = "--zip", description = "Put the whole package in one zip archive.")
  Boolean zip;

  @Option(
      names = "--formula-guard",
      description = "Prefix values a spreadsheet would run as formulas with '.")
  boolean formulaGuard;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to package, in order.")
  List<Path> files = new ArrayList<>();

  AlterianCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  @SuppressWarnings("try") // the lock is held for the whole run, and released at its end
  int run(Settings settings, Output output) throws Exception {
    CsvFormat csv = settings.format(format, false);
    LeadbridgeConfig.Alterian configured = settings.config().alterian().orElse(null);
    Path dir = settings.out(out);
    List<Path> toPack = files;
    if (toPack.isEmpty()) {
      toPack = ExportFolder.exportedFiles(dir, csv);
      if (toPack.isEmpty()) {
        throw CliException.usage(
            "no "
                + csv.fileExtension()
                + " export in "
                + dir.resolve("export")
                + ": run leadbridge export first, or name the files to package.");
      }
    } else {
      for (Path f : toPack) {
        String problem = ExportFolder.inputProblem(f);
        if (problem != null) {
          throw CliException.usage(f + ": " + problem);
        }
      }
    }
    Path target =
        folder != null
            ? folder
            : configured != null && configured.folder() != null
                ? configured.folder()
                : ExportFolder.alterian(dir);
    if (files.isEmpty()) {
      Files.createDirectories(dir);
    }
    try (FolderLock held = files.isEmpty() ? FolderLock.acquire(dir, "package") : null) {
      ctx.interruption.advice(
          () -> "The package was not finished (its temporary files are deleted); run it again.");
      ctx.interruption.enter(Interruption.Stage.PACKAGE);
      AlterianPackage pkg =
          Packaging.pack(
              ExportResult.ofFiles(csv, toPack),
              target,
              configured,
              new LeadbridgeConfig.Alterian(null, table, importMode, keyColumn, zip),
              formulaGuard || settings.config().formulaGuard().orElse(false),
              output.progress());
      ctx.interruption.stage(Interruption.Stage.WAITING);
      output.put("alterian", JsonParts.alterian(pkg));
      if (!output.json()) {
        output.human().println();
        output.human().println("Files:");
        output
            .human()
            .println(
                "  "
                    + pkg.directory()
                    + "  (Alterian package: start with "
                    + pkg.settingsFile().getFileName()
                    + ")");
      }
      return ExitCode.OK;
    }
  }
}
