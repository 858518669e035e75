package io.leadbridge.cli;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvWriter;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.TempFiles;
import io.leadbridge.marketo.BatchRow;
import io.leadbridge.marketo.BatchRows;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.ImportListener;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leadbridge failures BATCH} and {@code leadbridge warnings BATCH}: a batch's failed or
 * warned rows. The rows hold personal data: they are written only where asked ({@code --output}, an
 * owner-only file, or {@code -} for standard output); otherwise only the count per reason is shown.
 */
abstract class BatchRowsCommand extends RunCommand {
  @Parameters(paramLabel = "BATCH", description = "The batch id, as import and sync print it.")
  long batchId;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "The format the batch was uploaded in: ${COMPLETION-CANDIDATES} (default: tsv).")
  CsvFormatName format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Write the rows, with Marketo's reason as the last column, to FILE (created readable by"
              + " you only), or to standard output with -. Without it only the reasons are"
              + " counted: the rows hold personal data.")
  Path file;

  @Mixin BatchTargetFlags target;

  BatchRowsCommand(CliContext ctx) {
    super(ctx);
  }

  /** {@code failures} or {@code warnings}. */
  abstract String kind();

  /** The reason column Marketo adds. */
  abstract String reasonColumn();

  abstract BatchRows read(
      MarketoBulkLeadClient client, BulkTarget target, long batchId, CsvFormat format);

  @Override
  int run(Settings settings, Output output) throws IOException {
    CsvFormat csv = settings.format(format, false);
    if (file != null && file.toString().equals("-") && output.json()) {
      throw CliException.usage("--output - and --json both write to standard output: choose one.");
    }
    if (file != null && !file.toString().equals("-") && Files.isDirectory(file)) {
      throw CliException.usage("--output " + file + " is a folder; give a file.");
    }
    BulkTarget batchTarget = target.target(settings);
    MarketoBulkLeadClient client = settings.marketo(ImportListener.none());
    Map<String, Long> reasons = new TreeMap<>();
    long rows = 0;
    try (BatchRows batchRows = read(client, batchTarget, batchId, csv)) {
      List<String> header = new ArrayList<>(batchRows.header());
      header.add(reasonColumn());
      if (file == null) {
        for (BatchRow row : batchRows) {
          reasons.merge(row.reason(), 1L, Long::sum);
          rows++;
        }
      } else if (file.toString().equals("-")) {
        rows = write(batchRows, header, csv, ctx.out, reasons);
      } else {
        rows = writeFile(batchRows, header, csv, reasons);
      }
    }
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("batchId", batchId);
    json.put("rows", rows);
    json.put("byReason", new java.util.LinkedHashMap<>(reasons));
    if (file != null && !file.toString().equals("-")) {
      json.put("file", file.toString());
    }
    output.put(kind(), json);
    boolean rowsOnStdout = file != null && file.toString().equals("-");
    if (!output.json()) {
      java.io.PrintStream people = rowsOnStdout ? ctx.err : output.human();
      people.println(
          String.format(Locale.ROOT, "batch %d: %,d row(s) in its %s", batchId, rows, kind()));
      reasons.forEach(
          (reason, n) -> people.println(String.format(Locale.ROOT, "  %,8d  %s", n, reason)));
      if (file != null && !rowsOnStdout) {
        people.println("written to " + file);
      }
    }
    return ExitCode.OK;
  }

  /** Writes beside the target under a temporary name, then moves it into place. */
  private long writeFile(
      BatchRows batchRows, List<String> header, CsvFormat csv, Map<String, Long> reasons)
      throws IOException {
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp =
        TempFiles.register(
            OwnerOnlyFiles.createTempFile(
                target.getParent(), "." + target.getFileName() + ".", ".tmp"));
    try {
      long rows;
      try (OutputStream stream = Files.newOutputStream(tmp)) {
        rows = write(batchRows, header, csv, stream, reasons);
      }
      OwnerOnlyFiles.move(tmp, target);
      return rows;
    } finally {
      TempFiles.deleteTree(tmp);
    }
  }

  private static long write(
      BatchRows batchRows,
      List<String> header,
      CsvFormat csv,
      OutputStream stream,
      Map<String, Long> reasons)
      throws IOException {
    Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
    CsvWriter out = csv.newWriter(writer);
    out.writeRow(header);
    long rows = 0;
    for (BatchRow row : batchRows) {
      List<String> values = new ArrayList<>(row.values());
      values.add(row.reason());
      out.writeRow(values);
      reasons.merge(row.reason(), 1L, Long::sum);
      rows++;
    }
    out.flush();
    return rows;
  }
}
