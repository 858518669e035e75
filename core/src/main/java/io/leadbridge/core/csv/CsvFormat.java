package io.leadbridge.core.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;

/**
 * How exported files are written: the delimiter, quoting, record separator, header row, character
 * set and byte-order mark. Immutable; the presets cover what Marketo and Alterian accept:
 *
 * <ul>
 *   <li>{@link #CSV}: comma-separated;
 *   <li>{@link #TSV}: tab-separated;
 *   <li>{@link #SSV}: semicolon-separated.
 * </ul>
 *
 * <p>All three quote as RFC 4180 does: a value is put in double quotes when it holds the delimiter,
 * a quote, a line break, or leading or trailing white space, and quotes inside are doubled. They
 * write UTF-8 without a byte-order mark, {@code \r\n} between records and a header row. Anything
 * else through {@link #builder()} or {@link #toBuilder()}:
 *
 * <pre>{@code
 * CsvFormat excelFriendly = CsvFormat.CSV.toBuilder()
 *     .quoteMode(CsvFormat.QuoteMode.ALL)
 *     .byteOrderMark(true)
 *     .formulaGuard(true)
 *     .build();
 * }</pre>
 */
public final class CsvFormat {

  /** How values are quoted. */
  public enum QuoteMode {
    /** Quote only values that need it (RFC 4180). */
    MINIMAL,
    /** Quote every value, including the header. */
    ALL
  }

  /** Comma-separated values, RFC 4180 quoting, UTF-8, header row. */
  public static final CsvFormat CSV = builder().build();

  /** Tab-separated values, RFC 4180 quoting, UTF-8, header row. */
  public static final CsvFormat TSV = builder().delimiter('\t').build();

  /** Semicolon-separated values, RFC 4180 quoting, UTF-8, header row. */
  public static final CsvFormat SSV = builder().delimiter(';').build();

  private final char delimiter;
  private final char quote;
  private final QuoteMode quoteMode;
  private final String recordSeparator;
  private final boolean header;
  private final Charset charset;
  private final boolean byteOrderMark;
  private final boolean formulaGuard;
  private final CSVFormat commons;

  private CsvFormat(Builder b) {
    this.delimiter = b.delimiter;
    this.quote = b.quote;
    this.quoteMode = Objects.requireNonNull(b.quoteMode, "quoteMode");
    this.recordSeparator = Objects.requireNonNull(b.recordSeparator, "recordSeparator");
    this.header = b.header;
    this.charset = Objects.requireNonNull(b.charset, "charset");
    this.byteOrderMark = b.byteOrderMark;
    this.formulaGuard = b.formulaGuard;
    validate();
    this.commons =
        CSVFormat.Builder.create()
            .setDelimiter(delimiter)
            .setQuote(quote)
            .setQuoteMode(
                quoteMode == QuoteMode.ALL
                    ? org.apache.commons.csv.QuoteMode.ALL
                    : org.apache.commons.csv.QuoteMode.MINIMAL)
            .setRecordSeparator(recordSeparator)
            .setIgnoreEmptyLines(false)
            .setIgnoreSurroundingSpaces(false)
            .setTrim(false)
            .setNullString(null)
            .get();
  }

  private void validate() {
    if (isLineBreak(delimiter) || isLineBreak(quote)) {
      throw new IllegalArgumentException(
          "The delimiter and the quote character cannot be a line break; line breaks separate"
              + " records.");
    }
    if (delimiter == quote) {
      throw new IllegalArgumentException(
          "The delimiter and the quote character are both '"
              + printable(delimiter)
              + "'; choose two different characters.");
    }
    if (!recordSeparator.equals("\r\n")
        && !recordSeparator.equals("\n")
        && !recordSeparator.equals("\r")) {
      throw new IllegalArgumentException(
          "The record separator must be \"\\r\\n\", \"\\n\" or \"\\r\".");
    }
    CharsetEncoder encoder = charset.newEncoder();
    if (!encoder.canEncode(delimiter) || !encoder.canEncode(quote)) {
      throw new IllegalArgumentException(
          "The charset " + charset.name() + " cannot encode the delimiter or the quote character.");
    }
    if (byteOrderMark && !isUnicode(charset)) {
      throw new IllegalArgumentException(
          "A byte-order mark is only defined for Unicode charsets, not for "
              + charset.name()
              + "; turn byteOrderMark off or use UTF-8.");
    }
  }

  private static boolean isUnicode(Charset charset) {
    return charset.name().startsWith("UTF-");
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }

  /**
   * A builder with the defaults of {@link #CSV}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this format.
   *
   * @return a new builder holding this format's settings
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.delimiter = delimiter;
    b.quote = quote;
    b.quoteMode = quoteMode;
    b.recordSeparator = recordSeparator;
    b.header = header;
    b.charset = charset;
    b.byteOrderMark = byteOrderMark;
    b.formulaGuard = formulaGuard;
    return b;
  }

  /**
   * The field delimiter.
   *
   * @return the delimiter, for example {@code ','}
   */
  public char delimiter() {
    return delimiter;
  }

  /**
   * The quote character.
   *
   * @return the quote character, {@code '"'} by default
   */
  public char quote() {
    return quote;
  }

  /**
   * When values are quoted.
   *
   * @return the quote mode
   */
  public QuoteMode quoteMode() {
    return quoteMode;
  }

  /**
   * What ends each record.
   *
   * @return {@code "\r\n"}, {@code "\n"} or {@code "\r"}
   */
  public String recordSeparator() {
    return recordSeparator;
  }

  /**
   * Whether each file starts with a header row of column names.
   *
   * @return true when a header row is written
   */
  public boolean header() {
    return header;
  }

  /**
   * The character set of the files.
   *
   * @return the charset, UTF-8 by default
   */
  public Charset charset() {
    return charset;
  }

  /**
   * Whether each file starts with a byte-order mark.
   *
   * @return true when a BOM is written
   */
  public boolean byteOrderMark() {
    return byteOrderMark;
  }

  /**
   * Whether values that a spreadsheet would run as a formula get a leading {@code '}.
   *
   * @return true when the guard is on
   * @see Builder#formulaGuard(boolean)
   */
  public boolean formulaGuard() {
    return formulaGuard;
  }

  /**
   * The usual file extension for this delimiter: {@code tsv} for tab, {@code csv} otherwise.
   *
   * @return the extension without a dot
   */
  public String fileExtension() {
    return delimiter == '\t' ? "tsv" : "csv";
  }

  /**
   * Opens a file in this format for reading, skipping a byte-order mark. Bytes that are not valid
   * in the charset raise an error rather than being replaced.
   *
   * @param file the file
   * @return a reader of rows; close it when done
   * @throws IOException if the file cannot be opened
   */
  public CsvReader openReader(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      CharsetDecoder decoder =
          charset
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      return newReader(new InputStreamReader(in, decoder));
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Reads rows in this format from a character stream. A leading byte-order mark is skipped. When
   * {@link #header()} is on, the first row is the header.
   *
   * @param reader the characters
   * @return a reader of rows; closing it closes {@code reader}
   * @throws IOException if the first characters cannot be read
   */
  public CsvReader newReader(Reader reader) throws IOException {
    return new CsvReader(this, reader);
  }

  /**
   * Writes rows in this format to a character stream. The byte-order mark, if any, is the caller's
   * to write (the byte-order mark, when {@link #byteOrderMark()} is on): a character stream has no
   * bytes.
   *
   * @param writer where the rows go
   * @return a writer of rows; closing it closes {@code writer}
   */
  public CsvWriter newWriter(Writer writer) {
    return new CsvWriter(this, writer);
  }

  /**
   * Opens a file for writing in this format, with its byte-order mark if any. Unencodable
   * characters raise an error rather than being replaced.
   *
   * @param file the file, created or truncated
   * @return a writer of rows; close it when done
   * @throws IOException if the file cannot be created
   */
  public CsvWriter openWriter(Path file) throws IOException {
    var out = Files.newOutputStream(file);
    try {
      if (byteOrderMark) {
        out.write("\uFEFF".getBytes(charset));
      }
      CharsetEncoder encoder =
          charset
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      return newWriter(
          new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, encoder), 1 << 16));
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** The Commons CSV format behind this one. */
  CSVFormat commons() {
    return commons;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CsvFormat)) {
      return false;
    }
    CsvFormat f = (CsvFormat) o;
    return delimiter == f.delimiter
        && quote == f.quote
        && quoteMode == f.quoteMode
        && recordSeparator.equals(f.recordSeparator)
        && header == f.header
        && charset.equals(f.charset)
        && byteOrderMark == f.byteOrderMark
        && formulaGuard == f.formulaGuard;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        delimiter, quote, quoteMode, recordSeparator, header, charset, byteOrderMark, formulaGuard);
  }

  @Override
  public String toString() {
    String name = equals(CSV) ? "CSV" : equals(TSV) ? "TSV" : equals(SSV) ? "SSV" : "custom";
    return "CsvFormat["
        + name
        + ", delimiter='"
        + printable(delimiter)
        + "', quote='"
        + quote
        + "', quoteMode="
        + quoteMode
        + ", recordSeparator="
        + recordSeparator.replace("\r", "\\r").replace("\n", "\\n")
        + ", header="
        + header
        + ", charset="
        + charset.name()
        + ", bom="
        + byteOrderMark
        + ", formulaGuard="
        + formulaGuard
        + "]";
  }

  /** Builds a {@link CsvFormat}; every setting starts at the value of {@link #CSV}. */
  public static final class Builder {
    private char delimiter = ',';
    private char quote = '"';
    private QuoteMode quoteMode = QuoteMode.MINIMAL;
    private String recordSeparator = "\r\n";
    private boolean header = true;
    private Charset charset = StandardCharsets.UTF_8;
    private boolean byteOrderMark;
    private boolean formulaGuard;

    private Builder() {}

    /**
     * The field delimiter.
     *
     * @param delimiter for example {@code ','}, {@code '\t'} or {@code ';'}
     * @return this builder
     */
    public Builder delimiter(char delimiter) {
      this.delimiter = delimiter;
      return this;
    }

    /**
     * The quote character.
     *
     * @param quote {@code '"'} by default
     * @return this builder
     */
    public Builder quote(char quote) {
      this.quote = quote;
      return this;
    }

    /**
     * When values are quoted.
     *
     * @param quoteMode {@link QuoteMode#MINIMAL} by default
     * @return this builder
     */
    public Builder quoteMode(QuoteMode quoteMode) {
      this.quoteMode = Objects.requireNonNull(quoteMode, "quoteMode");
      return this;
    }

    /**
     * What ends each record.
     *
     * @param recordSeparator {@code "\r\n"} (the default), {@code "\n"} or {@code "\r"}
     * @return this builder
     */
    public Builder recordSeparator(String recordSeparator) {
      this.recordSeparator = Objects.requireNonNull(recordSeparator, "recordSeparator");
      return this;
    }

    /**
     * Whether each file starts with a header row.
     *
     * @param header true by default
     * @return this builder
     */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /**
     * The character set. Characters it cannot hold are reported, never replaced.
     *
     * @param charset UTF-8 by default
     * @return this builder
     */
    public Builder charset(Charset charset) {
      this.charset = Objects.requireNonNull(charset, "charset");
      return this;
    }

    /**
     * Whether to write a byte-order mark at the start of each file. Marketo wants none; some
     * spreadsheet programs need one to read UTF-8.
     *
     * @param byteOrderMark false by default
     * @return this builder
     */
    public Builder byteOrderMark(boolean byteOrderMark) {
      this.byteOrderMark = byteOrderMark;
      return this;
    }

    /**
     * Guards against spreadsheet formula injection: a value that starts with {@code =}, {@code +},
     * {@code -}, {@code @}, a tab or a carriage return, and is not a plain number, is written with
     * a leading {@code '} so that a spreadsheet shows it as text instead of running it. Off by
     * default, because it <em>changes the data</em>: a marketing system would store the {@code '}
     * as part of the value. Turn it on for files that people will open in a spreadsheet.
     *
     * @param formulaGuard false by default
     * @return this builder
     */
    public Builder formulaGuard(boolean formulaGuard) {
      this.formulaGuard = formulaGuard;
      return this;
    }

    /**
     * Builds the format.
     *
     * @return the format
     * @throws IllegalArgumentException if settings contradict each other; the message says which
     */
    public CsvFormat build() {
      return new CsvFormat(this);
    }
  }
}
