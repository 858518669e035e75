package io.leadbridge.core.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads rows of a delimited file in a {@link CsvFormat}. Obtained from {@link
 * CsvFormat#openReader(java.nio.file.Path)} or {@link CsvFormat#newReader(Reader)}.
 *
 * <pre>{@code
 * try (CsvReader rows = CsvFormat.TSV.openReader(file)) {
 *   List<String> header = rows.header();
 *   for (List<String> row; (row = rows.next()) != null; ) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one reader per thread.
 */
public final class CsvReader implements Closeable {
  private final CSVParser parser;
  private final Iterator<CSVRecord> records;
  private final List<String> header;
  private long rows;

  CsvReader(CsvFormat format, Reader reader) throws IOException {
    PushbackReader in = new PushbackReader(reader, 1);
    int first = in.read();
    if (first >= 0 && first != '\uFEFF') {
      in.unread(first);
    }
    this.parser = CSVParser.builder().setReader(in).setFormat(format.commons()).get();
    this.records = parser.iterator();
    if (format.header()) {
      List<String> h = nextRaw();
      this.header = h == null ? List.of() : List.copyOf(h);
    } else {
      this.header = List.of();
    }
  }

  /**
   * The header row, when the format has one.
   *
   * @return the column names, empty when the format has no header or the file is empty
   */
  public List<String> header() {
    return header;
  }

  /**
   * Reads the next data row.
   *
   * @return the row's values, or {@code null} at the end
   * @throws UncheckedIOException if the input cannot be read or decoded
   * @throws IllegalStateException if the input is not well-formed in this format (an unclosed
   *     quote, say)
   */
  public List<String> next() {
    List<String> row = nextRaw();
    if (row != null) {
      rows++;
    }
    return row;
  }

  private List<String> nextRaw() {
    if (!records.hasNext()) {
      return null;
    }
    CSVRecord record = records.next();
    List<String> values = new ArrayList<>(record.size());
    for (String v : record) {
      values.add(v);
    }
    return values;
  }

  /**
   * How many data rows have been read so far.
   *
   * @return the count, not counting the header
   */
  public long rowsRead() {
    return rows;
  }

  /**
   * The line of the input that the parser has reached, for messages.
   *
   * @return the current line number, 1-based
   */
  public long lineNumber() {
    return parser.getCurrentLineNumber() + 1;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
