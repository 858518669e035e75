package io.leadbridge.examples;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.marketo.BulkTarget;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import java.net.URI;
import java.nio.file.Path;

/**
 * The README's custom object snippet: one record per user in a custom object linked to leads by
 * {@code email} and deduplicated by {@code auth0UserId}, with the user's plan and company. The
 * object ({@code auth0Account_c} here) is created and approved in Marketo's Admin first. {@code
 * MARKETO_ENDPOINT=… MARKETO_CLIENT_ID=… MARKETO_CLIENT_SECRET=… java -cp leadbridge-demo.jar
 * io.leadbridge.examples.CustomObjectExample tenant.json.gz out auth0Account_c}
 */
public final class CustomObjectExample {
  private CustomObjectExample() {}

  /**
   * Runs the example.
   *
   * @param args the NDJSON export, an output directory and the custom object's API name
   */
  public static void main(String[] args) {
    MarketoBulkLeadClient marketo =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create(System.getenv("MARKETO_ENDPOINT")))
            .clientId(System.getenv("MARKETO_CLIENT_ID"))
            .clientSecret(System.getenv("MARKETO_CLIENT_SECRET"))
            .build();
    ImportReport report = importAccounts(marketo, Path.of(args[0]), Path.of(args[1]), args[2]);
    System.out.printf(
        "%d records processed, %d failed, %d with warning%n",
        report.leadsProcessed(), report.rowsFailed(), report.rowsWithWarning());
    report.failures().forEach(f -> System.out.println(f.userIds() + ": " + f.reason()));
  }

  /**
   * Exports the users of an NDJSON file and imports one record of a custom object per user.
   *
   * @param marketo the client
   * @param users the NDJSON export of the identity platform
   * @param out the folder for the exported files (and the import's journal)
   * @param apiName the custom object's API name
   * @return the import's report
   */
  public static ImportReport importAccounts(
      MarketoBulkLeadClient marketo, Path users, Path out, String apiName) {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("user_id", "auth0UserId") // the object's dedupe field
            .column("email", "email") // the link to the lead; traces failed rows to users
            .column("user_metadata.plan", "plan")
            .column("user_metadata.company", "company")
            .required("email")
            .build();
    UserExporter exporter = UserExporter.builder().mapping(mapping).format(CsvFormat.CSV).build();
    ExportResult export;
    try (UserSource source = UserSource.ndjson(users)) {
      export = exporter.export(source, out.resolve("accounts.csv"));
    }
    // describes the object before any upload: an unknown object or column stops here
    return marketo.importAndAwait(
        export,
        BulkTarget.customObject(apiName),
        ImportOptions.builder().lookupField("email").build());
  }
}
