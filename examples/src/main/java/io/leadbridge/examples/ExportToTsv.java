package io.leadbridge.examples;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.nio.file.Path;

/**
 * The README's first snippet: an Auth0 NDJSON export to TSV with the extension's default columns.
 * {@code java -cp leadbridge-examples.jar io.leadbridge.examples.ExportToTsv tenant.json.gz
 * out/users.tsv}
 */
public final class ExportToTsv {
  private ExportToTsv() {}

  /**
   * Runs the example.
   *
   * @param args the NDJSON export and the TSV file to write
   */
  public static void main(String[] args) {
    UserExporter exporter =
        UserExporter.builder()
            .mapping(FieldMapping.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000)
            .build();

    try (UserSource users = UserSource.ndjson(Path.of(args[0]))) {
      ExportResult result = exporter.export(users, Path.of(args[1]));
      System.out.printf(
          "%d written, %d rejected, files %s%n",
          result.rowsWritten(), result.rowsRejected(), result.paths());
    }
  }
}
