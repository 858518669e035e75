package io.leadbridge.examples;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.nio.file.Path;

/**
 * The README's Alterian snippet: export, then package for Campaign Manager's Data Import. {@code
 * java -cp leadbridge-examples.jar io.leadbridge.examples.PackageForAlterian tenant.json.gz out}
 */
public final class PackageForAlterian {
  private PackageForAlterian() {}

  /**
   * Runs the example.
   *
   * @param args the NDJSON export and an output directory
   */
  public static void main(String[] args) {
    ExportResult export;
    try (UserSource users = UserSource.ndjson(Path.of(args[0]))) {
      export =
          UserExporter.builder()
              .mapping(FieldMapping.auth0Defaults())
              .format(CsvFormat.CSV)
              .build()
              .export(users, Path.of(args[1], "export", "users.csv"));
    }

    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Auth0Users")
            .importMode(AlterianImportPackager.ImportMode.UPDATE)
            .keyColumn("Email")
            .build()
            .pack(export, Path.of(args[1], "alterian"));

    System.out.println(pkg.rows() + " rows packaged; follow " + pkg.settingsFile());
    pkg.renames().forEach((from, to) -> System.out.println("  renamed " + from + " -> " + to));
  }
}
