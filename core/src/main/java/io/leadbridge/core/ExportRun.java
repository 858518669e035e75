package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Projectable;
import io.leadbridge.core.internal.Utf8;
import io.leadbridge.core.internal.csv.CsvRows;
import io.leadbridge.core.internal.files.SecureFiles;
import io.leadbridge.core.internal.files.SideFile;
import io.leadbridge.core.internal.select.RowSelection;
import io.leadbridge.core.internal.select.RowSink;
import io.leadbridge.core.internal.sync.FileSyncState;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  private final CharsetEncoder encoder;
  private final int keyIndex;

  private final StringBuilder text = new StringBuilder(512);
  private final boolean[] seen;
  private int unseen;
  private final boolean utf8;
  private byte[] encoded = new byte[4096];
  private int encodedLength;
  private char[] chars = new char[1024];
  private final StringBuilder keyText = new StringBuilder(128);
  private byte[] keyBytes = new byte[512];
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
  private final List<Part> parts = new ArrayList<>();
  private Part current;
  private OutputStream rowKeys;
  private Path rowKeysTemp;
  private SideFile rejectionsOut;

  private static final class Part {
    final Path temp;
    final OutputStream out;
    long rows;
    long bytes;

    Part(Path temp, OutputStream out) {
      this.temp = temp;
      this.out = out;
    }
  }

  ExportRun(UserExporter exporter, UserSource source, SyncState state) {
    this.exporter = exporter;
    this.source = source;
    this.state = state;
    this.mapping = exporter.mapping();
    this.format = exporter.format();
    this.encoder =
        format
            .charset()
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.utf8 = format.charset().equals(java.nio.charset.StandardCharsets.UTF_8);
    String key = exporter.keyColumnOrNull();
    this.keyIndex = key == null ? -1 : mapping.indexOf(key);
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

  static long headerBytes(FieldMapping mapping, CsvFormat format) {
    long n = CsvRows.preamble(format).length;
    if (format.header()) {
      StringBuilder sb = new StringBuilder();
      CsvRows.append(format, mapping.header(), sb);
      n += format.charset().encode(sb.toString()).remaining();
    }
    return n;
  }

  private byte[] encodeHeader() {
    StringBuilder sb = new StringBuilder();
    if (format.header()) {
      CsvRows.append(format, mapping.header(), sb);
    }
    byte[] preamble = CsvRows.preamble(format);
    ByteBuffer encoded;
    try {
      encoded = encoder.reset().encode(CharBuffer.wrap(sb));
    } catch (CharacterCodingException e) {
      throw new ExportException(
          "A column name cannot be written in " + format.charset().name() + "; rename it.");
    }
    byte[] out = new byte[preamble.length + encoded.remaining()];
    System.arraycopy(preamble, 0, out, 0, preamble.length);
    encoded.get(out, preamble.length, encoded.remaining());
    return out;
  }

  private static FileSyncState fileState(SyncState state) {
    if (state instanceof FileSyncState) {
      return (FileSyncState) state;
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
    try {
      Files.createDirectories(dir);
      rejectionsOut =
          new SideFile(dir, outputName + ".rejections", "position", "user_id", "reason", "detail");
      headerBytes = encodeHeader();
      rowKeysTemp = SecureFiles.createTemp(dir, outputName, ".rowkeys.tmp");
      rowKeys = new BufferedOutputStream(Files.newOutputStream(rowKeysTemp), 1 << 16);
      writeKey(
          RowKeys.header(keyIndex < 0 ? "key" : mapping.header().get(keyIndex))
              .toArray(new String[0]));
      startPart();
      if (state != null || exporter.mergePolicyOrNull() != null) {
        selection =
            new RowSelection(
                this,
                state == null ? null : fileState(state),
                state != null && exporter.mergePolicyOrNull() == null
                    ? MergePolicy.MOST_RECENTLY_UPDATED
                    : exporter.mergePolicyOrNull(),
                mapping.header(),
                format,
                exporter.keyColumnOrNull(),
                dir,
                outputName,
                exporter.maxRejectionsInMemory(),
                exporter.sortBufferBytes());
      }
      run(true);
      if (selection != null) {
        selection.finish();
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
          "Cannot write the export to " + dir + ": " + e.getMessage() + ". Nothing was kept.", e);
    } finally {
      if (selection != null) {
        selection.close();
      }
      if (!done) {
        discard();
      }
    }
  }

  private void startPart() throws IOException {
    Path temp = SecureFiles.createTemp(dir, outputName, ".part" + (parts.size() + 1) + ".tmp");
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
    current = new Part(temp, out);
    parts.add(current);
    out.write(headerBytes);
    current.bytes = headerBytes.length;
    bytesWritten += headerBytes.length;
    progress(false);
  }

  private List<ExportedFile> publish() throws IOException {
    for (Part p : parts) {
      p.out.close();
    }
    rowKeys.close();
    List<ExportedFile> files = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Path target = dir.resolve(partName(i + 1, parts.size()));
      Part p = parts.get(i);
      SecureFiles.move(p.temp, target);
      files.add(new ExportedFile(target, p.rows, p.bytes));
    }
    SecureFiles.move(rowKeysTemp, dir.resolve(outputName + ".rowkeys"));
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
    for (Part p : parts) {
      closeQuietly(p.out);
      deleteQuietly(p.temp);
    }
    if (rowKeys != null) {
      closeQuietly(rowKeys);
    }
    deleteQuietly(rowKeysTemp);
    if (rejectionsOut != null) {
      rejectionsOut.discard();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // already failing; the original problem is the one to report
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("Could not delete the temporary file {}", p);
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
    if (source instanceof Projectable && !mapping.hasComputedColumns()) {
      Set<String> keep = new HashSet<>(mapping.rootProperties());
      keep.add("user_id");
      if (selection != null && selection.needsUpdatedAt()) {
        keep.add("updated_at");
      }
      ((Projectable) source).keepOnly(keep);
    }
    SourceEntry entry;
    while ((entry = source.next()) != null) {
      entriesRead++;
      if (entry instanceof MalformedEntry) {
        MalformedEntry m = (MalformedEntry) entry;
        reject(new Rejection(m.position(), null, Rejection.Reason.MALFORMED_INPUT, m.detail()));
      } else {
        UserRecord user = (UserRecord) entry;
        write(user, limit, files);
      }
      if (entriesRead % PROGRESS_EVERY == 0) {
        progress(false);
      }
    }
    progress(selection == null); // with a sync, rows are written after the comparison
  }

  private void write(UserRecord user, long limit, boolean files) throws IOException {
    List<String> values;
    try {
      values = mapping.apply(user);
    } catch (RecordRejectedException e) {
      reject(new Rejection(user.position(), user.userId(), e.reason(), e.getMessage()));
      return;
    }
    text.setLength(0);
    CsvRows.append(format, values, text);
    if (!encode()) {
      reject(
          new Rejection(
              user.position(),
              user.userId(),
              Rejection.Reason.UNENCODABLE,
              unencodableDetail(values)));
      return;
    }
    int size = encodedLength;
    if (!files) {
      markSeen(values);
      streamOut.write(encoded, 0, size);
      rowsWritten++;
      bytesWritten += size;
      return;
    }
    if (limit > 0 && headerBytes.length + (long) size > limit) {
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
      if (selection.stage(user, values, encoded, size)) {
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
  public int append(byte[] row, int size, String userId, String key) throws IOException {
    long limit = exporter.maxFileBytes();
    if (limit > 0 && current.bytes + size > limit) {
      startPart();
    }
    current.out.write(row, 0, size);
    current.rows++;
    current.bytes += size;
    rowsWritten++;
    bytesWritten += size;
    writeKey(
        new String[] {
          Integer.toString(parts.size()),
          Long.toString(current.rows),
          userId == null ? "" : userId,
          key == null ? "" : key
        });
    if (selection != null && rowsWritten % PROGRESS_EVERY == 0) {
      progress(false);
    }
    return parts.size();
  }

  private void writeKey(String[] values) throws IOException {
    keyText.setLength(0);
    CsvRows.append(RowKeys.FORMAT, values, keyText);
    int max = Utf8.maxBytes(keyText.length());
    if (keyBytes.length < max) {
      keyBytes = new byte[Math.max(max, keyBytes.length * 2)];
    }
    int n = Utf8.encode(keyText, keyBytes);
    if (n < 0) {
      byte[] replaced = keyText.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      rowKeys.write(replaced);
    } else {
      rowKeys.write(keyBytes, 0, n);
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

  /** Encodes {@link #text} into {@link #encoded}; false when a character cannot be encoded. */
  private boolean encode() {
    int length = text.length();
    if (utf8) {
      int max = Utf8.maxBytes(length);
      if (encoded.length < max) {
        encoded = new byte[Math.max(max, encoded.length * 2)];
      }
      encodedLength = Utf8.encode(text, encoded);
      return encodedLength >= 0;
    }
    if (chars.length < length) {
      chars = new char[Math.max(length, chars.length * 2)];
    }
    text.getChars(0, length, chars, 0);
    CharBuffer in = CharBuffer.wrap(chars, 0, length);
    ByteBuffer out = ByteBuffer.wrap(encoded);
    while (true) {
      encoder.reset();
      CoderResult r = encoder.encode(in, out, true);
      if (r.isUnderflow()) {
        r = encoder.flush(out);
      }
      if (r.isOverflow()) {
        encoded = new byte[encoded.length * 2];
        out = ByteBuffer.wrap(encoded);
        in.rewind();
        continue;
      }
      if (r.isError()) {
        return false;
      }
      encodedLength = out.position();
      return true;
    }
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
    exporter
        .listener()
        .onProgress(
            new ExportProgress(
                entriesRead,
                rowsWritten,
                rowsRejected,
                bytesWritten,
                current == null ? null : dir.resolve(partName(parts.size(), parts.size())),
                Math.max(1, parts.size()),
                done));
  }
}
