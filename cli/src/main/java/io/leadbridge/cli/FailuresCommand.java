package io.leadbridge.cli;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.marketo.BatchRows;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import picocli.CommandLine.Command;

/** {@code leadbridge failures BATCH}. */
@Command(
    name = "failures",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch the rows Marketo failed in one batch.",
      "",
      "Fetch the rows Marketo failed in one batch, each with its Import Failure Reason: counted"
          + " by reason, or written with --output."
    })
final class FailuresCommand extends BatchRowsCommand {
  FailuresCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String kind() {
    return "failures";
  }

  @Override
  String reasonColumn() {
    return "Import Failure Reason";
  }

  @Override
  BatchRows read(MarketoBulkLeadClient client, BulkTarget target, long batchId, CsvFormat format) {
    return client.failures(target, batchId, format);
  }
}
