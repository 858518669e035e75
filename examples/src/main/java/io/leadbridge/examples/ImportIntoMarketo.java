package io.leadbridge.examples;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import java.net.URI;
import java.nio.file.Path;

/**
 * The README's Marketo snippet: export with Marketo's REST names, import, wait, and list the rows
 * Marketo failed. {@code MARKETO_ENDPOINT=… MARKETO_CLIENT_ID=… MARKETO_CLIENT_SECRET=… java -cp
 * leadbridge-examples.jar io.leadbridge.examples.ImportIntoMarketo tenant.json.gz out}
 */
public final class ImportIntoMarketo {
  private ImportIntoMarketo() {}

  /**
   * Runs the example.
   *
   * @param args the NDJSON export and an output directory
   */
  public static void main(String[] args) {
    UserExporter exporter =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults()) // email, firstName, lastName, phone
            .format(CsvFormat.TSV)
            .build();
    ExportResult export;
    try (UserSource users = UserSource.ndjson(Path.of(args[0]))) {
      export = exporter.export(users, Path.of(args[1], "users.tsv"));
    }

    MarketoBulkLeadClient marketo =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create(System.getenv("MARKETO_ENDPOINT")))
            .clientId(System.getenv("MARKETO_CLIENT_ID"))
            .clientSecret(System.getenv("MARKETO_CLIENT_SECRET"))
            .build();
    ImportReport report =
        marketo.importAndAwait(export, ImportOptions.builder().lookupField("email").build());

    System.out.printf(
        "%d leads processed, %d failed, %d with warning%n",
        report.leadsProcessed(), report.rowsFailed(), report.rowsWithWarning());
    report.failures().forEach(f -> System.out.println(f.userIds() + ": " + f.reason()));
  }
}
