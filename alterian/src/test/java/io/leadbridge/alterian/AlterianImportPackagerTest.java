package io.leadbridge.alterian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.ValueFormat;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlterianImportPackagerTest {
  @TempDir Path dir;

  /** Auth0-like users with awkward values, generated deterministically. */
  static List<Map<String, Object>> users(int n) {
    Random random = new Random(42);
    String[] names = {
      "Zoë", "O'Brien, \"Jr\"", "Ann\tMarie", "Line\nBreak", "=cmd", "Łukasz", "山田", "plain"
    };
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      if (i % 7 != 0) {
        u.put("email", "User" + i + "@Example.com");
      }
      u.put("given_name", names[random.nextInt(names.length)]);
      u.put("logins_count", random.nextInt(500));
      u.put("email_verified", random.nextBoolean());
      u.put("score", i % 3 == 0 ? (Object) (long) i : (Object) new java.math.BigDecimal(i + ".25"));
      u.put("created_at", i % 2 == 0 ? "2024-03-01T09:30:00.125Z" : "2024-03-01T09:30:00Z");
      u.put("birthday", "1990-01-" + String.format("%02d", 1 + i % 28));
      out.add(u);
    }
    return out;
  }

  private ExportResult export(int n, CsvFormat format, long maxBytes) {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("user_id", "User Id")
            .column("email", "Email")
            .column("given_name", "Given Name")
            .column("logins_count", "logins count")
            .column("email_verified", "Email Verified")
            .column("score", "2fa score")
            .column("created_at", "Created At", ValueFormat.defaults())
            .column("birthday", "Birthday")
            .column("user_metadata.none", "Always Empty")
            .build();
    return UserExporter.builder()
        .mapping(mapping)
        .format(format)
        .maxFileBytes(maxBytes)
        .build()
        .export(
            UserSource.of(users(n)),
            dir.resolve("export").resolve("users." + format.fileExtension()));
  }

  private static List<List<String>> readAll(CsvFormat format, List<Path> files) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (Path f : files) {
      try (CsvReader r = format.openReader(f)) {
        for (List<String> row; (row = r.next()) != null; ) {
          rows.add(row);
        }
      }
    }
    return rows;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void packagesA10000UserExportThatReadsBackEqual() throws Exception {
    ExportResult export = export(10_000, CsvFormat.TSV, 200_000);
    assertThat(export.files()).hasSizeGreaterThan(1);
    AlterianImportPackager packager =
        AlterianImportPackager.builder()
            .tableName("Auth0Users")
            .dateStyle(AlterianImportPackager.DateStyle.ISO)
            .build();

    AlterianPackage pkg = packager.pack(export, dir.resolve("alterian"));

    assertThat(pkg.dataFiles()).hasSize(1);
    assertThat(pkg.rows()).isEqualTo(10_000);
    List<List<String>> input = readAll(CsvFormat.TSV, export.paths());
    List<List<String>> packaged = readAll(CsvFormat.CSV, List.of(pkg.dataFiles().get(0).path()));
    assertThat(packaged).isEqualTo(input);
    try (CsvReader r = CsvFormat.CSV.openReader(pkg.dataFiles().get(0).path())) {
      assertThat(r.header())
          .containsExactly(
              "User_Id",
              "Email",
              "Given_Name",
              "logins_count",
              "Email_Verified",
              "C_2fa_score",
              "Created_At",
              "Birthday",
              "Always_Empty");
    }
    assertThat(pkg.renames())
        .containsEntry("User Id", "User_Id")
        .containsEntry("2fa score", "C_2fa_score")
        .doesNotContainKey("Email");
  }

  @Test
  void checksumsVerifyAndCoverEveryFile() throws Exception {
    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Users")
            .build()
            .pack(export(500, CsvFormat.CSV, 0), dir.resolve("pkg"));
    List<String> lines = Files.readAllLines(pkg.checksumsFile());
    List<String> named = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.split("  ", 2);
      named.add(parts[1]);
      assertThat(sha256(Files.readAllBytes(pkg.directory().resolve(parts[1])))).isEqualTo(parts[0]);
    }
    try (Stream<Path> files = Files.list(pkg.directory())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("SHA256SUMS")))
          .containsExactlyInAnyOrderElementsOf(named);
    }
    assertThat(named).containsExactly("Users.csv", "columns.json", "IMPORT-SETTINGS.txt");
    assertThat(pkg.checksums().keySet()).containsExactlyElementsOf(named);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pkg.dataFiles().get(0).path())))
        .isEqualTo("rw-------");
  }

  @Test
  void columnTypesMatchTheDataAndDatesUseAlterianStorage() throws Exception {
    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Users")
            .build()
            .pack(export(1000, CsvFormat.CSV, 0), dir.resolve("pkg"));
    Map<String, ColumnSpec> byName = new LinkedHashMap<>();
    pkg.columns().forEach(c -> byName.put(c.sourceName(), c));
    assertThat(byName.get("User Id").type()).isEqualTo(ColumnType.TEXT);
    assertThat(byName.get("logins count").type()).isEqualTo(ColumnType.INTEGER);
    assertThat(byName.get("Email Verified").type()).isEqualTo(ColumnType.BOOLEAN);
    assertThat(byName.get("2fa score").type()).isEqualTo(ColumnType.DECIMAL);
    assertThat(byName.get("Created At").type()).isEqualTo(ColumnType.DATE_TIME);
    assertThat(byName.get("Created At").storedFormat()).isEqualTo("CCYYMMDD HHMMSS");
    assertThat(byName.get("Birthday").type()).isEqualTo(ColumnType.DATE);
    assertThat(byName.get("Always Empty").valueCount()).isZero();
    assertThat(byName.get("Always Empty").nullCount()).isEqualTo(1000);
    assertThat(byName.get("Email").nullCount()).isEqualTo(143);
    try (CsvReader r = CsvFormat.CSV.openReader(pkg.dataFiles().get(0).path())) {
      List<String> first = r.next();
      assertThat(first.get(6)).isEqualTo("20240301 093000");
      assertThat(first.get(7)).isEqualTo("19900101");
    }
    String json = Files.readString(pkg.columnsFile());
    assertThat(json)
        .contains(
            "\"name\": \"Created_At\", \"source\": \"Created At\", \"type\": \"date-time\", \"maxLength\": 15");
    assertThat(json).doesNotContain("Example.com").doesNotContain("Zoë");
    for (ColumnSpec c : pkg.columns()) {
      assertThat(c.sample()).doesNotContain("@").doesNotContain("auth0|");
    }
  }

  @Test
  void settingsSheetNamesEveryColumnAndSetting() throws IOException {
    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Auth0Users")
            .format(CsvFormat.TSV)
            .importMode(AlterianImportPackager.ImportMode.UPDATE)
            .keyColumn("Email")
            .build()
            .pack(export(200, CsvFormat.CSV, 0), dir.resolve("pkg"));
    String sheet = Files.readString(pkg.settingsFile());
    for (ColumnSpec c : pkg.columns()) {
      assertThat(sheet).contains(c.name());
    }
    assertThat(sheet)
        .contains("Auth0Users.tsv")
        .contains("Field delimiter")
        .contains("Tab")
        .contains(
            "Text qualifier ..... Double quote (\")"
                .replace(" .....", " " + ".".repeat(24 - "Text qualifier".length())))
        .contains("First row has names")
        .contains("Rows to skip")
        .contains("UTF-8")
        .contains("CCYYMMDD HHMMSS")
        .contains("Target table")
        .contains("Update: rows with the same key column")
        .contains("Key column .............. Email")
        .contains("Run Processes")
        .contains("\"Given Name\" -> Given_Name")
        .doesNotContain("Example.com");
  }

  @Test
  void typeInferenceEdgeCases() {
    ColumnStats mixed = new ColumnStats();
    List.of("1", "2.5", "", "-3").forEach(mixed::add);
    assertThat(mixed.type()).isEqualTo(ColumnType.DECIMAL);
    assertThat(mixed.nulls).isEqualTo(1);
    ColumnStats zip = new ColumnStats();
    List.of("01234", "99999").forEach(zip::add);
    assertThat(zip.type()).isEqualTo(ColumnType.TEXT);
    ColumnStats bool = new ColumnStats();
    List.of("TRUE", "false", "").forEach(bool::add);
    assertThat(bool.type()).isEqualTo(ColumnType.BOOLEAN);
    ColumnStats times = new ColumnStats();
    List.of("2024-03-01T09:30:00Z", "2024-03-01T09:30:00.125+02:00", "2024-03-01T09:30")
        .forEach(times::add);
    assertThat(times.type()).isEqualTo(ColumnType.DATE_TIME);
    ColumnStats badDate = new ColumnStats();
    List.of("2024-02-30").forEach(badDate::add);
    assertThat(badDate.type()).isEqualTo(ColumnType.TEXT);
    ColumnStats empty = new ColumnStats();
    List.of("", "").forEach(empty::add);
    assertThat(empty.type()).isEqualTo(ColumnType.TEXT);
    assertThat(empty.sample(ColumnType.TEXT, -1)).isEqualTo("no values");
    assertThat(PackRun.alterianDate("2024-03-01T23:30:00.999-01:00", ColumnType.DATE_TIME))
        .isEqualTo("20240302 003000");
  }

  @Test
  void columnNamesAreMadeSafeUniqueAndShort() {
    assertThat(
            ColumnNames.safe(
                List.of("Email", "email", "Zoë's plan", "", "123", "a  b", "x".repeat(40)), 30))
        .containsExactly(
            "Email", "email_2", "Zoe_s_plan", "Column_4", "C_123", "a_b", "x".repeat(30));
  }

  @Test
  void codePageReportsCharactersItCannotHold() throws IOException {
    ExportResult export = export(300, CsvFormat.CSV, 0);
    AlterianImportPackager strict =
        AlterianImportPackager.builder()
            .tableName("Users")
            .encoding(Charset.forName("windows-1252"))
            .build();
    assertThatThrownBy(() -> strict.pack(export, dir.resolve("strict")))
        .isInstanceOf(AlterianException.class)
        .hasMessageContaining("windows-1252")
        .hasMessageContaining("'Given Name'")
        .hasMessageNotContaining("Łukasz");
    assertThat(dir.resolve("strict")).doesNotExist();

    AlterianPackage pkg =
        strict.toBuilder()
            .unencodable(AlterianImportPackager.UnencodablePolicy.SKIP_ROW)
            .build()
            .pack(export, dir.resolve("lenient"));
    List<List<String>> input = readAll(CsvFormat.CSV, export.paths());
    long unencodable =
        input.stream().filter(r -> r.get(2).equals("Łukasz") || r.get(2).equals("山田")).count();
    assertThat(pkg.skippedRows())
        .hasSize((int) unencodable)
        .allMatch(s -> s.column().equals("Given Name"));
    assertThat(pkg.rows() + pkg.skippedRows().size()).isEqualTo(300);
    assertThat(Files.readString(pkg.dataFiles().get(0).path(), Charset.forName("windows-1252")))
        .contains("Zoë");
    assertThat(Files.readString(pkg.settingsFile()))
        .contains("Rows left out (" + unencodable + ")");
  }

  @Test
  void zipVariantHoldsThePackageWithChecksumsBeside() throws Exception {
    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Users")
            .zip(true)
            .build()
            .pack(export(100, CsvFormat.CSV, 0), dir.resolve("zipped"));
    Path zip = pkg.zipFile().orElseThrow();
    try (Stream<Path> files = Files.list(pkg.directory())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("Users.zip", "SHA256SUMS");
    }
    assertThat(Files.readString(pkg.checksumsFile()))
        .isEqualTo(sha256(Files.readAllBytes(zip)) + "  Users.zip\n");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    assertThat(entries.keySet())
        .containsExactly("Users.csv", "columns.json", "IMPORT-SETTINGS.txt", "SHA256SUMS");
    for (String line : new String(entries.get("SHA256SUMS"), StandardCharsets.UTF_8).split("\n")) {
      String[] parts = line.split("  ", 2);
      assertThat(sha256(entries.get(parts[1]))).isEqualTo(parts[0]);
    }
  }

  @Test
  void splitsDataBelowASizeLimit() throws IOException {
    AlterianPackage pkg =
        AlterianImportPackager.builder()
            .tableName("Users")
            .maxFileBytes(20_000)
            .build()
            .pack(export(1000, CsvFormat.CSV, 0), dir.resolve("parts"));
    assertThat(pkg.dataFiles()).hasSizeGreaterThan(3);
    assertThat(pkg.dataFiles().get(0).path().getFileName().toString()).isEqualTo("Users-001.csv");
    for (AlterianPackage.DataFile f : pkg.dataFiles()) {
      assertThat(Files.size(f.path())).isEqualTo(f.bytes()).isLessThanOrEqualTo(20_000);
    }
    assertThat(pkg.rows()).isEqualTo(1000);
  }

  @Test
  void rowsThatDoNotMatchTheHeaderAreAClearError() throws IOException {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "a,b,c\n1,2,3\n4,5\n");
    AlterianImportPackager packager = AlterianImportPackager.builder().tableName("T").build();
    assertThatThrownBy(() -> packager.pack(CsvFormat.CSV, dir.resolve("out"), bad))
        .isInstanceOf(AlterianException.class)
        .hasMessageContaining("bad.csv, data row 2")
        .hasMessageContaining("2 values, but the header has 3");
    assertThat(dir.resolve("out")).doesNotExist();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("bad.csv");
    }
  }

  @Test
  void anUnreadableEncodingIsAClearError() throws IOException {
    Path latin = dir.resolve("latin.csv");
    Files.write(latin, "name\nZo\u00eb\n".getBytes(Charset.forName("ISO-8859-1")));
    AlterianImportPackager packager = AlterianImportPackager.builder().tableName("T").build();
    assertThatThrownBy(() -> packager.pack(CsvFormat.CSV, dir.resolve("out"), latin))
        .isInstanceOf(AlterianException.class)
        .hasMessageContaining("cannot be read as UTF-8");
  }

  @Test
  void aNonEmptyOutputDirectoryIsRefusedUnlessOverwriteIsAsked() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("old.txt"), "keep me");
    ExportResult export = export(10, CsvFormat.CSV, 0);
    AlterianImportPackager packager = AlterianImportPackager.builder().tableName("T").build();
    assertThatThrownBy(() -> packager.pack(export, out))
        .isInstanceOf(AlterianException.class)
        .hasMessageContaining("not empty");
    assertThat(Files.readString(out.resolve("old.txt"))).isEqualTo("keep me");
    AlterianPackage pkg = packager.toBuilder().overwrite(true).build().pack(export, out);
    assertThat(out.resolve("old.txt")).doesNotExist();
    assertThat(pkg.rows()).isEqualTo(10);
  }

  @Test
  void builderRefusesUnsafeSettings() {
    assertThatThrownBy(() -> AlterianImportPackager.builder().build())
        .hasMessageContaining("table name");
    assertThatThrownBy(() -> AlterianImportPackager.builder().tableName("Auth0 Users").build())
        .hasMessageContaining("Auth0_Users");
    // the table name names the data files and the zip entries: it cannot leave the package folder
    for (String escape : new String[] {"../Users", "a/b", "..\\Users", "/etc/Users", "Users."}) {
      assertThatThrownBy(() -> AlterianImportPackager.builder().tableName(escape).build())
          .as(escape)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(
            () ->
                AlterianImportPackager.builder()
                    .tableName("T")
                    .importMode(AlterianImportPackager.ImportMode.UPDATE)
                    .build())
        .hasMessageContaining("key column");
  }
}
