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
 * The README's program member snippet: export users with an {@code email} column (by which Marketo
 * finds each member's lead, creating it when missing) and lead fields, then import them as members
 * of a program with a status of its channel. {@code MARKETO_ENDPOINT=… MARKETO_CLIENT_ID=…
 * MARKETO_CLIENT_SECRET=… java -cp leadbridge-demo.jar io.leadbridge.examples.ProgramMembersExample
 * tenant.json.gz out 1234 Registered}
 */
public final class ProgramMembersExample {
  private ProgramMembersExample() {}

  /**
   * Runs the example.
   *
   * @param args the NDJSON export, an output directory, the program id and the member status
   */
  public static void main(String[] args) {
    MarketoBulkLeadClient marketo =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create(System.getenv("MARKETO_ENDPOINT")))
            .clientId(System.getenv("MARKETO_CLIENT_ID"))
            .clientSecret(System.getenv("MARKETO_CLIENT_SECRET"))
            .build();
    ImportReport report =
        importMembers(
            marketo, Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2]), args[3]);
    System.out.printf(
        "%d members processed, %d failed, %d with warning%n",
        report.leadsProcessed(), report.rowsFailed(), report.rowsWithWarning());
    report.failures().forEach(f -> System.out.println(f.userIds() + ": " + f.reason()));
  }

  /**
   * Exports the users of an NDJSON file and imports them as members of a program.
   *
   * @param marketo the client
   * @param users the NDJSON export of the identity platform
   * @param out the folder for the exported files (and the import's journal)
   * @param programId the program
   * @param status a status of the program's channel, e.g. {@code Registered}
   * @return the import's report
   */
  public static ImportReport importMembers(
      MarketoBulkLeadClient marketo, Path users, Path out, long programId, String status) {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("email", "email") // required: Marketo finds the member's lead by it
            .column("given_name", "firstName") // lead fields create or update the lead
            .column("family_name", "lastName")
            .required("email")
            .build();
    UserExporter exporter = UserExporter.builder().mapping(mapping).format(CsvFormat.TSV).build();
    ExportResult export;
    try (UserSource source = UserSource.ndjson(users)) {
      export = exporter.export(source, out.resolve("members.tsv"));
    }
    // checks the program and the status before any upload (MarketoTargetException)
    return marketo.importAndAwait(
        export, BulkTarget.programMembers(programId, status), ImportOptions.defaults());
  }
}
