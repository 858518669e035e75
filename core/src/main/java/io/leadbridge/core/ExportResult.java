package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an export did: the files written, the counts, and every rejected user with the reason.
 *
 * <p>Every entry read from the source is accounted for: {@code entriesRead() == rowsWritten() +
 * rowsRejected() + rowsMerged() + rowsUnchanged()}, the last two being 0 unless users were merged
 * ({@link UserExporter.Builder#mergePolicy(MergePolicy)}) or the export was made against a {@link
 * SyncState}. The first {@link UserExporter.Builder#maxRejectionsInMemory(int) few thousand}
 * rejections are held in memory; all of them are in {@link #rejectionsFile()} when the export went
 * to files.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExportResult {
  private final List<ExportedFile> files;
  private final CsvFormat format;
  private final List<String> header;
  private final long entriesRead;
  private final long rowsWritten;
  private final long rowsRejected;
  private final long bytesWritten;
  private final List<Rejection> rejections;
  private final Map<Rejection.Reason, Long> rejectionCounts;
  private final List<String> emptyColumns;
  private final Path rejectionsFile;
  private final RowKeys rowKeys;
  private final long rowsUnchanged;
  private final long rowsMerged;
  private final List<Merge> merges;
  private final Path mergesFile;
  private final SyncSummary sync;

  ExportResult(
      List<ExportedFile> files,
      CsvFormat format,
      List<String> header,
      long entriesRead,
      long rowsWritten,
      long rowsRejected,
      long bytesWritten,
      List<Rejection> rejections,
      Map<Rejection.Reason, Long> rejectionCounts,
      List<String> emptyColumns,
      Path rejectionsFile,
      RowKeys rowKeys,
      long rowsUnchanged,
      long rowsMerged,
      List<Merge> merges,
      Path mergesFile,
      SyncSummary sync) {
    this.files = List.copyOf(files);
    this.format = format;
    this.header = List.copyOf(header);
    this.entriesRead = entriesRead;
    this.rowsWritten = rowsWritten;
    this.rowsRejected = rowsRejected;
    this.bytesWritten = bytesWritten;
    this.rejections = List.copyOf(rejections);
    this.rejectionCounts =
        rejectionCounts.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new EnumMap<>(rejectionCounts));
    this.emptyColumns = List.copyOf(emptyColumns);
    this.rejectionsFile = rejectionsFile;
    this.rowKeys = rowKeys;
    this.rowsUnchanged = rowsUnchanged;
    this.rowsMerged = rowsMerged;
    this.merges = List.copyOf(merges);
    this.mergesFile = mergesFile;
    this.sync = sync;
  }

  /**
   * Describes files that already exist, written in {@code format} with a header row, so that they
   * can be passed where an export result is expected (an import, a package). Row counts are not
   * known and are reported as -1; there are no row keys or rejections.
   *
   * @param format the files' format
   * @param files the files, in order
   * @return a result describing the files
   */
  public static ExportResult ofFiles(CsvFormat format, List<Path> files) {
    Objects.requireNonNull(format, "format");
    List<ExportedFile> described =
        files.stream()
            .map(
                p -> {
                  long size;
                  try {
                    size = java.nio.file.Files.size(p);
                  } catch (java.io.IOException e) {
                    throw new LeadbridgeException("Cannot read " + p + ": " + e.getMessage(), e);
                  }
                  return new ExportedFile(p, -1, size);
                })
            .toList();
    return new ExportResult(
        described,
        format,
        List.of(),
        -1,
        -1,
        0,
        described.stream().mapToLong(ExportedFile::bytes).sum(),
        List.of(),
        Map.of(),
        List.of(),
        null,
        null,
        0,
        0,
        List.of(),
        null,
        null);
  }

  /**
   * The files written, in order; empty when the export went to a stream or wrote no row.
   *
   * @return an unmodifiable list
   */
  public List<ExportedFile> files() {
    return files;
  }

  /**
   * The paths of {@link #files()}.
   *
   * @return an unmodifiable list
   */
  public List<Path> paths() {
    return files.stream().map(ExportedFile::path).toList();
  }

  /**
   * The format the files are written in.
   *
   * @return the format
   */
  public CsvFormat format() {
    return format;
  }

  /**
   * The column names of the header row; empty for {@link #ofFiles(CsvFormat, List)}.
   *
   * @return an unmodifiable list
   */
  public List<String> header() {
    return header;
  }

  /**
   * Entries read from the source: users and malformed input.
   *
   * @return the count, or -1 when unknown
   */
  public long entriesRead() {
    return entriesRead;
  }

  /**
   * Rows written, not counting headers.
   *
   * @return the count, or -1 when unknown
   */
  public long rowsWritten() {
    return rowsWritten;
  }

  /**
   * Entries rejected.
   *
   * @return the count
   */
  public long rowsRejected() {
    return rowsRejected;
  }

  /**
   * Bytes written in all files, headers included.
   *
   * @return the count
   */
  public long bytesWritten() {
    return bytesWritten;
  }

  /**
   * The rejections held in memory, in source order: all of them unless {@link
   * #rejectionsTruncated()}.
   *
   * @return an unmodifiable list
   */
  public List<Rejection> rejections() {
    return rejections;
  }

  /**
   * Whether there were more rejections than held in memory; then {@link #rejectionsFile()} has them
   * all.
   *
   * @return true if {@link #rejections()} is not complete
   */
  public boolean rejectionsTruncated() {
    return rejections.size() < rowsRejected;
  }

  /**
   * How many users were rejected for each reason.
   *
   * @return an unmodifiable map holding only reasons that occurred
   */
  public Map<Rejection.Reason, Long> rejectionCounts() {
    return rejectionCounts;
  }

  /**
   * Path columns that were empty in every written row: usually a typo in a path ({@code
   * user_metadata.plna}) or a property the source was not asked for. Each is also logged once as a
   * warning.
   *
   * @return the column names, empty when every path matched at least one user or nothing was
   *     written
   */
  public List<String> emptyColumns() {
    return emptyColumns;
  }

  /**
   * The side file listing every rejection (tab-separated: position, user_id, reason, detail),
   * written beside the export when anything was rejected.
   *
   * @return the file, or empty when nothing was rejected or the export went to a stream
   */
  public Optional<Path> rejectionsFile() {
    return Optional.ofNullable(rejectionsFile);
  }

  /**
   * The trace from written rows back to users.
   *
   * @return the row keys, or empty when the export went to a stream or the files were described by
   *     {@link #ofFiles(CsvFormat, List)}
   */
  public Optional<RowKeys> rowKeys() {
    return Optional.ofNullable(rowKeys);
  }

  /**
   * Users not written because their row is the one the target already has (an export against a
   * {@link SyncState}).
   *
   * @return the count; 0 for an export without a state
   */
  public long rowsUnchanged() {
    return rowsUnchanged;
  }

  /**
   * Users not written because another user with the same key value was (see {@link MergePolicy}).
   *
   * @return the count
   */
  public long rowsMerged() {
    return rowsMerged;
  }

  /**
   * The merges held in memory, in key order: as many as {@link
   * UserExporter.Builder#maxRejectionsInMemory(int)}; {@link #mergesFile()} has them all.
   *
   * @return an unmodifiable list
   */
  public List<Merge> merges() {
    return merges;
  }

  /**
   * The side file listing every merge (tab-separated: position, {@code user_id}, kept {@code
   * user_id}, policy), written beside the export when users were merged.
   *
   * @return the file, or empty when nothing was merged
   */
  public Optional<Path> mergesFile() {
    return Optional.ofNullable(mergesFile);
  }

  /**
   * How the export compares with the {@link SyncState} it was made against.
   *
   * @return the comparison, or empty for an export without a state
   */
  public Optional<SyncSummary> sync() {
    return Optional.ofNullable(sync);
  }

  @Override
  public String toString() {
    return "ExportResult[files="
        + files.size()
        + ", read="
        + entriesRead
        + ", written="
        + rowsWritten
        + ", rejected="
        + rowsRejected
        + (rowsMerged > 0 ? ", merged=" + rowsMerged : "")
        + (sync != null ? ", unchanged=" + rowsUnchanged : "")
        + ", bytes="
        + bytesWritten
        + "]";
  }
}
