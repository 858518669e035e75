package io.leadbridge.core.csv;

import io.leadbridge.core.internal.csv.CsvRows;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes rows in a {@link CsvFormat}, quoting as the format says and applying its formula guard.
 * Obtained from {@link CsvFormat#openWriter(java.nio.file.Path)} or {@link
 * CsvFormat#newWriter(Writer)}.
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class CsvWriter implements Closeable, Flushable {
  private final CsvFormat format;
  private final Writer out;
  private final StringBuilder line = new StringBuilder(256);

  CsvWriter(CsvFormat format, Writer out) {
    this.format = format;
    this.out = out;
  }

  /**
   * Writes one row; {@code null} values are written empty.
   *
   * @param values the row's values
   * @throws IOException if writing fails, or a character cannot be encoded in the format's charset
   */
  public void writeRow(List<String> values) throws IOException {
    line.setLength(0);
    CsvRows.append(format, values, line);
    out.append(line);
  }

  /**
   * Writes one row; {@code null} values are written empty.
   *
   * @param values the row's values
   * @throws IOException if writing fails, or a character cannot be encoded in the format's charset
   */
  public void writeRow(String... values) throws IOException {
    writeRow(java.util.Arrays.asList(values));
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
