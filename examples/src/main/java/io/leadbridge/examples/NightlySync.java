package io.leadbridge.examples;

import io.leadbridge.auth0.Auth0ExportJob;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import java.net.URI;
import java.nio.file.Path;

/**
 * The README's sync snippet: every night, send Marketo only the Auth0 users that are new or changed
 * since the last night, and move the state on for the rows Marketo took. {@code AUTH0_DOMAIN=…
 * AUTH0_CLIENT_ID=… AUTH0_CLIENT_SECRET=… MARKETO_ENDPOINT=… MARKETO_CLIENT_ID=…
 * MARKETO_CLIENT_SECRET=… java -cp leadbridge-examples.jar io.leadbridge.examples.NightlySync
 * sync-state out}
 */
public final class NightlySync {
  private NightlySync() {}

  /**
   * Runs the example.
   *
   * @param args the state folder and an output directory
   */
  public static void main(String[] args) {
    UserExporter exporter =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000)
            .build();
    Auth0ExportJob job =
        Auth0ExportJob.builder()
            .domain(System.getenv("AUTH0_DOMAIN"))
            .clientId(System.getenv("AUTH0_CLIENT_ID"))
            .clientSecret(System.getenv("AUTH0_CLIENT_SECRET"))
            .mapping(exporter.mapping())
            .build();
    MarketoBulkLeadClient marketo =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create(System.getenv("MARKETO_ENDPOINT")))
            .clientId(System.getenv("MARKETO_CLIENT_ID"))
            .clientSecret(System.getenv("MARKETO_CLIENT_SECRET"))
            .build();

    // the state holds the run's lease until it is closed
    try (SyncState state = SyncState.open(Path.of(args[0]))) {
      ExportResult export;
      try (UserSource users = job.open()) {
        export = exporter.export(users, Path.of(args[1], "users.tsv"), state);
      }
      SyncSummary sync = export.sync().orElseThrow();
      System.out.printf(
          "%d new, %d changed, %d unchanged, %d gone from the source, %d merged%n",
          sync.newUsers(),
          sync.changedUsers(),
          sync.unchangedUsers(),
          sync.absentUsers(),
          export.rowsMerged());

      ImportReport report =
          marketo.importAndAwait(export, ImportOptions.builder().lookupField("email").build());
      SyncState.Committed committed = state.commit(export, report);
      System.out.printf(
          "%d rows imported; %d to send again next night%n",
          committed.rowsConfirmed(), committed.rowsUnconfirmed());
    }
  }
}
