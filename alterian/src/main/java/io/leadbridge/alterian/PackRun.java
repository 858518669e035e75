package io.leadbridge.alterian;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.csv.CsvWriter;
import io.leadbridge.core.internal.csv.CsvRows;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One packaging run. */
final class PackRun {
  private static final Logger LOG = LoggerFactory.getLogger(AlterianImportPackager.class);
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final DateTimeFormatter ALTERIAN_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd HHmmss");
  private static final DateTimeFormatter ALTERIAN_DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final int MAX_LISTED = 20;

  static final String SETTINGS = "IMPORT-SETTINGS.txt";
  static final String COLUMNS = "columns.json";
  static final String SUMS = "SHA256SUMS";

  private final AlterianImportPackager config;
  private final CsvFormat input;
  private final List<Path> files;
  private final Path outDir;
  private final CsvFormat output;
  private final CharsetEncoder encoder;

  private List<String> sourceHeader;
  private List<String> header;
  private ColumnStats[] stats;
  private final List<Part> parts = new ArrayList<>();
  private final List<AlterianPackage.SkippedRow> skipped = new ArrayList<>();
  private Path work;

  private final StringWriter rowText = new StringWriter();
  private CsvWriter rowWriter;
  private ByteBuffer bytes = ByteBuffer.allocate(4096);

  private static final class Part {
    Path path;
    OutputStream out;
    long rows;
    long bytes;
  }

  PackRun(AlterianImportPackager config, CsvFormat input, List<Path> files, Path outDir) {
    this.config = config;
    this.input = input;
    this.files = files;
    this.outDir = outDir.toAbsolutePath().normalize();
    this.output = config.format;
    this.encoder =
        output
            .charset()
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  AlterianPackage run() {
    config.checkOutDir(outDir);
    boolean done = false;
    try {
      Path parent = outDir.getParent();
      Files.createDirectories(parent);
      work =
          POSIX
              ? Files.createTempDirectory(
                  parent, "." + outDir.getFileName() + ".tmp-", ownerOnly("rwx------"))
              : Files.createTempDirectory(parent, "." + outDir.getFileName() + ".tmp-");
      rowWriter = output.newWriter(rowText);
      readInput();
      List<ColumnSpec> specs = specs();
      if (config.dateStyle == AlterianImportPackager.DateStyle.ALTERIAN && hasDates(specs)) {
        rewriteDates(specs);
      }
      List<AlterianPackage.DataFile> dataFiles = nameParts();
      Files.writeString(work.resolve(COLUMNS), ColumnsJson.write(config, specs, dataFiles));
      Files.writeString(
          work.resolve(SETTINGS),
          SettingsSheet.write(config, input, specs, dataFiles, skipped),
          StandardCharsets.UTF_8);
      AlterianPackage pkg = finish(specs, dataFiles);
      done = true;
      LOG.debug(
          "Packaged {} rows in {} file(s) for table {}",
          pkg.rows(),
          dataFiles.size(),
          config.tableName);
      return pkg;
    } catch (IOException e) {
      throw new AlterianException(
          "Cannot build the package in " + outDir + ": " + e.getMessage(), e);
    } finally {
      closeParts();
      if (!done && work != null) {
        deleteTree(work);
      }
    }
  }

  // --------------------------------------------------------------------- pass 1: read the input

  private void readInput() throws IOException {
    for (Path file : files) {
      String name = file.getFileName().toString();
      try (CsvReader reader = input.openReader(file)) {
        List<String> h = reader.header();
        if (h.isEmpty()) {
          throw new AlterianException(name + " is empty: it has no header row.");
        }
        if (sourceHeader == null) {
          sourceHeader = List.copyOf(h);
          header = ColumnNames.safe(sourceHeader, config.maxColumnNameLength);
          stats = new ColumnStats[header.size()];
          for (int i = 0; i < stats.length; i++) {
            stats[i] = new ColumnStats();
          }
          if (config.keyColumn != null && keyIndex() < 0) {
            throw new AlterianException(
                "The key column '"
                    + config.keyColumn
                    + "' is not in the data; columns are "
                    + sourceHeader
                    + ".");
          }
        } else if (!h.equals(sourceHeader)) {
          throw new AlterianException(
              name
                  + " has a different header from "
                  + files.get(0).getFileName()
                  + "; every file of a package must have the same columns.");
        }
        long row = 0;
        for (List<String> values; (values = next(reader, name)) != null; ) {
          row++;
          if (values.size() != sourceHeader.size()) {
            throw new AlterianException(
                name
                    + ", data row "
                    + row
                    + " (line "
                    + reader.lineNumber()
                    + "): "
                    + values.size()
                    + " values, but the header has "
                    + sourceHeader.size()
                    + ". The file is damaged or not in the format "
                    + describe(input)
                    + ".");
          }
          writeRow(values, name, row);
        }
      } catch (UncheckedIOException e) {
        throw new AlterianException(
            name
                + " cannot be read as "
                + input.charset().name()
                + " text: "
                + e.getCause().getMessage()
                + ". Check the file's encoding.",
            e);
      }
    }
  }

  private static List<String> next(CsvReader reader, String name) {
    try {
      return reader.next();
    } catch (IllegalStateException e) {
      throw new AlterianException(
          name + " is not well-formed near line " + reader.lineNumber() + " (an unclosed quote?).",
          e);
    }
  }

  private int keyIndex() {
    int i = sourceHeader.indexOf(config.keyColumn);
    return i >= 0 ? i : header.indexOf(config.keyColumn);
  }

  private void writeRow(List<String> values, String file, long row) throws IOException {
    if (!encode(values)) {
      int column = unencodableColumn(values);
      if (config.unencodable == AlterianImportPackager.UnencodablePolicy.FAIL) {
        throw new AlterianException(
            file
                + ", data row "
                + row
                + ": column '"
                + sourceHeader.get(column)
                + "' holds a character that "
                + output.charset().name()
                + " cannot represent. Package in UTF-8, or choose UnencodablePolicy.SKIP_ROW to"
                + " leave such rows out (they are listed).");
      }
      skipped.add(new AlterianPackage.SkippedRow(file, row, sourceHeader.get(column)));
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      stats[i].add(values.get(i));
    }
    writeEncoded();
  }

  private void writeEncoded() throws IOException {
    int size = bytes.remaining();
    Part part = parts.isEmpty() ? null : parts.get(parts.size() - 1);
    if (part == null
        || (config.maxFileBytes > 0 && part.rows > 0 && part.bytes + size > config.maxFileBytes)) {
      part = startPart();
      if (config.maxFileBytes > 0 && part.bytes + size > config.maxFileBytes) {
        throw new AlterianException(
            "A row of "
                + size
                + " bytes does not fit in a file of at most "
                + config.maxFileBytes
                + " bytes; raise maxFileBytes.");
      }
    }
    part.out.write(bytes.array(), bytes.position(), size);
    part.rows++;
    part.bytes += size;
  }

  private Part startPart() throws IOException {
    Part part = new Part();
    part.path = work.resolve("part-" + (parts.size() + 1) + ".tmp");
    part.out = new BufferedOutputStream(newFile(part.path), 1 << 16);
    parts.add(part);
    byte[] head = headerBytes();
    part.out.write(head);
    part.bytes = head.length;
    return part;
  }

  private byte[] headerBytes;

  /** The preamble and the names row, encoded once. */
  private byte[] headerBytes() throws IOException {
    if (headerBytes == null) {
      ByteBuffer saved = bytes;
      bytes = ByteBuffer.allocate(4096);
      if (!encode(header)) {
        throw new IllegalStateException("safe column names are ASCII");
      }
      byte[] preamble = CsvRows.preamble(output);
      headerBytes = new byte[preamble.length + bytes.remaining()];
      System.arraycopy(preamble, 0, headerBytes, 0, preamble.length);
      bytes.get(headerBytes, preamble.length, bytes.remaining());
      bytes = saved;
    }
    return headerBytes;
  }

  /** Formats a row in the output format and encodes it into {@link #bytes}. */
  private boolean encode(List<String> values) throws IOException {
    rowText.getBuffer().setLength(0);
    rowWriter.writeRow(values);
    CharBuffer in = CharBuffer.wrap(rowText.getBuffer());
    while (true) {
      encoder.reset();
      bytes.clear();
      var result = encoder.encode(in, bytes, true);
      if (result.isUnderflow()) {
        result = encoder.flush(bytes);
      }
      if (result.isOverflow()) {
        bytes = ByteBuffer.allocate(bytes.capacity() * 2);
        in.rewind();
        continue;
      }
      if (result.isError()) {
        return false;
      }
      bytes.flip();
      return true;
    }
  }

  private int unencodableColumn(List<String> values) {
    CharsetEncoder probe = output.charset().newEncoder();
    for (int i = 0; i < values.size(); i++) {
      if (!probe.canEncode(values.get(i))) {
        return i;
      }
    }
    return 0;
  }

  private void closeParts() {
    for (Part p : parts) {
      if (p.out != null) {
        try {
          p.out.close();
        } catch (IOException e) {
          LOG.debug("Could not close a temporary part", e);
        }
        p.out = null;
      }
    }
  }

  // --------------------------------------------------------------------- types and dates

  private List<ColumnSpec> specs() {
    List<ColumnSpec> specs = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      ColumnStats s = stats[i];
      ColumnType type = s.type();
      String stored = null;
      int maxLength = s.maxLength;
      if (type == ColumnType.DATE || type == ColumnType.DATE_TIME) {
        if (config.dateStyle == AlterianImportPackager.DateStyle.ALTERIAN) {
          stored = type == ColumnType.DATE ? "CCYYMMDD" : "CCYYMMDD HHMMSS";
          maxLength = stored.length();
        } else {
          stored = type == ColumnType.DATE ? "YYYY-MM-DD (ISO 8601)" : "ISO 8601";
        }
      }
      String sample = s.sample(type, stored != null && maxLength != s.maxLength ? maxLength : -1);
      specs.add(
          new ColumnSpec(
              header.get(i),
              sourceHeader.get(i),
              type,
              maxLength,
              s.nulls,
              s.values,
              stored,
              sample));
    }
    return specs;
  }

  private static boolean hasDates(List<ColumnSpec> specs) {
    return specs.stream()
        .anyMatch(c -> c.type() == ColumnType.DATE || c.type() == ColumnType.DATE_TIME);
  }

  /** Pass 2 over the package's own files: writes date columns as Alterian stores them. */
  private void rewriteDates(List<ColumnSpec> specs) throws IOException {
    closeParts();
    CsvFormat own = output;
    for (Part part : parts) {
      Path rewritten = work.resolve(part.path.getFileName() + ".dates");
      long size;
      try (CsvReader reader = own.openReader(part.path);
          OutputStream out = new BufferedOutputStream(newFile(rewritten), 1 << 16)) {
        byte[] head = headerBytes();
        out.write(head);
        size = head.length;
        for (List<String> row; (row = reader.next()) != null; ) {
          List<String> converted = new ArrayList<>(row);
          for (int i = 0; i < specs.size(); i++) {
            ColumnType t = specs.get(i).type();
            if (t == ColumnType.DATE || t == ColumnType.DATE_TIME) {
              converted.set(i, alterianDate(row.get(i), t));
            }
          }
          if (!encode(converted)) {
            throw new IllegalStateException("a date cannot be encoded");
          }
          size += bytes.remaining();
          out.write(bytes.array(), bytes.position(), bytes.remaining());
        }
      }
      Files.move(rewritten, part.path, StandardCopyOption.REPLACE_EXISTING);
      part.bytes = size;
    }
  }

  static String alterianDate(String value, ColumnType type) {
    if (value.isEmpty()) {
      return value;
    }
    if (type == ColumnType.DATE) {
      return java.time.LocalDate.parse(value).format(ALTERIAN_DATE);
    }
    try {
      return OffsetDateTime.parse(value)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .format(ALTERIAN_DATE_TIME);
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(value).format(ALTERIAN_DATE_TIME);
    }
  }

  // --------------------------------------------------------------------- naming and finishing

  private List<AlterianPackage.DataFile> nameParts() throws IOException {
    closeParts();
    if (parts.isEmpty()) {
      startPart(); // an input with a header and no rows still gives a file with the names row
      closeParts();
    }
    List<AlterianPackage.DataFile> out = new ArrayList<>();
    String ext = "." + output.fileExtension();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      String name =
          parts.size() == 1
              ? config.tableName + ext
              : String.format("%s-%03d%s", config.tableName, i + 1, ext);
      Path target = work.resolve(name);
      Files.move(p.path, target);
      p.path = target;
      out.add(new AlterianPackage.DataFile(outDir.resolve(name), p.rows, p.bytes));
    }
    return out;
  }

  private AlterianPackage finish(List<ColumnSpec> specs, List<AlterianPackage.DataFile> dataFiles)
      throws IOException {
    List<String> contents = new ArrayList<>();
    for (AlterianPackage.DataFile f : dataFiles) {
      contents.add(f.path().getFileName().toString());
    }
    contents.add(COLUMNS);
    contents.add(SETTINGS);
    Map<String, String> sums = new LinkedHashMap<>();
    Path zip = null;
    if (config.zip) {
      Map<String, String> inner = new LinkedHashMap<>();
      for (String name : contents) {
        inner.put(name, sha256(work.resolve(name)));
      }
      Files.writeString(work.resolve(SUMS), sumsText(inner), StandardCharsets.UTF_8);
      contents.add(SUMS);
      String zipName = config.tableName + ".zip";
      zip = work.resolve(zipName);
      try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(newFile(zip)))) {
        for (String name : contents) {
          ZipEntry entry = new ZipEntry(name);
          entry.setTime(Instant.now().toEpochMilli());
          out.putNextEntry(entry);
          Files.copy(work.resolve(name), out);
          out.closeEntry();
        }
      }
      for (String name : contents) {
        Files.delete(work.resolve(name));
      }
      sums.put(zipName, sha256(zip));
      Files.writeString(work.resolve(SUMS), sumsText(sums), StandardCharsets.UTF_8);
      sums.putAll(inner);
    } else {
      for (String name : contents) {
        sums.put(name, sha256(work.resolve(name)));
      }
      Files.writeString(work.resolve(SUMS), sumsText(sums), StandardCharsets.UTF_8);
    }
    restrict(work);
    moveIntoPlace();
    Map<String, String> renames = new LinkedHashMap<>();
    for (ColumnSpec c : specs) {
      if (c.renamed()) {
        renames.put(c.sourceName(), c.name());
      }
    }
    return new AlterianPackage(
        outDir,
        dataFiles,
        specs,
        java.util.Collections.unmodifiableMap(renames),
        java.util.Collections.unmodifiableMap(sums),
        outDir.resolve(SETTINGS),
        outDir.resolve(COLUMNS),
        outDir.resolve(SUMS),
        zip == null ? null : outDir.resolve(zip.getFileName()),
        skipped);
  }

  private static String sumsText(Map<String, String> sums) {
    StringBuilder sb = new StringBuilder();
    sums.forEach((name, hash) -> sb.append(hash).append("  ").append(name).append('\n'));
    return sb.toString();
  }

  private void moveIntoPlace() throws IOException {
    if (Files.exists(outDir)) {
      Path old = outDir.resolveSibling("." + outDir.getFileName() + ".old-" + System.nanoTime());
      Files.move(outDir, old);
      try {
        Files.move(work, outDir);
      } catch (IOException e) {
        Files.move(old, outDir);
        throw e;
      }
      deleteTree(old);
    } else {
      Files.move(work, outDir);
    }
    work = null;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static OutputStream newFile(Path path) throws IOException {
    if (POSIX) {
      Files.createFile(path, ownerOnly("rw-------"));
      return Files.newOutputStream(path);
    }
    return Files.newOutputStream(path);
  }

  private static void restrict(Path dir) throws IOException {
    if (!POSIX) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  private static FileAttribute<?> ownerOnly(String mode) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.warn("Could not delete {}", p);
                }
              });
    } catch (IOException e) {
      LOG.warn("Could not delete {}", dir);
    }
  }

  static String describe(CsvFormat f) {
    return f.delimiter() == '\t'
        ? "TSV"
        : f.delimiter() == ';'
            ? "semicolon-separated"
            : f.delimiter() == ',' ? "CSV" : "delimited by '" + f.delimiter() + "'";
  }
}
