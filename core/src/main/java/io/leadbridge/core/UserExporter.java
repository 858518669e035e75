package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.SourceException;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.MassRemovalException;
import io.leadbridge.core.sync.RemovalGuard;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Streams users from a {@link UserSource} through a {@link FieldMapping} into delimited files in a
 * {@link CsvFormat}, split below a byte limit, with every rejected user reported.
 *
 * <pre>{@code
 * UserExporter exporter = UserExporter.builder()
 *     .mapping(FieldMapping.auth0Defaults())
 *     .format(CsvFormat.TSV)
 *     .maxFileBytes(9_500_000)
 *     .build();
 * try (UserSource users = UserSource.ndjson(Path.of("tenant.json.gz"))) {
 *   ExportResult result = exporter.export(users, Path.of("out/users.tsv"));
 *   result.files().forEach(f -> System.out.println(f.path() + ": " + f.rows() + " rows"));
 *   result.rejections().forEach(r -> System.out.println(r.position() + " " + r.reason()));
 * }
 * }</pre>
 *
 * <p><b>Files.</b> Without a size limit the export is the one file named. With {@link
 * Builder#maxFileBytes(long)} it is split at record boundaries by encoded size; when more than one
 * part is needed they are named {@code users-001.tsv}, {@code users-002.tsv}, … beside the name
 * given, each a complete file with its header. Files are written under temporary names and moved
 * into place only when the export has finished, so a crash never leaves a half file that looks
 * whole; they are created readable by their owner only where the file system allows it. Parts that
 * an earlier export of the same name left and this one did not replace are removed. Two side files
 * go beside them: {@code users.tsv.rowkeys} (see {@link RowKeys}) and, when a user was rejected,
 * {@code users.tsv.rejections}.
 *
 * <p><b>Rejections.</b> A user is rejected, not written, when the source could not read it, a
 * required value is missing, a value cannot be formatted or encoded, or its row alone exceeds the
 * size limit. By default the export reports it and goes on ({@link RejectionPolicy#REPORT}).
 *
 * <p><b>Duplicates and sync.</b> With {@link Builder#mergePolicy(MergePolicy)}, users sharing a key
 * value are written once and the others reported ({@link ExportResult#merges()}). {@link
 * #export(UserSource, Path, SyncState)} writes only the users that changed since the last run
 * committed to a {@link SyncState}.
 *
 * <p>An exporter is immutable and may be shared; each call to {@code export} is independent.
 */
public final class UserExporter {
  private final FieldMapping mapping;
  private final CsvFormat format;
  private final long maxFileBytes;
  private final ExportListener listener;
  private final RejectionPolicy rejectionPolicy;
  private final String keyColumn;
  private final int maxRejectionsInMemory;
  private final MergePolicy mergePolicy;
  private final long sortBufferBytes;
  private final RemovalGuard removalGuard;

  private UserExporter(Builder b) {
    if (b.mapping == null) {
      throw new IllegalArgumentException(
          "No field mapping: call mapping(...), e.g. mapping(FieldMapping.auth0Defaults()).");
    }
    this.mapping = b.mapping;
    this.format = b.format;
    this.maxFileBytes = b.maxFileBytes;
    this.listener = b.listener;
    this.rejectionPolicy = b.rejectionPolicy;
    this.maxRejectionsInMemory = b.maxRejectionsInMemory;
    this.mergePolicy = b.mergePolicy;
    this.sortBufferBytes = b.sortBufferBytes;
    this.removalGuard = b.removalGuard;
    if (b.keyColumn != null) {
      if (mapping.indexOf(b.keyColumn) < 0) {
        throw new IllegalArgumentException(
            "The key column '"
                + b.keyColumn
                + "' is not a column of the mapping; columns are "
                + mapping.header()
                + ".");
      }
      this.keyColumn = b.keyColumn;
    } else {
      this.keyColumn = defaultKeyColumn(mapping);
    }
    if (mergePolicy != null && keyColumn == null) {
      throw new IllegalArgumentException(
          "Merging users needs a key column to merge on, and the mapping has no 'email' column:"
              + " name one with keyColumn(...).");
    }
    if (maxFileBytes > 0) {
      long headerBytes = ExportRun.headerBytes(mapping, format);
      if (headerBytes >= maxFileBytes) {
        throw new IllegalArgumentException(
            "maxFileBytes "
                + maxFileBytes
                + " leaves no room for a row after the "
                + headerBytes
                + "-byte header; raise it.");
      }
    }
  }

  private static String defaultKeyColumn(FieldMapping mapping) {
    for (String name : mapping.header()) {
      if (name.equalsIgnoreCase("email")) {
        return name;
      }
    }
    for (FieldMapping.Column c : mapping.columns()) {
      if (c.path().map(p -> p.toString().equals("email")).orElse(false)) {
        return c.name();
      }
    }
    return null;
  }

  /**
   * A new builder.
   *
   * @return a builder with format {@link CsvFormat#CSV}, no size limit and {@link
   *     RejectionPolicy#REPORT}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this exporter's settings.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mapping = mapping;
    b.format = format;
    b.maxFileBytes = maxFileBytes;
    b.listener = listener;
    b.rejectionPolicy = rejectionPolicy;
    b.keyColumn = keyColumn;
    b.maxRejectionsInMemory = maxRejectionsInMemory;
    b.mergePolicy = mergePolicy;
    b.sortBufferBytes = sortBufferBytes;
    b.removalGuard = removalGuard;
    return b;
  }

  /**
   * The mapping from users to columns.
   *
   * @return the mapping
   */
  public FieldMapping mapping() {
    return mapping;
  }

  /**
   * The output format.
   *
   * @return the format
   */
  public CsvFormat format() {
    return format;
  }

  /**
   * The largest size of one file in bytes, or 0 for no limit.
   *
   * @return the limit
   */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * The column whose value is kept per row to trace it back (see {@link RowKeys}).
   *
   * @return the column name; empty when the mapping has no {@code email} column and none was set
   */
  public Optional<String> keyColumn() {
    return Optional.ofNullable(keyColumn);
  }

  /**
   * Exports every user of the source to files named after {@code output}, creating its directory if
   * needed. The source is read to its end but not closed.
   *
   * @param source the users
   * @param output the file to write, e.g. {@code out/users.tsv}; see the class comment for parts
   * @return what was written and rejected
   * @throws ExportException if the files cannot be written, or a user is rejected under {@link
   *     RejectionPolicy#FAIL}; nothing is left in place
   * @throws SourceException if the source cannot be read to its end; nothing is left in place
   */
  public ExportResult export(UserSource source, Path output) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(output, "output");
    return new ExportRun(this, source, null).toFiles(output);
  }

  /**
   * Exports only the users that are new or changed since the last export committed to a {@link
   * SyncState}: an incremental sync. Users that share a key value are merged, by {@link
   * #mergePolicy()} or else {@link MergePolicy#MOST_RECENTLY_UPDATED}, so that no lead gets two
   * rows in one import. The state itself does not change until {@link SyncState#commit}.
   *
   * <pre>{@code
   * SyncState state = SyncState.open(Path.of("sync-state"));
   * ExportResult export = exporter.export(users, Path.of("out/users.tsv"), state);
   * // import export.files(), then:
   * state.commit(export, importReport);
   * }</pre>
   *
   * <p>Besides the files of {@link #export(UserSource, Path)}, side files list the users absent
   * from the source ({@code users.tsv.absent}), merged ({@code users.tsv.merges}) and whose key
   * value changed ({@code users.tsv.lookup-changes}), when there are any. A user without a {@code
   * user_id} cannot be tracked and is rejected; a {@code user_id} read twice is written once.
   * Temporary files the comparison needs go beside the output (an off-heap table of the state,
   * about 40 bytes per user, and the new and changed rows) and are deleted at the end, except what
   * the commit needs of the new and changed users, which goes with the commit. The export holds the
   * state's lease until its commit (see {@link SyncState}).
   *
   * @param source the users
   * @param output the file to write, e.g. {@code out/users.tsv}
   * @param state the state to compare with
   * @return what was written, rejected and merged, with {@link ExportResult#sync()} present
   * @throws ExportException if the files cannot be written, or a user is rejected under {@link
   *     RejectionPolicy#FAIL}; nothing is left in place and the state is unchanged
   * @throws SourceException if the source cannot be read to its end; the state is unchanged
   * @throws SyncException if the state cannot be read, or another run holds it ({@link
   *     io.leadbridge.core.sync.SyncStateInUseException})
   * @throws MassRemovalException if the input would remove too many users from the state (see
   *     {@link Builder#removalGuard(RemovalGuard)}); nothing is left in place
   */
  public ExportResult export(UserSource source, Path output, SyncState state) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(state, "state");
    return new ExportRun(this, source, state).toFiles(output);
  }

  /**
   * Exports every user of the source as one unsplit stream (the size limit does not apply). The
   * stream is flushed, not closed; no side files are written, so the result has no row keys.
   *
   * @param source the users
   * @param output where the bytes go
   * @return what was written and rejected; {@link ExportResult#files()} is empty
   * @throws ExportException if writing fails or a user is rejected under {@link
   *     RejectionPolicy#FAIL}
   * @throws SourceException if the source cannot be read to its end
   */
  public ExportResult export(UserSource source, OutputStream output) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(output, "output");
    if (mergePolicy != null) {
      throw new IllegalStateException(
          "Merging users needs temporary files: export to a Path, or build an exporter without"
              + " mergePolicy(...).");
    }
    return new ExportRun(this, source, null).toStream(output);
  }

  /**
   * How users sharing a key value are merged.
   *
   * @return the policy; empty when an export to files writes every user (an export against a {@link
   *     SyncState} then merges by {@link MergePolicy#MOST_RECENTLY_UPDATED})
   */
  public Optional<MergePolicy> mergePolicy() {
    return Optional.ofNullable(mergePolicy);
  }

  ExportListener listener() {
    return listener;
  }

  RejectionPolicy rejectionPolicy() {
    return rejectionPolicy;
  }

  int maxRejectionsInMemory() {
    return maxRejectionsInMemory;
  }

  MergePolicy mergePolicyOrNull() {
    return mergePolicy;
  }

  long sortBufferBytes() {
    return sortBufferBytes;
  }

  /**
   * When an export against a {@link SyncState} refuses an input that would remove too many users.
   *
   * @return the guard
   */
  public RemovalGuard removalGuard() {
    return removalGuard;
  }

  String keyColumnOrNull() {
    return keyColumn;
  }

  @Override
  public String toString() {
    return "UserExporter[format="
        + format
        + ", maxFileBytes="
        + maxFileBytes
        + ", columns="
        + mapping.header()
        + "]";
  }

  /** Builds a {@link UserExporter}. */
  public static final class Builder {
    private FieldMapping mapping;
    private CsvFormat format = CsvFormat.CSV;
    private long maxFileBytes;
    private ExportListener listener = ExportListener.none();
    private RejectionPolicy rejectionPolicy = RejectionPolicy.REPORT;
    private String keyColumn;
    private int maxRejectionsInMemory = 10_000;
    private MergePolicy mergePolicy;
    private long sortBufferBytes = 32L << 20;
    private RemovalGuard removalGuard = RemovalGuard.defaults();

    private Builder() {}

    /**
     * The mapping from users to columns. Required.
     *
     * @param mapping the mapping
     * @return this builder
     */
    public Builder mapping(FieldMapping mapping) {
      this.mapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /**
     * The output format.
     *
     * @param format {@link CsvFormat#CSV} by default
     * @return this builder
     */
    public Builder format(CsvFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Splits the export into parts of at most this many bytes each, header and byte-order mark
     * included. Marketo accepts files under 10 MB: {@code 9_500_000} leaves a margin.
     *
     * @param maxFileBytes the limit, or 0 (the default) for a single file
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
     * Receives progress reports.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ExportListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * What to do when a user must be rejected.
     *
     * @param rejectionPolicy {@link RejectionPolicy#REPORT} by default
     * @return this builder
     */
    public Builder rejectionPolicy(RejectionPolicy rejectionPolicy) {
      this.rejectionPolicy = Objects.requireNonNull(rejectionPolicy, "rejectionPolicy");
      return this;
    }

    /**
     * The column whose value is kept for each row so later stages can trace a row to its user. By
     * default the column named {@code email} (ignoring case), else the column read from path {@code
     * email}, else none (only {@code user_id} is kept).
     *
     * @param keyColumn a column name of the mapping
     * @return this builder
     */
    public Builder keyColumn(String keyColumn) {
      this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
      return this;
    }

    /**
     * How many rejections {@link ExportResult#rejections()} holds; the rest are counted and written
     * to the rejections file only.
     *
     * @param maxRejectionsInMemory 10,000 by default
     * @return this builder
     */
    public Builder maxRejectionsInMemory(int maxRejectionsInMemory) {
      if (maxRejectionsInMemory < 0) {
        throw new IllegalArgumentException("maxRejectionsInMemory cannot be negative.");
      }
      this.maxRejectionsInMemory = maxRejectionsInMemory;
      return this;
    }

    /**
     * Merges users that share a key value ({@link #keyColumn(String)}, by default the email), so
     * that each value is written once: Marketo would otherwise upsert one lead several times in one
     * import, the last row silently winning. Every user left out is reported with the {@code
     * user_id} kept ({@link ExportResult#merges()}). Merging reads the export twice through
     * temporary files beside it, in bounded memory ({@link #sortBufferBytes(long)}).
     *
     * <p>Off by default for {@link UserExporter#export(UserSource, Path)}; an export against a
     * {@link SyncState} always merges, by this policy or else {@link
     * MergePolicy#MOST_RECENTLY_UPDATED}.
     *
     * @param mergePolicy the policy
     * @return this builder
     */
    public Builder mergePolicy(MergePolicy mergePolicy) {
      this.mergePolicy = Objects.requireNonNull(mergePolicy, "mergePolicy");
      return this;
    }

    /**
     * How much heap merging may use to sort the users that share a key value before spilling to
     * temporary files. Each such user takes about 200 to 300 bytes there. Users alone with their
     * key value are never sorted, and a sync compares users with its state in an off-heap table, so
     * the heap does not grow with the number of users (see the benchmarks).
     *
     * @param sortBufferBytes 32 MB by default; at least 1 MB
     * @return this builder
     */
    public Builder sortBufferBytes(long sortBufferBytes) {
      if (sortBufferBytes < (1 << 20)) {
        throw new IllegalArgumentException("sortBufferBytes must be at least 1 MB (1048576).");
      }
      this.sortBufferBytes = sortBufferBytes;
      return this;
    }

    /**
     * When an export against a {@link SyncState} refuses its input because it would remove too many
     * users from the state (an empty, truncated or wrong file), and whether users missing from an
     * input with malformed entries leave the state. See {@link RemovalGuard}.
     *
     * @param removalGuard {@link RemovalGuard#defaults()} by default
     * @return this builder
     */
    public Builder removalGuard(RemovalGuard removalGuard) {
      this.removalGuard = Objects.requireNonNull(removalGuard, "removalGuard");
      return this;
    }

    /**
     * Builds the exporter.
     *
     * @return the exporter
     * @throws IllegalArgumentException if no mapping was set, the key column is not in the mapping,
     *     merging was asked for without a key column, or the size limit cannot hold the header and
     *     one row
     */
    public UserExporter build() {
      return new UserExporter(this);
    }
  }
}
