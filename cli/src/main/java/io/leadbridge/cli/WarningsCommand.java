package io.leadbridge.cli;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.marketo.BatchRows;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import picocli.CommandLine.Command;

/** {@code leadbridge warnings BATCH}. */
@Command(
    name = "warnings",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch the rows Marketo imported with a warning in one batch.",
      "",
      "Fetch the rows Marketo imported with a warning in one batch (a value truncated, for"
          + " example), each with its Import Warning Reason: counted by reason, or written with"
          + " --output."
    })
final class WarningsCommand extends BatchRowsCommand {
  WarningsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String kind() {
    return "warnings";
  }

  @Override
  String reasonColumn() {
    return "Import Warning Reason";
  }

  @Override
  BatchRows read(MarketoBulkLeadClient client, BulkTarget target, long batchId, CsvFormat format) {
    return client.warnings(target, batchId, format);
  }
}
