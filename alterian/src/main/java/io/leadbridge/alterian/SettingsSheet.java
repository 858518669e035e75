package io.leadbridge.alterian;

import io.leadbridge.core.csv.CsvFormat;
import java.util.List;
import java.util.Locale;

/** Writes {@code IMPORT-SETTINGS.txt}: the how-to's steps with every setting filled in. */
final class SettingsSheet {
  private SettingsSheet() {}

  static String write(
      AlterianImportPackager config,
      CsvFormat input,
      List<ColumnSpec> specs,
      List<AlterianPackage.DataFile> files,
      List<AlterianPackage.SkippedRow> skipped) {
    CsvFormat f = config.format;
    StringBuilder sb = new StringBuilder();
    long rows = files.stream().mapToLong(AlterianPackage.DataFile::rows).sum();
    line(sb, "Alterian Campaign Manager: Data Import settings for table " + config.tableName);
    line(sb, "=".repeat(60 + config.tableName.length()));
    line(sb, "");
    line(
        sb,
        String.format(
            Locale.ROOT,
            "This package holds %,d rows in %d data file%s. Follow the steps below; every setting of",
            rows,
            files.size(),
            files.size() == 1 ? "" : "s"));
    line(sb, "the \"New Imports data\" window is filled in for these files.");
    line(sb, "");
    line(sb, "Files");
    for (AlterianPackage.DataFile d : files) {
      line(
          sb,
          String.format(
              Locale.ROOT,
              "  %-28s %,12d rows %,14d bytes",
              d.path().getFileName(),
              d.rows(),
              d.bytes()));
    }
    line(sb, "  " + PackRun.COLUMNS + "                 what each column holds");
    line(
        sb,
        "  " + PackRun.SUMS + "                   checksums; check with: sha256sum -c SHA256SUMS");
    line(sb, "");
    String names =
        files.size() == 1 ? files.get(0).path().getFileName().toString() : "each data file";
    line(sb, "Step 1. Open Alterian Campaign Manager and click Documents.");
    line(
        sb,
        "Step 2. Choose the directory to import the file"
            + (files.size() == 1 ? "" : "s")
            + " to.");
    line(sb, "Step 3. Click Upload Files and select " + names + ".");
    line(sb, "Step 4. Click Upload.");
    line(sb, "Step 5. When the upload is complete, open the Data Import tool.");
    line(
        sb,
        "Step 6. In the \"New Imports data\" window, enter these settings"
            + (files.size() == 1 ? ":" : " (the same for every file):"));
    line(sb, "");
    setting(
        sb,
        "File name",
        files.size() == 1
            ? names
            : files.get(0).path().getFileName() + " (then the next file, and so on)");
    setting(sb, "Field delimiter", delimiter(f.delimiter()));
    setting(sb, "Text qualifier", f.quote() == '"' ? "Double quote (\")" : "'" + f.quote() + "'");
    setting(sb, "First row has names", "Yes");
    setting(sb, "Rows to skip", "0");
    setting(
        sb, "Encoding", f.charset().name() + (f.byteOrderMark() ? " with byte-order mark" : ""));
    setting(
        sb,
        "Record separator",
        f.recordSeparator().equals("\r\n")
            ? "CR LF (Windows)"
            : f.recordSeparator().equals("\n") ? "LF (Unix)" : "CR");
    setting(sb, "Date format", dateFormat(config, specs));
    setting(sb, "Target table", config.tableName);
    setting(sb, "Import mode", mode(config));
    setting(sb, "Key column", keyColumn(config, specs));
    line(sb, "");
    line(sb, "        Columns, in file order:");
    int width = specs.stream().mapToInt(c -> c.name().length()).max().orElse(4);
    for (int i = 0; i < specs.size(); i++) {
      ColumnSpec c = specs.get(i);
      String type =
          c.type().label() + (c.storedFormat() != null ? " (" + c.storedFormat() + ")" : "");
      line(
          sb,
          String.format(
              Locale.ROOT,
              "        %3d. %-" + width + "s  %-30s longest %d%s",
              i + 1,
              c.name(),
              type,
              c.maxLength(),
              c.valueCount() == 0
                  ? ", always empty"
                  : c.nullCount() > 0
                      ? String.format(Locale.ROOT, ", empty in %,d rows", c.nullCount())
                      : ""));
    }
    line(sb, "");
    line(sb, "Step 7. Review the settings and click Run Processes.");
    line(sb, "");
    boolean anyRename = specs.stream().anyMatch(ColumnSpec::renamed);
    line(sb, "Renamed columns");
    if (!anyRename) {
      line(sb, "  None: every column keeps its name from the export.");
    } else {
      line(
          sb,
          "  Column names were made safe for a database table (letters, digits and underscores,");
      line(
          sb,
          "  starting with a letter, at most "
              + config.maxColumnNameLength
              + " characters). The files use the new names:");
      for (ColumnSpec c : specs) {
        if (c.renamed()) {
          line(sb, "    \"" + c.sourceName() + "\" -> " + c.name());
        }
      }
    }
    if (!skipped.isEmpty()) {
      line(sb, "");
      line(sb, String.format(Locale.ROOT, "Rows left out (%,d)", skipped.size()));
      line(
          sb,
          "  These rows hold a character that "
              + f.charset().name()
              + " cannot represent; package");
      line(sb, "  them in UTF-8 to import them:");
      int shown = 0;
      for (AlterianPackage.SkippedRow r : skipped) {
        if (shown++ == 50) {
          line(
              sb, "    … and " + (skipped.size() - 50) + " more (see the package's skippedRows())");
          break;
        }
        line(sb, "    " + r.file() + ", data row " + r.row() + ", column \"" + r.column() + "\"");
      }
    }
    line(sb, "");
    line(sb, "Source: " + PackRun.describe(input) + " export, " + input.charset().name() + ".");
    return sb.toString();
  }

  private static String dateFormat(AlterianImportPackager config, List<ColumnSpec> specs) {
    boolean dates = specs.stream().anyMatch(c -> c.type() == ColumnType.DATE);
    boolean dateTimes = specs.stream().anyMatch(c -> c.type() == ColumnType.DATE_TIME);
    if (!dates && !dateTimes) {
      return "(no date columns)";
    }
    if (config.dateStyle == AlterianImportPackager.DateStyle.ISO) {
      return "ISO 8601 (e.g. 2024-03-01 and 2024-03-01T09:30:00Z)";
    }
    if (dates && dateTimes) {
      return "CCYYMMDD for dates, CCYYMMDD HHMMSS for date-times (UTC)";
    }
    return dates ? "CCYYMMDD" : "CCYYMMDD HHMMSS (UTC)";
  }

  private static String mode(AlterianImportPackager config) {
    switch (config.importMode) {
      case REPLACE:
        return "Replace: the table's rows are replaced by these";
      case UPDATE:
        return "Update: rows with the same key column are updated, others added";
      default:
        return "Append: these rows are added to the table";
    }
  }

  private static String keyColumn(AlterianImportPackager config, List<ColumnSpec> specs) {
    if (config.keyColumn == null) {
      return "(none)";
    }
    for (ColumnSpec c : specs) {
      if (c.sourceName().equals(config.keyColumn) || c.name().equals(config.keyColumn)) {
        return c.name();
      }
    }
    return config.keyColumn;
  }

  private static String delimiter(char c) {
    switch (c) {
      case ',':
        return "Comma (,)";
      case '\t':
        return "Tab";
      case ';':
        return "Semicolon (;)";
      case '|':
        return "Pipe (|)";
      default:
        return "'" + c + "'";
    }
  }

  private static void setting(StringBuilder sb, String name, String value) {
    String dots = ".".repeat(Math.max(3, 24 - name.length()));
    line(sb, "        " + name + " " + dots + " " + value);
  }

  private static void line(StringBuilder sb, String text) {
    sb.append(text).append('\n');
  }
}
