package io.leadbridge.alterian;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.csv.CsvRows;
import io.leadbridge.core.internal.csv.PartWriter;
import io.leadbridge.core.internal.csv.RowEncoder;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.files.TempFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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
  private final RowEncoder rows;

  private List<String> sourceHeader;
  private List<String> header;
  private ColumnStats[] stats;
  private PartWriter parts;
  private final List<AlterianPackage.SkippedRow> skipped = new ArrayList<>();
  private Path work;

  PackRun(AlterianImportPackager config, CsvFormat input, List<Path> files, Path outDir) {
    this.config = config;
    this.input = input;
    this.files = files;
    this.outDir = outDir.toAbsolutePath().normalize();
    this.output = config.format;
    this.rows = new RowEncoder(output);
  }

  AlterianPackage run() {
    config.checkOutDir(outDir);
    boolean done = false;
    try {
      Path parent = outDir.getParent();
      Files.createDirectories(parent);
      work = OwnerOnlyFiles.createTempDirectory(parent, "." + outDir.getFileName() + ".tmp-");
      readInput();
      List<ColumnSpec> specs = specs();
      List<PartWriter.Part> named = nameParts();
      if (config.dateStyle == AlterianImportPackager.DateStyle.ALTERIAN && hasDates(specs)) {
        named = rewriteDates(specs, named);
      }
      List<AlterianPackage.DataFile> dataFiles = new ArrayList<>();
      for (PartWriter.Part p : named) {
        dataFiles.add(
            new AlterianPackage.DataFile(
                outDir.resolve(p.file().getFileName()), p.rows(), p.bytes()));
      }
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
      if (parts != null) {
        parts.discard();
      }
      if (!done && work != null) {
        TempFiles.deleteTree(work);
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
          parts = new PartWriter(work, config.tableName, head(), config.maxFileBytes);
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
    if (!rows.encode(values)) {
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
    int size = rows.length();
    if (!parts.fits(size)) {
      throw new AlterianException(
          "A row of "
              + size
              + " bytes does not fit in a file of at most "
              + config.maxFileBytes
              + " bytes; raise maxFileBytes.");
    }
    parts.write(rows.bytes(), size);
  }

  /** The preamble and the names row. */
  private byte[] head() {
    if (!rows.encode(header)) {
      throw new IllegalStateException("safe column names are ASCII");
    }
    byte[] preamble = CsvRows.preamble(output);
    byte[] head = new byte[preamble.length + rows.length()];
    System.arraycopy(preamble, 0, head, 0, preamble.length);
    System.arraycopy(rows.bytes(), 0, head, preamble.length, rows.length());
    return head;
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
  private List<PartWriter.Part> rewriteDates(List<ColumnSpec> specs, List<PartWriter.Part> named)
      throws IOException {
    byte[] head = head();
    List<PartWriter.Part> out = new ArrayList<>();
    for (PartWriter.Part part : named) {
      Path rewritten = work.resolve(part.file().getFileName() + ".dates");
      long size;
      try (CsvReader reader = output.openReader(part.file());
          OutputStream to = new BufferedOutputStream(OwnerOnlyFiles.create(rewritten), 1 << 16)) {
        to.write(head);
        size = head.length;
        for (List<String> row; (row = reader.next()) != null; ) {
          List<String> converted = new ArrayList<>(row);
          for (int i = 0; i < specs.size(); i++) {
            ColumnType t = specs.get(i).type();
            if (t == ColumnType.DATE || t == ColumnType.DATE_TIME) {
              converted.set(i, alterianDate(row.get(i), t));
            }
          }
          if (!rows.encode(converted)) {
            throw new IllegalStateException("a date cannot be encoded");
          }
          size += rows.length();
          to.write(rows.bytes(), 0, rows.length());
        }
      }
      Files.move(rewritten, part.file(), StandardCopyOption.REPLACE_EXISTING);
      out.add(new PartWriter.Part(part.file(), part.rows(), size));
    }
    return out;
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

  /** Moves the parts to their names in the work folder: the table's name, numbered if several. */
  private List<PartWriter.Part> nameParts() throws IOException {
    if (parts == null) {
      parts = new PartWriter(work, config.tableName, head(), config.maxFileBytes);
    }
    if (parts.parts() == 0) {
      parts.newPart(); // an input with a header and no rows still gives a file with the names row
    }
    String ext = "." + output.fileExtension();
    int total = parts.parts();
    List<Path> names = new ArrayList<>();
    for (int i = 1; i <= total; i++) {
      names.add(
          work.resolve(
              total == 1
                  ? config.tableName + ext
                  : String.format("%s-%03d%s", config.tableName, i, ext)));
    }
    return parts.publish(names);
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
      try (ZipOutputStream out =
          new ZipOutputStream(new BufferedOutputStream(OwnerOnlyFiles.create(zip)))) {
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
      TempFiles.deleteTree(old);
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

  private static void restrict(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        OwnerOnlyFiles.restrict(p);
      }
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
