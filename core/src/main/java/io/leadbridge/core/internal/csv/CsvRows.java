package io.leadbridge.core.internal.csv;

import io.leadbridge.core.csv.CsvFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The text of one record in a {@link CsvFormat}: RFC 4180 quoting and the formula guard. The one
 * place rows are formatted, for {@link io.leadbridge.core.csv.CsvWriter} and for the writers that
 * count encoded bytes (the export, the part writer). Hand-written rather than Commons CSV's printer
 * because the export formats every row of millions into a reused buffer.
 */
public final class CsvRows {
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");

  private CsvRows() {}

  /** Formats one record, with its separator, onto {@code out}. */
  public static void append(CsvFormat format, List<String> values, StringBuilder out) {
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
  public static void append(CsvFormat format, String[] values, StringBuilder out) {
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
    String value = guard(format, raw == null ? "" : raw);
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

  /**
   * Applies the format's formula guard to one value: a value a spreadsheet would run as a formula
   * (starting with {@code = + - @}, a tab or a carriage return, and not a plain number) gets a
   * leading {@code '}.
   */
  public static String guard(CsvFormat format, String value) {
    if (!format.formulaGuard() || value == null || value.isEmpty()) {
      return value;
    }
    char c = value.charAt(0);
    if ((c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r')
        && !PLAIN_NUMBER.matcher(value).matches()) {
      return "'" + value;
    }
    return value;
  }

  /** The bytes a file in the format starts with: its byte-order mark, or nothing. */
  public static byte[] preamble(CsvFormat format) {
    return format.byteOrderMark() ? "\uFEFF".getBytes(format.charset()) : new byte[0];
  }
}
