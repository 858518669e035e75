package io.leadbridge.alterian;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Packages exported users for Alterian Campaign Manager's Data Import: the data file(s), the
 * settings to enter in the "New Imports data" window ({@code IMPORT-SETTINGS.txt}), what each
 * column holds ({@code columns.json}) and {@code SHA256SUMS}.
 *
 * <pre>{@code
 * AlterianImportPackager packager = AlterianImportPackager.builder()
 *     .tableName("Auth0Users")
 *     .importMode(AlterianImportPackager.ImportMode.UPDATE)
 *     .keyColumn("Email")
 *     .build();
 * AlterianPackage pkg = packager.pack(export, Path.of("out/alterian"));
 * System.out.println("Follow " + pkg.settingsFile());
 * }</pre>
 *
 * <p>Alterian documents no import API or manifest: a person uploads the file under Documents and
 * fills in the Data Import window. The package makes that right the first time: column names are
 * made safe for a database table (every rename listed), types are inferred from every value, dates
 * are written as Alterian stores them ({@code CCYYMMDD HHMMSS}) unless ISO is asked for, and the
 * settings sheet spells out each setting for these files.
 *
 * <p>The input is read once, streaming; when dates are rewritten, the package's own data files are
 * read a second time to do so (the column types are known only after the whole input has been
 * seen). The package is built in a temporary directory beside the output and moved into place when
 * complete, so a failure never leaves a package that looks whole. An output directory that exists
 * and is not empty is refused unless {@link Builder#overwrite(boolean)} is set.
 *
 * <p>A packager is immutable and may be shared.
 */
public final class AlterianImportPackager {

  /** How date and date-time columns are written. */
  public enum DateStyle {
    /**
     * Alterian's default storage: {@code CCYYMMDD} for dates, {@code CCYYMMDD HHMMSS} for
     * date-times (in UTC when the input has an offset; fractions of a second are dropped).
     */
    ALTERIAN,
    /** As in the input: ISO-8601. */
    ISO
  }

  /** How the import should treat rows already in the table; noted on the settings sheet. */
  public enum ImportMode {
    /** Add the rows to the table. */
    APPEND,
    /** Replace the table's contents with these rows. */
    REPLACE,
    /** Update rows matched by the key column and add the others. */
    UPDATE
  }

  /** What to do with a value the chosen code page cannot represent. */
  public enum UnencodablePolicy {
    /** Stop with an error listing the first such rows: the default, so nothing is lost. */
    FAIL,
    /** Leave the row out and list it in {@link AlterianPackage#skippedRows()} and on the sheet. */
    SKIP_ROW
  }

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  final String tableName;
  final CsvFormat format;
  final DateStyle dateStyle;
  final ImportMode importMode;
  final String keyColumn;
  final boolean zip;
  final long maxFileBytes;
  final boolean overwrite;
  final int maxColumnNameLength;
  final UnencodablePolicy unencodable;

  private AlterianImportPackager(Builder b) {
    if (b.tableName == null) {
      throw new IllegalArgumentException("No table name: call tableName(\"Auth0Users\").");
    }
    if (!TABLE_NAME.matcher(b.tableName).matches() || b.tableName.length() > 128) {
      throw new IllegalArgumentException(
          "The table name '"
              + b.tableName
              + "' is not safe for a database: use letters, digits and underscores, starting with"
              + " a letter (e.g. '"
              + ColumnNames.clean(b.tableName, 1, 128)
              + "').");
    }
    if (b.importMode == ImportMode.UPDATE && b.keyColumn == null) {
      throw new IllegalArgumentException(
          "Import mode UPDATE needs a key column to match rows: call keyColumn(\"Email\").");
    }
    if (b.maxColumnNameLength < 8) {
      throw new IllegalArgumentException("maxColumnNameLength must be at least 8.");
    }
    this.tableName = b.tableName;
    CsvFormat.Builder f = b.format.toBuilder().charset(b.encoding).header(true);
    if (!b.encoding.name().startsWith("UTF-")) {
      f.byteOrderMark(false);
    }
    this.format = f.build();
    this.dateStyle = b.dateStyle;
    this.importMode = b.importMode;
    this.keyColumn = b.keyColumn;
    this.zip = b.zip;
    this.maxFileBytes = b.maxFileBytes;
    this.overwrite = b.overwrite;
    this.maxColumnNameLength = b.maxColumnNameLength;
    this.unencodable = b.unencodable;
  }

  /**
   * A new builder: CSV with {@code "} as text qualifier and a names row, UTF-8, Alterian's date
   * storage, append mode, no zip, no size limit.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this packager's settings.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.tableName = tableName;
    b.format = format;
    b.encoding = format.charset();
    b.dateStyle = dateStyle;
    b.importMode = importMode;
    b.keyColumn = keyColumn;
    b.zip = zip;
    b.maxFileBytes = maxFileBytes;
    b.overwrite = overwrite;
    b.maxColumnNameLength = maxColumnNameLength;
    b.unencodable = unencodable;
    return b;
  }

  /**
   * Packages the files of an export.
   *
   * @param export the export; its files are read in its format
   * @param outDir the package's directory, created if needed
   * @return the package
   * @throws AlterianException if the input is inconsistent or unreadable, a value cannot be
   *     encoded, or {@code outDir} is not empty; nothing is left in {@code outDir}
   */
  public AlterianPackage pack(ExportResult export, Path outDir) {
    Objects.requireNonNull(export, "export");
    if (export.files().isEmpty()) {
      throw new AlterianException(
          "The export has no files to package (was it written to a stream?).");
    }
    return pack(export.format(), export.paths(), outDir);
  }

  /**
   * Packages delimited files that have a header row.
   *
   * @param inputFormat the files' format
   * @param files the files, in order; every one must have the same header
   * @param outDir the package's directory, created if needed
   * @return the package
   * @throws AlterianException if the input is inconsistent or unreadable, a value cannot be
   *     encoded, or {@code outDir} is not empty; nothing is left in {@code outDir}
   */
  public AlterianPackage pack(CsvFormat inputFormat, List<Path> files, Path outDir) {
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(outDir, "outDir");
    if (files.isEmpty()) {
      throw new AlterianException("No files to package.");
    }
    if (!inputFormat.header()) {
      throw new AlterianException(
          "The input format has no header row; the package needs column names.");
    }
    return new PackRun(this, inputFormat, List.copyOf(files), outDir).run();
  }

  /**
   * Packages delimited files that have a header row.
   *
   * @param inputFormat the files' format
   * @param outDir the package's directory
   * @param files the files
   * @return the package
   * @throws AlterianException as {@link #pack(CsvFormat, List, Path)}
   */
  public AlterianPackage pack(CsvFormat inputFormat, Path outDir, Path... files) {
    return pack(inputFormat, Arrays.asList(files), outDir);
  }

  /** Checks that {@code outDir} can receive a package. */
  void checkOutDir(Path outDir) {
    if (!Files.exists(outDir)) {
      return;
    }
    if (!Files.isDirectory(outDir)) {
      throw new AlterianException(outDir + " exists and is not a directory.");
    }
    try (Stream<Path> entries = Files.list(outDir)) {
      if (entries.findAny().isPresent() && !overwrite) {
        throw new AlterianException(
            outDir
                + " is not empty. Choose an empty directory, or call overwrite(true) to replace"
                + " what is there.");
      }
    } catch (IOException e) {
      throw new AlterianException("Cannot read " + outDir + ": " + e.getMessage(), e);
    }
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }

  @Override
  public String toString() {
    return "AlterianImportPackager[table="
        + tableName
        + ", format="
        + format
        + ", dates="
        + dateStyle
        + ", mode="
        + importMode
        + (keyColumn == null ? "" : ", key=" + keyColumn)
        + ", zip="
        + zip
        + "]";
  }

  /** Reads the header of the first file, for callers that need column names up front. */
  static List<String> header(CsvFormat format, Path file) throws IOException {
    try (CsvReader r = format.openReader(file)) {
      return new ArrayList<>(r.header());
    }
  }

  /** Builds an {@link AlterianImportPackager}. */
  public static final class Builder {
    private String tableName;
    private CsvFormat format = CsvFormat.CSV;
    private Charset encoding = StandardCharsets.UTF_8;
    private DateStyle dateStyle = DateStyle.ALTERIAN;
    private ImportMode importMode = ImportMode.APPEND;
    private String keyColumn;
    private boolean zip;
    private long maxFileBytes;
    private boolean overwrite;
    private int maxColumnNameLength = 30;
    private UnencodablePolicy unencodable = UnencodablePolicy.FAIL;

    private Builder() {}

    /**
     * The table the data is imported into. Required.
     *
     * @param tableName letters, digits and underscores, starting with a letter
     * @return this builder
     */
    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    /**
     * The data files' delimiter, text qualifier and record separator. The header row is always
     * written; the charset is set by {@link #encoding(Charset)}.
     *
     * @param format {@link CsvFormat#CSV} by default; {@link CsvFormat#TSV} as in Auth0's how-to
     * @return this builder
     */
    public Builder format(CsvFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * The data files' encoding. A single-byte code page such as {@code windows-1252} cannot hold
     * every character: see {@link #unencodable(UnencodablePolicy)}.
     *
     * @param encoding UTF-8 by default
     * @return this builder
     */
    public Builder encoding(Charset encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /**
     * How date and date-time columns are written.
     *
     * @param dateStyle {@link DateStyle#ALTERIAN} by default
     * @return this builder
     */
    public Builder dateStyle(DateStyle dateStyle) {
      this.dateStyle = Objects.requireNonNull(dateStyle, "dateStyle");
      return this;
    }

    /**
     * The import mode to note on the settings sheet.
     *
     * @param importMode {@link ImportMode#APPEND} by default
     * @return this builder
     */
    public Builder importMode(ImportMode importMode) {
      this.importMode = Objects.requireNonNull(importMode, "importMode");
      return this;
    }

    /**
     * The column that identifies a row, for {@link ImportMode#UPDATE}: its input name or its
     * packaged name.
     *
     * @param keyColumn a column name
     * @return this builder
     */
    public Builder keyColumn(String keyColumn) {
      this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
      return this;
    }

    /**
     * Whether to put the whole package in one {@code .zip} (with {@code SHA256SUMS} beside it).
     *
     * @param zip false by default
     * @return this builder
     */
    public Builder zip(boolean zip) {
      this.zip = zip;
      return this;
    }

    /**
     * Splits the data into files of at most this many bytes each, names row included.
     *
     * @param maxFileBytes 0 (the default) for one file
     * @return this builder
     */
    public Builder maxFileBytes(long maxFileBytes) {
      if (maxFileBytes < 0) {
        throw new IllegalArgumentException("maxFileBytes must be 0 (no limit) or positive.");
      }
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /**
     * Whether to replace the contents of a non-empty output directory.
     *
     * @param overwrite false by default
     * @return this builder
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /**
     * The longest column name allowed; longer names are shortened (and listed as renames).
     *
     * @param maxColumnNameLength 30 by default, which every common database accepts
     * @return this builder
     */
    public Builder maxColumnNameLength(int maxColumnNameLength) {
      this.maxColumnNameLength = maxColumnNameLength;
      return this;
    }

    /**
     * What to do with a value the encoding cannot represent.
     *
     * @param unencodable {@link UnencodablePolicy#FAIL} by default
     * @return this builder
     */
    public Builder unencodable(UnencodablePolicy unencodable) {
      this.unencodable = Objects.requireNonNull(unencodable, "unencodable");
      return this;
    }

    /**
     * Builds the packager.
     *
     * @return the packager
     * @throws IllegalArgumentException if the table name is missing or unsafe, or UPDATE has no key
     *     column
     */
    public AlterianImportPackager build() {
      return new AlterianImportPackager(this);
    }
  }
}
