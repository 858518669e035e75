package io.leadbridge.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of an export: where users come from, the mapping and the files. */
final class ExportFlags {
  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "Read users from an export file (NDJSON or a JSON array, gzipped or not) instead of the"
              + " Auth0 tenant; - reads NDJSON from standard input.")
  Path input;

  @Option(
      names = "--input-format",
      paramLabel = "FORMAT",
      description = "The input file's format: ${COMPLETION-CANDIDATES} (default: auto).")
  Choices.InputFormat inputFormat;

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      description =
          "The field mapping, a table or JSON file (default: the configuration's, else Marketo's"
              + " REST names for Auth0 users).")
  Path mapping;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "The file format: ${COMPLETION-CANDIDATES} (default: tsv).")
  CsvFormatName format;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "The output folder: the export goes to DIR/export, the Alterian package to"
              + " DIR/alterian (default: leadbridge-out in the current folder).")
  Path out;

  @Option(
      names = "--merge-policy",
      paramLabel = "POLICY",
      description =
          "Which of the users sharing an email is written: ${COMPLETION-CANDIDATES} (default:"
              + " most-recently-updated).")
  Choices.Merge mergePolicy;

  @Option(
      names = "--formula-guard",
      description = "Prefix values a spreadsheet would run as formulas with '.")
  boolean formulaGuard;
}
