package io.leadbridge.cli;

import io.leadbridge.alterian.AlterianImportPackager;
import io.leadbridge.alterian.AlterianPackage;
import io.leadbridge.cli.config.LeadbridgeConfig;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import java.nio.file.Path;
import java.util.Locale;

/** The Alterian step that {@code alterian} and {@code sync} share. */
final class Packaging {
  private Packaging() {}

  /**
   * Packages an export.
   *
   * @param settings the configuration's {@code alterian} section, or {@code null}
   * @param overrides the command line's, which win; fields may be {@code null}
   */
  static AlterianPackage pack(
      ExportResult export,
      Path folder,
      LeadbridgeConfig.Alterian settings,
      LeadbridgeConfig.Alterian overrides,
      boolean formulaGuard,
      Progress progress) {
    AlterianImportPackager.Builder b = AlterianImportPackager.builder().overwrite(true);
    if (formulaGuard) {
      b.format(CsvFormat.CSV.toBuilder().formulaGuard(true).build());
    }
    String table = pick(overrides.tableName(), settings == null ? null : settings.tableName());
    b.tableName(table == null ? "Auth0Users" : table);
    AlterianImportPackager.ImportMode mode =
        pick(overrides.importMode(), settings == null ? null : settings.importMode());
    if (mode != null) {
      b.importMode(mode);
    }
    String key = pick(overrides.keyColumn(), settings == null ? null : settings.keyColumn());
    if (key != null) {
      b.keyColumn(key);
    }
    Boolean zip = pick(overrides.zip(), settings == null ? null : settings.zip());
    if (zip != null) {
      b.zip(zip);
    }
    AlterianImportPackager packager;
    try {
      packager = b.build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage("the Alterian package: " + e.getMessage());
    }
    progress.stage("alterian", "Alterian: Data Import package");
    AlterianPackage pkg = packager.pack(export, folder);
    progress.line(
        String.format(
            Locale.ROOT,
            "%,d rows in %d file(s); follow %s",
            pkg.rows(),
            pkg.dataFiles().size(),
            pkg.settingsFile()));
    return pkg;
  }

  private static <T> T pick(T first, T second) {
    return first != null ? first : second;
  }
}
