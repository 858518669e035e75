package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.EntryHashing;
import io.leadbridge.core.internal.MappingAware;
import io.leadbridge.core.internal.Projectable;
import io.leadbridge.core.internal.ReadFraction;
import io.leadbridge.core.internal.SafeListener;
import io.leadbridge.core.internal.csv.CsvRows;
import io.leadbridge.core.internal.csv.PartWriter;
import io.leadbridge.core.internal.csv.RowEncoder;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.select.KnownEntries;
import io.leadbridge.core.internal.select.RowSelection;
import io.leadbridge.core.internal.select.RowSink;
import io.leadbridge.core.internal.sync.JdbcSyncState;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.RecordRejectedException;
import io.leadbridge.core.source.MalformedEntry;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The state of one export; not thread-safe, used once. */
final class ExportRun implements RowSink {
  private static final Logger LOG = LoggerFactory.getLogger(UserExporter.class);
  private static final int PROGRESS_EVERY = 4096;

  private final UserExporter exporter;
  private final UserSource source;
  private final SyncState state;
  private RowSelection selection;
  private final FieldMapping mapping;
  private final CsvFormat format;
  private final RowEncoder rows;
  private final SafeListener<ExportProgress> listener;
  private final int keyIndex;
  private final KeyValues keyValues;

  private final boolean[] seen;
  private int unseen;
  private final RowEncoder keys = new RowEncoder(SideFile.FORMAT);
  private final String[] key = new String[4];
  private byte[] headerBytes;

  private long entriesRead;
  private long rowsWritten;
  private long rowsRejected;
  private long bytesWritten;
  private final List<Rejection> rejections = new ArrayList<>();
  private final Map<Rejection.Reason, Long> counts = new EnumMap<>(Rejection.Reason.class);

  // File output only.
  private Path dir;
  private String outputName;
  private PartWriter parts;
  private OutputStream rowKeys;
  private Path rowKeysTemp;
  private SideFile rejectionsOut;

  ExportRun(UserExporter exporter, UserSource source, SyncState state) {
    this.exporter = exporter;
    this.source = source;
    this.state = state;
    this.mapping = exporter.mapping();
    this.format = exporter.format();
    this.rows = new RowEncoder(format);
    this.listener = SafeListener.of(exporter.listener()::onProgress, "export");
    String key = exporter.keyColumnOrNull();
    this.keyValues = new KeyValues(mapping, key);
    this.keyIndex = keyValues.index();
    this.seen = new boolean[mapping.columns().size()];
    this.unseen = seen.length;
  }

  /** Path columns that no written row had a value for; each is logged once. */
  private List<String> emptyColumns() {
    List<String> empty = new ArrayList<>();
    if (rowsWritten == 0) {
      return empty;
    }
    for (int i = 0; i < seen.length; i++) {
      FieldMapping.Column c = mapping.columns().get(i);
      if (!seen[i] && c.kind() == FieldMapping.Column.Kind.PATH) {
        empty.add(c.name());
        LOG.warn(
            "Column '{}' is empty in all {} rows: no user has a value at path '{}'. Check the"
                + " path for a typo, or the fields the source was asked for.",
            c.name(),
            rowsWritten,
            c.path().orElseThrow());
      }
    }
    return empty;
  }

  /** The bytes every file of an export starts with, or -1 when a column name cannot be written. */
  static long headerBytes(FieldMapping mapping, CsvFormat format) {
    try {
      return new RowEncoder(format).head(mapping.header()).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  private byte[] encodeHeader() {
    try {
      return rows.head(mapping.header());
    } catch (IllegalArgumentException e) {
      throw new ExportException(e.getMessage());
    }
  }

  private static JdbcSyncState jdbcState(SyncState state) {
    if (state instanceof JdbcSyncState) {
      return (JdbcSyncState) state;
    }
    throw new IllegalArgumentException(
        "Only Leadbridge's own sync states are supported: open one with SyncState.open(...).");
  }

  // ---------------------------------------------------------------- to files

  ExportResult toFiles(Path output) {
    Path absolute = output.toAbsolutePath().normalize();
    this.dir = absolute.getParent();
    this.outputName = absolute.getFileName().toString();
    boolean done = false;
    FolderLock lock = null;
    try {
      lock = acquire(dir);
      int leftovers = OwnerOnlyFiles.deleteLeftovers(dir, outputName);
      if (leftovers > 0) {
        LOG.info(
            "Deleted {} temporary file(s) an interrupted export of {} left in {}",
            leftovers,
            outputName,
            dir);
      }
      rejectionsOut =
          new SideFile(dir, outputName + ".rejections", "position", "user_id", "reason", "detail");
      headerBytes = encodeHeader();
      rowKeysTemp = OwnerOnlyFiles.createTemp(dir, outputName, ".rowkeys.tmp");
      rowKeys = new BufferedOutputStream(Files.newOutputStream(rowKeysTemp), 1 << 16);
      writeKey(
          RowKeys.header(keyIndex < 0 ? "key" : mapping.header().get(keyIndex))
              .toArray(new String[0]));
      parts = new PartWriter(dir, outputName, headerBytes, exporter.maxFileBytes());
      startPart();
      if (state != null || exporter.mergePolicyOrNull() != null) {
        selection =
            new RowSelection(
                this,
                state == null ? null : jdbcState(state),
                exporter.removalGuard(),
                state != null && exporter.mergePolicyOrNull() == null
                    ? MergePolicy.MOST_RECENTLY_UPDATED
                    : exporter.mergePolicyOrNull(),
                mapping.header(),
                format,
                exporter.keyColumnOrNull(),
                dir,
                outputName,
                exporter.maxRejectionsInMemory(),
                exporter.sortBufferBytes(),
                entryHashes = hashesEntries(true));
        if (source instanceof ReadFraction) {
          selection.growWith(((ReadFraction) source)::readFraction);
        }
      }
      run(true);
      if (selection != null) {
        selection.release(); // the users and rejections held while the state was read
        selection.finish(entriesRead, counts.getOrDefault(Rejection.Reason.MALFORMED_INPUT, 0L));
        progress(true);
      }
      List<ExportedFile> files = publish();
      Path mergesFile = selection == null ? null : selection.publish();
      SyncSummary summary =
          selection == null
              ? null
              : selection.summary(files.stream().map(ExportedFile::path).toList());
      done = true;
      Path rowKeysFile = dir.resolve(outputName + ".rowkeys");
      Path rejectionsFile = rejectionsOut.target();
      LOG.debug(
          "Exported {} rows to {} file(s), {} rejected, {} bytes",
          rowsWritten,
          files.size(),
          rowsRejected,
          bytesWritten);
      return new ExportResult(
          files,
          format,
          mapping.header(),
          entriesRead,
          rowsWritten,
          rowsRejected,
          bytesWritten,
          rejections,
          counts,
          emptyColumns(),
          rejectionsFile,
          RowKeys.of(rowKeysFile, keyIndex < 0 ? "key" : mapping.header().get(keyIndex)),
          selection == null ? 0 : selection.rowsUnchanged(),
          selection == null ? 0 : selection.rowsMerged(),
          selection == null ? List.of() : selection.merges(),
          mergesFile,
          summary);
    } catch (IOException e) {
      throw new ExportException(
          "Cannot write the export to " + dir + ": " + IoErrors.reason(e) + ". Nothing was kept.",
          e);
    } finally {
      if (selection != null) {
        selection.close();
      }
      if (!done) {
        discard();
      }
      if (lock != null) {
        lock.close();
      }
    }
  }

  private static FolderLock acquire(Path dir) {
    try {
      return FolderLock.acquire(dir, "export");
    } catch (IOException e) {
      throw new ExportException(
          "Cannot write the export to " + dir + ": " + IoErrors.reason(e) + ".", e);
    }
  }

  private void startPart() throws IOException {
    parts.newPart();
    bytesWritten += headerBytes.length;
    progress(false);
  }

  private List<ExportedFile> publish() throws IOException {
    rowKeys.close();
    int total = parts.parts();
    List<Path> names = new ArrayList<>();
    for (int i = 1; i <= total; i++) {
      names.add(dir.resolve(partName(i, total)));
    }
    List<ExportedFile> files = new ArrayList<>();
    for (PartWriter.Part p : parts.publish(names)) {
      files.add(new ExportedFile(p.file(), p.rows(), p.bytes()));
    }
    OwnerOnlyFiles.move(rowKeysTemp, dir.resolve(outputName + ".rowkeys"));
    rejectionsOut.publish();
    removeStaleParts(files);
    return files;
  }

  /**
   * Deletes the parts an earlier export of the same name left that this one did not replace (it
   * wrote fewer parts, or one file instead of parts), so that no old file is taken for new.
   */
  private void removeStaleParts(List<ExportedFile> written) throws IOException {
    int dot = outputName.lastIndexOf('.');
    String stem = dot > 0 ? outputName.substring(0, dot) : outputName;
    String ext = dot > 0 ? outputName.substring(dot) : "";
    Pattern part = Pattern.compile(Pattern.quote(stem + "-") + "\\d{3,}" + Pattern.quote(ext));
    Set<Path> keep = new HashSet<>();
    written.forEach(f -> keep.add(f.path()));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!keep.contains(p)
            && (name.equals(outputName) || part.matcher(name).matches())
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(p);
          LOG.debug("Removed {}, left by an earlier export of the same name", name);
        }
      }
    }
  }

  private String partName(int part, int total) {
    if (total == 1) {
      return outputName;
    }
    int dot = outputName.lastIndexOf('.');
    String stem = dot > 0 ? outputName.substring(0, dot) : outputName;
    String ext = dot > 0 ? outputName.substring(dot) : "";
    return String.format("%s-%03d%s", stem, part, ext);
  }

  private void discard() {
    if (parts != null) {
      parts.discard();
    }
    if (rowKeys != null) {
      try {
        rowKeys.close();
      } catch (IOException e) {
        // already failing; the original problem is the one to report
      }
    }
    OwnerOnlyFiles.deleteQuietly(rowKeysTemp);
    if (rejectionsOut != null) {
      rejectionsOut.discard();
    }
  }

  // ---------------------------------------------------------------- to a stream

  ExportResult toStream(OutputStream output) {
    try {
      headerBytes = encodeHeader();
      output.write(headerBytes);
      bytesWritten += headerBytes.length;
      this.streamOut = output;
      run(false);
      output.flush();
    } catch (IOException e) {
      throw new ExportException("Cannot write the export: " + e.getMessage(), e);
    }
    return new ExportResult(
        List.of(),
        format,
        mapping.header(),
        entriesRead,
        rowsWritten,
        rowsRejected,
        bytesWritten,
        rejections,
        counts,
        emptyColumns(),
        null,
        null,
        0,
        0,
        List.of(),
        null,
        null);
  }

  private OutputStream streamOut;

  // ---------------------------------------------------------------- the loop

  private void run(boolean files) throws IOException {
    long limit = files ? exporter.maxFileBytes() : 0;
    if (source instanceof MappingAware) {
      ((MappingAware) source).checkMapping(mapping);
    }
    if (source instanceof Projectable && !mapping.hasComputedColumns()) {
      Set<String> keep = new HashSet<>(mapping.rootProperties());
      keep.add("user_id");
      if (selection != null && selection.needsUpdatedAt()) {
        keep.add("updated_at");
      }
      ((Projectable) source).keepOnly(keep);
    }
    hashEntries(files);
    SourceEntry entry;
    while ((entry = next()) != null) {
      entriesRead++;
      handle(entry, limit, files);
      if (entriesRead % PROGRESS_EVERY == 0) {
        progress(false);
      }
    }
    progress(selection == null); // with a sync, rows are written after the comparison
  }

  private void handle(SourceEntry entry, long limit, boolean files) throws IOException {
    if (entry instanceof MalformedEntry) {
      MalformedEntry m = (MalformedEntry) entry;
      reject(new Rejection(m.position(), null, Rejection.Reason.MALFORMED_INPUT, m.detail()));
    } else {
      write((UserRecord) entry, limit, files);
    }
  }

  /**
   * What makes a row from a source entry, beyond the entry itself and its format: the hash of an
   * entry is seeded with it, so that a state's entry hashes match only under the same mapping and
   * settings. Bump the version when a release changes the rows or rejections the same settings
   * make.
   */
  private static final String ENTRY_HASH_VERSION = "leadbridge entry hash 1";

  private KnownEntries known;

  /** Whether the selection reads the state's entry hashes: {@link #hashesEntries}. */
  private boolean entryHashes;

  /**
   * Whether this export, against a state, has its source hash each entry: a source that can, an
   * export to files, and a mapping whose definition fixes its rows.
   */
  private boolean hashesEntries(boolean files) {
    if (!files || state == null || !(source instanceof EntryHashing)) {
      return false;
    }
    if (mapping.definition().isEmpty()) {
      LOG.debug("Every source entry is parsed: the mapping has computed columns or own formats");
      return false;
    }
    return true;
  }

  /**
   * Against a sync state, asks a source that can ({@link EntryHashing}) to hash each entry before
   * parsing it, so that an entry the state already knows for a confirmed user is left unparsed
   * ({@link KnownEntries}): only when the mapping's definition fixes its rows (no computed column,
   * no format of one's own).
   */
  private void hashEntries(boolean files) {
    if (!files || selection == null || !entryHashes) {
      return;
    }
    Optional<String> definition = mapping.definition();
    String seed =
        String.join(
            "\n",
            ENTRY_HASH_VERSION,
            String.valueOf(ExportRun.class.getPackage().getImplementationVersion()),
            definition.get(),
            "format " + format,
            "key " + exporter.keyColumnOrNull(),
            "merge " + exporter.mergePolicyOrNull(),
            "max file bytes " + exporter.maxFileBytes());
    known =
        KnownEntries.start(
            (EntryHashing) source,
            seed,
            selection,
            new KnownEntries.Export() {
              @Override
              public void taken() {
                entriesRead++;
                if (entriesRead % PROGRESS_EVERY == 0) {
                  progress(false);
                }
              }

              @Override
              public void read(SourceEntry entry) throws IOException {
                entriesRead++;
                handle(entry, exporter.maxFileBytes(), true); // only exports to files hash
              }
            });
  }

  /** The next entry of the source; what the selection threw while the source skipped, rethrown. */
  private SourceEntry next() throws IOException {
    try {
      return source.next();
    } catch (UncheckedIOException e) {
      if (known != null) {
        throw e.getCause();
      }
      throw e;
    }
  }

  private void write(UserRecord user, long limit, boolean files) throws IOException {
    List<String> values;
    try {
      values = mapping.apply(user);
      values = keyValues.check(user, values);
    } catch (RecordRejectedException e) {
      Rejection.Reason reason =
          e.reason() == RecordRejectedException.Reason.MISSING_REQUIRED
              ? Rejection.Reason.MISSING_REQUIRED
              : Rejection.Reason.INVALID_VALUE;
      reject(new Rejection(user.position(), user.userId(), reason, e.getMessage()));
      return;
    } catch (KeyValues.KeyRejected e) {
      reject(
          new Rejection(
              user.position(), user.userId(), Rejection.Reason.INVALID_KEY, e.getMessage()));
      return;
    }
    int control = controlCharacterColumn(values);
    if (control >= 0) {
      reject(
          new Rejection(
              user.position(),
              user.userId(),
              Rejection.Reason.INVALID_VALUE,
              "column '"
                  + mapping.header().get(control)
                  + "' holds a control character (such as U+0000) that a file for a marketing"
                  + " system cannot carry"));
      return;
    }
    if (!rows.encode(values)) {
      reject(
          new Rejection(
              user.position(),
              user.userId(),
              Rejection.Reason.UNENCODABLE,
              unencodableDetail(values)));
      return;
    }
    byte[] encoded = rows.bytes();
    int size = rows.length();
    if (!files) {
      markSeen(values);
      streamOut.write(encoded, 0, size);
      rowsWritten++;
      bytesWritten += size;
      return;
    }
    if (!parts.fits(size)) {
      reject(
          new Rejection(
              user.position(),
              user.userId(),
              Rejection.Reason.ROW_TOO_LARGE,
              "the row is "
                  + size
                  + " bytes, too large for a file of at most "
                  + limit
                  + " bytes with its header"));
      return;
    }
    if (selection != null) {
      long at = user.position();
      if (selection.stage(
          user,
          values,
          encoded,
          size,
          known == null ? 0 : known.hashHi(at),
          known == null ? 0 : known.hashLo(at))) {
        markSeen(values);
      }
      return;
    }
    markSeen(values);
    append(encoded, size, user.userId(), keyIndex < 0 ? "" : values.get(keyIndex));
  }

  /**
   * Writes an encoded row into the current part, starting a new part when the size limit would be
   * passed, and records its row key.
   *
   * @return the 1-based number of the part it went to
   */
  @Override
  public int append(byte[] row, int size, String userId, String keyValue) throws IOException {
    int before = parts.parts();
    int part = parts.write(row, size);
    if (part != before) {
      bytesWritten += headerBytes.length;
      progress(false);
    }
    rowsWritten++;
    bytesWritten += size;
    key[0] = Integer.toString(part);
    key[1] = Long.toString(parts.rowsInPart());
    key[2] = userId == null ? "" : userId;
    key[3] = keyValue == null ? "" : keyValue;
    writeKey(key);
    if (selection != null && rowsWritten % PROGRESS_EVERY == 0) {
      progress(false);
    }
    return part;
  }

  private void writeKey(String[] values) throws IOException {
    if (keys.encode(values)) {
      rowKeys.write(keys.bytes(), 0, keys.length());
    } else {
      // an unpaired surrogate in an id: written replaced rather than lose the row's key
      StringBuilder text = new StringBuilder();
      CsvRows.append(SideFile.FORMAT, values, text);
      rowKeys.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private void markSeen(List<String> values) {
    if (unseen == 0) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (!seen[i] && !values.get(i).isEmpty()) {
        seen[i] = true;
        unseen--;
      }
    }
  }

  /**
   * The first column holding a C0 control character other than tab, line feed and carriage return
   * (which quoting carries), or -1.
   */
  private static int controlCharacterColumn(List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      for (int j = 0; j < v.length(); j++) {
        char c = v.charAt(j);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          return i;
        }
      }
    }
    return -1;
  }

  private String unencodableDetail(List<String> values) {
    CharsetEncoder probe = format.charset().newEncoder();
    for (int i = 0; i < values.size(); i++) {
      if (!probe.canEncode(values.get(i))) {
        return "column '"
            + mapping.header().get(i)
            + "' holds a character that "
            + format.charset().name()
            + " cannot represent";
      }
    }
    return "a character cannot be represented in " + format.charset().name();
  }

  @Override
  public void reject(Rejection r) throws IOException {
    // while the state is still being read, keeps its place among the users held back
    if (selection != null
        && selection.held(r, exporter.rejectionPolicy() == RejectionPolicy.FAIL)) {
      return;
    }
    rowsRejected++;
    counts.merge(r.reason(), 1L, Long::sum);
    if (rejections.size() < exporter.maxRejectionsInMemory()) {
      rejections.add(r);
    }
    if (exporter.rejectionPolicy() == RejectionPolicy.FAIL) {
      throw new ExportException(
          "A user was rejected at position "
              + r.position()
              + (r.userId() == null ? "" : " (" + r.userId() + ")")
              + ": "
              + r.detail()
              + ". The export stopped because the rejection policy is FAIL.");
    }
    if (rejectionsOut != null) {
      rejectionsOut.write(
          Long.toString(r.position()),
          r.userId() == null ? "" : r.userId(),
          r.reason().name(),
          r.detail());
    }
    if (selection != null) {
      selection.rejected(r);
    }
  }

  private void progress(boolean done) {
    listener.accept(
        new ExportProgress(
            entriesRead,
            rowsWritten,
            rowsRejected,
            bytesWritten,
            parts == null || parts.parts() == 0
                ? null
                : dir.resolve(partName(parts.parts(), parts.parts())),
            parts == null ? 1 : Math.max(1, parts.parts()),
            done));
  }
}
