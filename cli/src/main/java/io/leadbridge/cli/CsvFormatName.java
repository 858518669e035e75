package io.leadbridge.cli;

import io.leadbridge.core.csv.CsvFormat;
import java.util.Locale;

/** The file formats by the names the command line uses. */
enum CsvFormatName {
  CSV(CsvFormat.CSV),
  TSV(CsvFormat.TSV),
  SSV(CsvFormat.SSV);

  final CsvFormat format;

  CsvFormatName(CsvFormat format) {
    this.format = format;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
