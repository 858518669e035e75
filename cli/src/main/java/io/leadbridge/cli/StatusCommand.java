package io.leadbridge.cli;

import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.ImportListener;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code leadbridge status BATCH}: where one Marketo batch stands. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show where a Marketo import batch stands.",
      "",
      "Show where a Marketo import batch stands: queued, importing, complete or failed, with its"
          + " counts. A batch id stays readable for 7 days. Exit status 0 when the batch was"
          + " read, whatever its state."
    })
final class StatusCommand extends RunCommand {
  @Parameters(paramLabel = "BATCH", description = "The batch id, as import and sync print it.")
  long batchId;

  @Mixin BatchTargetFlags target;

  StatusCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(Settings settings, Output output) {
    BulkTarget batchTarget = target.target(settings);
    MarketoBulkLeadClient client = settings.marketo(ImportListener.none());
    BatchStatus s = client.status(batchTarget, batchId);
    output.put("batch", JsonParts.batch(s));
    if (!output.json()) {
      output
          .human()
          .println(
              String.format(
                  Locale.ROOT,
                  "batch %d: %s, %,d leads processed, %,d failed, %,d with warning%s",
                  s.batchId(),
                  JsonParts.state(s.state()),
                  s.leadsProcessed(),
                  s.rowsFailed(),
                  s.rowsWithWarning(),
                  s.message().isEmpty() ? "" : " (" + s.message() + ")"));
    }
    return ExitCode.OK;
  }
}
