package io.leadbridge.alterian;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A package built by {@link AlterianImportPackager}: data files, the column spec, the settings
 * sheet and checksums, all in one directory.
 *
 * <p>Immutable and thread-safe.
 */
public final class AlterianPackage {

  /**
   * One data file of the package.
   *
   * @param path where it is (inside the zip's directory when zipped: the file name still applies)
   * @param rows data rows, not counting the names row
   * @param bytes its size in bytes
   */
  public record DataFile(Path path, long rows, long bytes) {
    /**
     * Validates the fields.
     *
     * @param path where it is
     * @param rows data rows
     * @param bytes size
     */
    public DataFile {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * A row left out because a value holds a character the chosen code page cannot represent.
   *
   * @param file the input file name
   * @param row the 1-based data row number in that file
   * @param column the input column name
   */
  public record SkippedRow(String file, long row, String column) {}

  private final Path directory;
  private final List<DataFile> dataFiles;
  private final List<ColumnSpec> columns;
  private final Map<String, String> renames;
  private final Map<String, String> checksums;
  private final Path settingsFile;
  private final Path columnsFile;
  private final Path checksumsFile;
  private final Path zipFile;
  private final List<SkippedRow> skippedRows;

  AlterianPackage(
      Path directory,
      List<DataFile> dataFiles,
      List<ColumnSpec> columns,
      Map<String, String> renames,
      Map<String, String> checksums,
      Path settingsFile,
      Path columnsFile,
      Path checksumsFile,
      Path zipFile,
      List<SkippedRow> skippedRows) {
    this.directory = directory;
    this.dataFiles = List.copyOf(dataFiles);
    this.columns = List.copyOf(columns);
    this.renames = renames;
    this.checksums = checksums;
    this.settingsFile = settingsFile;
    this.columnsFile = columnsFile;
    this.checksumsFile = checksumsFile;
    this.zipFile = zipFile;
    this.skippedRows = List.copyOf(skippedRows);
  }

  /**
   * The package's directory.
   *
   * @return the output directory given to {@code pack}
   */
  public Path directory() {
    return directory;
  }

  /**
   * The data files in order. When the package is zipped, these paths name the entries of the zip as
   * if it were unpacked into {@link #directory()}.
   *
   * @return an unmodifiable list
   */
  public List<DataFile> dataFiles() {
    return dataFiles;
  }

  /**
   * Data rows in all files.
   *
   * @return the count
   */
  public long rows() {
    return dataFiles.stream().mapToLong(DataFile::rows).sum();
  }

  /**
   * What each column holds, in file order.
   *
   * @return an unmodifiable list
   */
  public List<ColumnSpec> columns() {
    return columns;
  }

  /**
   * Columns renamed to be safe for a database table: input name to packaged name.
   *
   * @return an unmodifiable map in column order, empty when nothing was renamed
   */
  public Map<String, String> renames() {
    return renames;
  }

  /**
   * The SHA-256 of every file listed in {@link #checksumsFile()}, by file name.
   *
   * @return an unmodifiable map of file name to lowercase hex digest
   */
  public Map<String, String> checksums() {
    return checksums;
  }

  /**
   * {@code IMPORT-SETTINGS.txt}: the steps and settings for the Data Import window.
   *
   * @return the path (inside the zip when zipped)
   */
  public Path settingsFile() {
    return settingsFile;
  }

  /**
   * {@code columns.json}: the machine-readable column spec.
   *
   * @return the path (inside the zip when zipped)
   */
  public Path columnsFile() {
    return columnsFile;
  }

  /**
   * {@code SHA256SUMS}, in the format {@code sha256sum -c} checks.
   *
   * @return the path in {@link #directory()}
   */
  public Path checksumsFile() {
    return checksumsFile;
  }

  /**
   * The single archive holding the package, when one was asked for.
   *
   * @return the zip, or empty
   */
  public Optional<Path> zipFile() {
    return Optional.ofNullable(zipFile);
  }

  /**
   * Rows left out because the code page cannot hold one of their values; empty unless {@link
   * AlterianImportPackager.UnencodablePolicy#SKIP_ROW} was chosen.
   *
   * @return an unmodifiable list
   */
  public List<SkippedRow> skippedRows() {
    return skippedRows;
  }

  @Override
  public String toString() {
    return "AlterianPackage["
        + directory
        + ", files="
        + dataFiles.size()
        + ", rows="
        + rows()
        + ", columns="
        + columns.size()
        + "]";
  }
}
