package io.leadbridge.core;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes rows in a {@link CsvFormat}, quoting as the format says and applying its formula guard.
 * Obtained from {@link CsvFormat#openWriter(java.nio.file.Path)} or {@link
 * CsvFormat#newWriter(Writer)}.
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
    appendRow(format, values, line);
    out.append(line);
  }

  /** Formats a row without writing it, for callers that count bytes first. */
  static String format(CsvFormat format, List<String> values) {
    StringBuilder sb = new StringBuilder();
    appendRow(format, values, sb);
    return sb.toString();
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

  /** Formats one record, with its separator, onto {@code out}. */
  static void appendRow(CsvFormat format, List<String> values, StringBuilder out) {
    int n = values.size();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(format.delimiter());
      }
      appendValue(format, values.get(i), n == 1, out);
    }
    out.append(format.recordSeparator());
  }

  /** Formats one record, with its separator, onto {@code out}. */
  static void appendRow(CsvFormat format, String[] values, StringBuilder out) {
    int n = values.length;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(format.delimiter());
      }
      appendValue(format, values[i], n == 1, out);
    }
    out.append(format.recordSeparator());
  }

  /**
   * Appends one value, quoted as RFC 4180 says when it holds the delimiter, the quote character or
   * a line break; also when it starts or ends with white space or starts with {@code #}, which some
   * readers trim or treat as a comment; and an empty value that is a record's only field.
   */
  private static void appendValue(CsvFormat format, String raw, boolean only, StringBuilder out) {
    String value = format.guard(raw == null ? "" : raw);
    char quote = format.quote();
    if (format.quoteMode() == CsvFormat.QuoteMode.ALL || needsQuotes(format, value, only)) {
      out.append(quote);
      int from = 0;
      for (int i = value.indexOf(quote); i >= 0; i = value.indexOf(quote, i + 1)) {
        out.append(value, from, i + 1).append(quote);
        from = i + 1;
      }
      out.append(value, from, value.length()).append(quote);
    } else {
      out.append(value);
    }
  }

  private static boolean needsQuotes(CsvFormat format, String value, boolean only) {
    int n = value.length();
    if (n == 0) {
      return only;
    }
    char first = value.charAt(0);
    if (first <= ' ' || first == '#' || value.charAt(n - 1) <= ' ') {
      return true;
    }
    char delimiter = format.delimiter();
    char quote = format.quote();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == delimiter || c == quote || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
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
