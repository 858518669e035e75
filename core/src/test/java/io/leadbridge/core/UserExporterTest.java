package io.leadbridge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.ValueFormat;
import io.leadbridge.core.source.SourceException;
import io.leadbridge.core.source.UserSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class UserExporterTest {
  @TempDir Path dir;

  /** Values that break naive CSV writers. */
  static final List<String> TRICKY =
      List.of(
          "plain",
          "comma, inside",
          "semi;colon",
          "tab\tinside",
          "say \"hi\"",
          "\"",
          "line\nfeed",
          "carriage\rreturn",
          "crlf\r\nend",
          "=SUM(A1:A2)",
          "+33 1 23",
          "-5",
          "@handle",
          " leading space",
          "trailing space ",
          "emoji 😀 and 𝄞",
          "Zoë Ångström",
          "",
          "#hash",
          "'quote");

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of("CSV", CsvFormat.CSV),
        Arguments.of("TSV", CsvFormat.TSV),
        Arguments.of("SSV", CsvFormat.SSV),
        Arguments.of(
            "CSV quote-all", CsvFormat.CSV.toBuilder().quoteMode(CsvFormat.QuoteMode.ALL).build()),
        Arguments.of(
            "TSV quote-all LF",
            CsvFormat.TSV.toBuilder()
                .quoteMode(CsvFormat.QuoteMode.ALL)
                .recordSeparator("\n")
                .build()));
  }

  private static List<Map<String, Object>> trickyUsers() {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < TRICKY.size(); i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("a", TRICKY.get(i));
      u.put("b", TRICKY.get(TRICKY.size() - 1 - i));
      u.put("c", i % 3 == 0 ? null : TRICKY.get((i * 7) % TRICKY.size()));
      users.add(u);
    }
    return users;
  }

  public static List<CSVRecord> parse(Path file, CsvFormat format) throws IOException {
    CSVFormat commons =
        CSVFormat.Builder.create(CSVFormat.RFC4180).setDelimiter(format.delimiter()).get();
    try (Reader r = Files.newBufferedReader(file, format.charset());
        CSVParser parser = CSVParser.builder().setReader(r).setFormat(commons).get()) {
      return parser.getRecords();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void roundTripsTrickyValuesThroughCommonsCsv(String name, CsvFormat format) throws IOException {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("user_id", "id")
            .column("a", "a")
            .column("b", "b")
            .column("c", "c")
            .build();
    UserExporter exporter = UserExporter.builder().mapping(mapping).format(format).build();
    List<Map<String, Object>> users = trickyUsers();

    ExportResult result =
        exporter.export(UserSource.of(users), dir.resolve("out." + format.fileExtension()));

    assertThat(result.rowsWritten()).isEqualTo(users.size());
    List<CSVRecord> records = parse(result.files().get(0).path(), format);
    assertThat(records.get(0).values()).containsExactly("id", "a", "b", "c");
    for (int i = 0; i < users.size(); i++) {
      Map<String, Object> u = users.get(i);
      Object c = u.get("c");
      assertThat(records.get(i + 1).values())
          .as("row %d", i)
          .containsExactly(
              (String) u.get("user_id"),
              (String) u.get("a"),
              (String) u.get("b"),
              c == null ? "" : (String) c);
    }
    assertThat(records).hasSize(users.size() + 1);
  }

  @Test
  void splitsAtRecordBoundaryBelowMaxBytes() throws IOException {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      users.add(
          Map.of(
              "user_id",
              "auth0|" + i,
              "email",
              "user" + i + "@example.com",
              "note",
              TRICKY.get(i % TRICKY.size())));
    }
    FieldMapping mapping =
        FieldMapping.builder()
            .column("user_id", "id")
            .column("email", "email")
            .column("note", "note")
            .build();
    long max = 4_000;
    UserExporter exporter =
        UserExporter.builder().mapping(mapping).format(CsvFormat.TSV).maxFileBytes(max).build();

    ExportResult result = exporter.export(UserSource.of(users), dir.resolve("users.tsv"));

    assertThat(result.files()).hasSizeGreaterThan(10);
    assertThat(result.files().get(0).path().getFileName().toString()).isEqualTo("users-001.tsv");
    long rows = 0;
    List<String> ids = new ArrayList<>();
    for (ExportedFile f : result.files()) {
      assertThat(Files.size(f.path())).isEqualTo(f.bytes()).isLessThanOrEqualTo(max);
      List<CSVRecord> records = parse(f.path(), CsvFormat.TSV);
      assertThat(records.get(0).values()).containsExactly("id", "email", "note");
      assertThat(records).hasSize((int) f.rows() + 1);
      records.stream().skip(1).forEach(r -> ids.add(r.get(0)));
      rows += f.rows();
    }
    assertThat(rows).isEqualTo(result.rowsWritten()).isEqualTo(2000);
    assertThat(ids)
        .containsExactlyElementsOf(users.stream().map(u -> (String) u.get("user_id")).toList());
    assertThat(result.bytesWritten())
        .isEqualTo(result.files().stream().mapToLong(ExportedFile::bytes).sum());
  }

  @Test
  void aSinglePartKeepsTheNameGiven() {
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.auth0Defaults())
            .maxFileBytes(9_500_000)
            .build()
            .export(UserSource.of(List.of(Map.of("user_id", "a"))), dir.resolve("users.csv"));
    assertThat(result.paths()).containsExactly(dir.resolve("users.csv"));
  }

  @Test
  void rejectsMalformedLinesMissingRequiredAndOversizedRowsWithLineAndReason() throws IOException {
    Path input = dir.resolve("in.ndjson");
    Files.writeString(
        input,
        String.join(
            "\n",
            "{\"user_id\":\"auth0|1\",\"email\":\"a@example.com\"}",
            "{not json",
            "{\"user_id\":\"google-oauth2|2\"}",
            "{\"user_id\":\"auth0|3\",\"email\":\"" + "x".repeat(500) + "@example.com\"}",
            "{\"user_id\":\"auth0|4\",\"email\":\"d@example.com\",\"created_at\":\"yesterday\"}",
            "{\"user_id\":\"auth0|5\",\"email\":\"e@example.com\"}"),
        StandardCharsets.UTF_8);
    FieldMapping mapping =
        FieldMapping.builder()
            .column("user_id", "id")
            .column("email", "email")
            .column("created_at", "created", ValueFormat.isoInstant())
            .required("email")
            .build();
    UserExporter exporter = UserExporter.builder().mapping(mapping).maxFileBytes(200).build();

    ExportResult result;
    try (UserSource source = UserSource.ndjson(input)) {
      result = exporter.export(source, dir.resolve("out.csv"));
    }

    assertThat(result.entriesRead()).isEqualTo(6);
    assertThat(result.rowsWritten()).isEqualTo(2);
    assertThat(result.rowsRejected()).isEqualTo(4);
    assertThat(result.rejections())
        .extracting(Rejection::position, Rejection::userId, Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, null, Rejection.Reason.MALFORMED_INPUT),
            org.assertj.core.groups.Tuple.tuple(
                3L, "google-oauth2|2", Rejection.Reason.MISSING_REQUIRED),
            org.assertj.core.groups.Tuple.tuple(4L, "auth0|3", Rejection.Reason.ROW_TOO_LARGE),
            org.assertj.core.groups.Tuple.tuple(5L, "auth0|4", Rejection.Reason.INVALID_VALUE));
    assertThat(result.rejections().get(1).detail()).contains("email");
    assertThat(result.rejections().get(3).detail()).contains("created").doesNotContain("yesterday");
    assertThat(result.rejectionCounts()).containsEntry(Rejection.Reason.MALFORMED_INPUT, 1L);
    List<String> lines = Files.readAllLines(result.rejectionsFile().orElseThrow());
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).isEqualTo("position\tuser_id\treason\tdetail");
    assertThat(lines.get(2)).startsWith("3\tgoogle-oauth2|2\tMISSING_REQUIRED\t");
  }

  @Test
  void aUserIdThatIsNotWellFormedTextIsRejectedAndListedNotFatal() throws IOException {
    Path input = dir.resolve("broken-ids.ndjson");
    Files.writeString(
        input,
        "{\"user_id\":\"auth0|\\ud800x\",\"email\":\"a@example.com\"}\n"
            + "{\"user_id\":\"auth0|\\ud800y\"}\n"
            + "{\"user_id\":\"auth0|2\",\"email\":\"c@example.com\"}\n",
        StandardCharsets.UTF_8);
    UserExporter exporter =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").required("email").build())
            .build();

    ExportResult result;
    try (UserSource source = UserSource.ndjson(input)) {
      result = exporter.export(source, dir.resolve("out.csv"));
    }

    assertThat(result.entriesRead()).isEqualTo(3);
    assertThat(result.rowsWritten()).isEqualTo(2);
    assertThat(result.rejections())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.MISSING_REQUIRED));
    List<String> lines = Files.readAllLines(result.rejectionsFile().orElseThrow());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("2\tauth0|\uFFFDy\tMISSING_REQUIRED");
  }

  @Test
  void keepsRowKeysToTraceRowsBackToUsers() {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(Map.of("user_id", "auth0|" + i, "email", "u" + i + "@example.com"));
    }
    ExportResult result =
        UserExporter.builder()
            .mapping(
                FieldMapping.builder().column("email", "email").column("user_id", "id").build())
            .maxFileBytes(300)
            .build()
            .export(UserSource.of(users), dir.resolve("users.csv"));

    RowKeys keys = result.rowKeys().orElseThrow();
    assertThat(keys.keyColumn()).isEqualTo("email");
    List<RowKeys.RowKey> all = new ArrayList<>();
    keys.forEach(all::add);
    assertThat(all).hasSize(50);
    assertThat(all.get(0)).isEqualTo(new RowKeys.RowKey(1, 1, "auth0|0", "u0@example.com"));
    RowKeys.RowKey last = all.get(49);
    assertThat(last.part()).isEqualTo(result.files().size());
    assertThat(last.row()).isEqualTo(result.files().get(result.files().size() - 1).rows());
    assertThat(keys.userIdsByKey(List.of("u7@example.com", "nobody@example.com")))
        .containsOnly(Map.entry("u7@example.com", List.of("auth0|7")));
    assertThat(RowKeys.open(keys.file()).keyColumn()).isEqualTo("email");
    assertThat(keys.find(last.part(), last.row()).orElseThrow().userId()).isEqualTo("auth0|49");
    assertThat(keys.find(last.part(), last.row() + 1)).isEmpty();
  }

  @Test
  void filesAreOwnerOnlyAndNoTemporaryFileRemains() throws IOException {
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.auth0Defaults())
            .build()
            .export(
                UserSource.of(List.of(Map.of("user_id", "a"), Map.of("bad", new Object()))),
                dir.resolve("users.csv"));
    for (Path p :
        List.of(
            result.files().get(0).path(),
            result.rowKeys().orElseThrow().file(),
            result.rejectionsFile().orElseThrow())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rw-------");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("users.csv", "users.csv.rowkeys", "users.csv.rejections");
    }
  }

  @Test
  void failPolicyStopsAtFirstRejectionAndLeavesNothing() throws IOException {
    UserExporter exporter =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").required("email").build())
            .rejectionPolicy(RejectionPolicy.FAIL)
            .build();
    List<Map<String, Object>> users =
        List.of(Map.of("email", "a@example.com"), Map.of("user_id", "social|1"));
    assertThatThrownBy(() -> exporter.export(UserSource.of(users), dir.resolve("users.csv")))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("position 2")
        .hasMessageContaining("social|1")
        .hasMessageContaining("FAIL");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aSourceFailureMidwayLeavesNothingInPlace() throws IOException {
    Path input = dir.resolve("open.json");
    Files.writeString(input, "[{\"user_id\":\"a\"},{\"user_id\":\"b\"}");
    Path out = dir.resolve("out");
    UserExporter exporter = UserExporter.builder().mapping(FieldMapping.auth0Defaults()).build();
    try (UserSource source = UserSource.jsonArray(input)) {
      assertThatThrownBy(() -> exporter.export(source, out.resolve("users.csv")))
          .isInstanceOf(SourceException.class);
    }
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aSmallerExportRemovesThePartsAnEarlierExportOfTheSameNameLeft() throws IOException {
    FieldMapping mapping = FieldMapping.builder().column("email", "email").build();
    UserExporter exporter =
        UserExporter.builder().mapping(mapping).format(CsvFormat.TSV).maxFileBytes(100).build();
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(Map.of("user_id", "auth0|" + i, "email", "user" + i + "@example.com"));
    }
    Path out = dir.resolve("users.tsv");
    Files.writeString(dir.resolve("users-notes.tsv"), "mine");
    Files.writeString(dir.resolve("other-001.tsv"), "mine");
    assertThat(exporter.export(UserSource.of(many), out).files()).hasSizeGreaterThan(3);

    ExportResult fewer = exporter.export(UserSource.of(many.subList(0, 6)), out);
    assertThat(fewer.files()).hasSize(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "users-001.tsv",
              "users-002.tsv",
              "users.tsv.rowkeys",
              "users-notes.tsv",
              "other-001.tsv");
    }
    ExportResult one = exporter.export(UserSource.of(many.subList(0, 1)), out);
    assertThat(one.paths()).containsExactly(out.toAbsolutePath());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "users.tsv", "users.tsv.rowkeys", "users-notes.tsv", "other-001.tsv");
    }
  }

  @Test
  void mergesUsersSharingAnEmailOnlyWhenAsked() {
    List<Map<String, Object>> users =
        List.of(
            Map.of("user_id", "auth0|1", "email", "a@example.com"),
            Map.of("user_id", "google|2", "email", "A@example.com"));
    FieldMapping mapping = FieldMapping.builder().column("email", "email").build();
    UserExporter plain = UserExporter.builder().mapping(mapping).build();
    assertThat(plain.export(UserSource.of(users), dir.resolve("a.csv")).rowsWritten()).isEqualTo(2);
    UserExporter merging = plain.toBuilder().mergePolicy(MergePolicy.FIRST).build();
    ExportResult merged = merging.export(UserSource.of(users), dir.resolve("b.csv"));
    assertThat(merged.rowsWritten()).isEqualTo(1);
    assertThat(merged.rowsMerged()).isEqualTo(1);
    assertThat(merged.toString()).contains("merged=1").doesNotContain("example.com");
    assertThatThrownBy(() -> merging.export(UserSource.of(users), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("export to a Path");
    assertThatThrownBy(
            () ->
                UserExporter.builder()
                    .mapping(FieldMapping.builder().column("given_name", "firstName").build())
                    .mergePolicy(MergePolicy.FIRST)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyColumn");
  }

  @Test
  void exportsOneUnsplitStream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Map<String, Object>> users =
        List.of(Map.of("email", "a@example.com"), Map.of("email", "b@example.com"));
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").build())
            .format(CsvFormat.TSV)
            .maxFileBytes(30)
            .build()
            .export(UserSource.of(users), out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("email\r\na@example.com\r\nb@example.com\r\n");
    assertThat(result.files()).isEmpty();
    assertThat(result.rowKeys()).isEmpty();
    assertThat(result.rowsWritten()).isEqualTo(2);
  }

  @Test
  void charactersTheCharsetCannotHoldAreRejectedNotReplaced() throws IOException {
    CsvFormat latin = CsvFormat.CSV.toBuilder().charset(Charset.forName("windows-1252")).build();
    List<Map<String, Object>> users =
        List.of(Map.of("user_id", "a", "name", "Zoë"), Map.of("user_id", "b", "name", "Łukasz 😀"));
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("user_id", "id").column("name", "name").build())
            .format(latin)
            .build()
            .export(UserSource.of(users), dir.resolve("users.csv"));
    assertThat(result.rowsWritten()).isEqualTo(1);
    assertThat(result.rejections().get(0).reason()).isEqualTo(Rejection.Reason.UNENCODABLE);
    assertThat(result.rejections().get(0).detail()).contains("'name'").doesNotContain("Łukasz");
    assertThat(Files.readString(result.files().get(0).path(), latin.charset()))
        .isEqualTo("id,name\r\na,Zoë\r\n");
  }

  @Test
  void writesAByteOrderMarkOnlyWhenAsked() throws IOException {
    CsvFormat bom = CsvFormat.CSV.toBuilder().byteOrderMark(true).build();
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").build())
            .format(bom)
            .maxFileBytes(39)
            .build()
            .export(
                UserSource.of(
                    List.of(Map.of("email", "a@example.com"), Map.of("email", "b@example.com"))),
                dir.resolve("u.csv"));
    for (ExportedFile f : result.files()) {
      byte[] bytes = Files.readAllBytes(f.path());
      assertThat(bytes).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
      assertThat(bytes.length).isLessThanOrEqualTo(39);
    }
    assertThat(result.files()).hasSize(2);
  }

  @Test
  void reportsProgressEndingWithDone() {
    List<ExportProgress> reports = new ArrayList<>();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      users.add(Map.of("email", i + "@example.com"));
    }
    UserExporter.builder()
        .mapping(FieldMapping.builder().column("email", "email").build())
        .listener(reports::add)
        .build()
        .export(UserSource.of(users), dir.resolve("u.csv"));
    assertThat(reports.size()).isGreaterThan(2);
    ExportProgress last = reports.get(reports.size() - 1);
    assertThat(last.done()).isTrue();
    assertThat(last.rowsWritten()).isEqualTo(10_000);
    assertThat(reports.subList(0, reports.size() - 1)).noneMatch(ExportProgress::done);
  }

  @Test
  void aKeyThatIsNotOneValueRejectsTheUserAndSurroundingSpaceIsTrimmed() throws IOException {
    List<Map<String, Object>> users = new ArrayList<>();
    users.add(Map.of("user_id", "auth0|1", "email", List.of("a@x.com", "b@x.com")));
    users.add(Map.of("user_id", "auth0|2", "email", Map.of("work", "a@x.com")));
    users.add(Map.of("user_id", "auth0|3", "email", 42L));
    users.add(Map.of("user_id", "auth0|4", "email", true));
    users.add(Map.of("user_id", "auth0|5", "email", " five@x.com\t"));
    users.add(Map.of("user_id", "auth0|6", "email", "FIVE@x.com"));
    users.add(Map.of("user_id", "auth0|7", "email", "seven@x.com"));
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").build())
            .mergePolicy(MergePolicy.FIRST)
            .build()
            .export(UserSource.of(users), dir.resolve("u.csv"));
    assertThat(result.rejections())
        .extracting(Rejection::userId, Rejection::reason)
        .containsExactly(
            tuple("auth0|1", Rejection.Reason.INVALID_KEY),
            tuple("auth0|2", Rejection.Reason.INVALID_KEY),
            tuple("auth0|3", Rejection.Reason.INVALID_KEY),
            tuple("auth0|4", Rejection.Reason.INVALID_KEY));
    assertThat(result.rejections().get(0).detail())
        .isEqualTo("the key column 'email' holds an array at 'email', not one value");
    assertThat(result.rejections().get(1).detail()).contains("an object");
    assertThat(result.rejections().get(2).detail()).contains("a number", "not an email address");
    assertThat(result.rejections().get(3).detail()).contains("a boolean");
    assertThat(result.rejections()).allSatisfy(r -> assertThat(r.detail()).doesNotContain("@"));
    // the trimmed key merges with its twin that differs only in case
    assertThat(result.merges())
        .extracting(Merge::userId, Merge::keptUserId)
        .containsExactly(tuple("auth0|6", "auth0|5"));
    assertThat(parse(dir.resolve("u.csv"), CsvFormat.CSV))
        .extracting(r -> r.get(0))
        .containsExactly("email", "five@x.com", "seven@x.com");
    List<String> keys = new ArrayList<>();
    result.rowKeys().orElseThrow().forEach(k -> keys.add(k.key()));
    assertThat(keys).containsExactly("five@x.com", "seven@x.com");
  }

  @Test
  void aControlCharacterSuchAsAnEscapedNulRejectsTheUserInsteadOfReachingTheFile()
      throws IOException {
    Path input = dir.resolve("nul.json");
    Files.writeString(
        input,
        "{\"user_id\":\"a\",\"email\":\"a@x.com\",\"name\":\"A\\u0000B\"}\n"
            + "{\"user_id\":\"b\",\"email\":\"b@x.com\",\"name\":\"tab\\there\"}\n");
    ExportResult result;
    try (UserSource source = UserSource.ndjson(input)) {
      result =
          UserExporter.builder()
              .mapping(
                  FieldMapping.builder().column("email", "email").column("name", "name").build())
              .format(CsvFormat.TSV)
              .build()
              .export(source, dir.resolve("u.tsv"));
    }
    assertThat(result.rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.userId()).isEqualTo("a");
              assertThat(r.reason()).isEqualTo(Rejection.Reason.INVALID_VALUE);
              assertThat(r.detail()).contains("column 'name'", "control character");
            });
    byte[] written = Files.readAllBytes(dir.resolve("u.tsv"));
    for (byte b : written) {
      assertThat(b).isNotZero();
    }
    assertThat(result.rowsWritten()).isEqualTo(1);
  }

  @Test
  void aUserIdReadTwiceIsWrittenOnceWhenMergingNotMergedIntoItself() throws IOException {
    List<Map<String, Object>> users =
        List.of(
            Map.of("user_id", "auth0|1", "email", "one@x.com"),
            Map.of("user_id", "auth0|2", "email", "two@x.com"),
            Map.of("user_id", "auth0|2", "email", "two@x.com"),
            Map.of("user_id", "auth0|3", "email", "three@x.com"),
            Map.of("user_id", "auth0|3", "email", "other@x.com"),
            Map.of("email", "noid@x.com"));
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").build())
            .mergePolicy(MergePolicy.FIRST)
            .build()
            .export(UserSource.of(users), dir.resolve("u.csv"));
    assertThat(result.merges()).isEmpty();
    assertThat(result.rejections())
        .extracting(Rejection::position, Rejection::userId, Rejection::reason)
        .containsExactlyInAnyOrder(
            tuple(3L, "auth0|2", Rejection.Reason.DUPLICATE_USER_ID),
            tuple(5L, "auth0|3", Rejection.Reason.DUPLICATE_USER_ID));
    assertThat(parse(dir.resolve("u.csv"), CsvFormat.CSV))
        .extracting(r -> r.get(0))
        .containsExactly("email", "one@x.com", "two@x.com", "three@x.com", "noid@x.com");
    assertThat(result.entriesRead())
        .isEqualTo(result.rowsWritten() + result.rowsRejected() + result.rowsMerged());
  }

  @Test
  void aNumberIsAPlausibleKeyWhenTheKeyColumnIsNotAnEmail() {
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("app_metadata.crm_id", "crmId").build())
            .keyColumn("crmId")
            .build()
            .export(
                UserSource.of(List.of(Map.of("app_metadata", Map.of("crm_id", 1234L)))),
                dir.resolve("ids.csv"));
    assertThat(result.rowsWritten()).isEqualTo(1);
    assertThat(result.rowsRejected()).isZero();
  }

  @Test
  void aListenerThatThrowsIsIgnoredAndTheExportFinishes() throws IOException {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      users.add(Map.of("email", i + "@example.com"));
    }
    int[] calls = new int[1];
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").build())
            .listener(
                p -> {
                  calls[0]++;
                  throw new IllegalStateException("listener bug");
                })
            .build()
            .export(UserSource.of(users), dir.resolve("u.csv"));
    assertThat(calls[0]).isGreaterThan(2);
    assertThat(result.rowsWritten()).isEqualTo(10_000);
    assertThat(parse(dir.resolve("u.csv"), CsvFormat.CSV)).hasSize(10_001);
  }

  @Test
  void builderRefusesWhatCannotWork() {
    assertThatThrownBy(() -> UserExporter.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mapping");
    assertThatThrownBy(
            () ->
                UserExporter.builder()
                    .mapping(FieldMapping.auth0Defaults())
                    .keyColumn("nope")
                    .build())
        .hasMessageContaining("'nope'");
    assertThatThrownBy(
            () ->
                UserExporter.builder()
                    .mapping(FieldMapping.auth0Defaults())
                    .maxFileBytes(50)
                    .build())
        .hasMessageContaining("header");
  }

  @Test
  void auth0DefaultsExportAnAuth0Profile() throws IOException {
    Map<String, Object> profile = new HashMap<>();
    profile.put("user_id", "auth0|65f");
    profile.put("email", "Jane.Doe@Example.com");
    profile.put("email_verified", true);
    profile.put("given_name", "Jane");
    profile.put("family_name", "Doe");
    profile.put("name", "Jane Doe");
    profile.put("nickname", "jane");
    profile.put("picture", "https://example.com/j.png");
    profile.put(
        "identities",
        List.of(Map.of("connection", "Username-Password-Authentication", "provider", "auth0")));
    profile.put("created_at", "2024-03-01T09:30:00.125Z");
    profile.put("updated_at", "2024-03-02T10:00:00.000Z");
    ExportResult result =
        UserExporter.builder()
            .mapping(FieldMapping.auth0Defaults())
            .format(CsvFormat.TSV)
            .build()
            .export(UserSource.of(List.of(profile)), dir.resolve("users.tsv"));
    List<String> lines = Files.readAllLines(result.files().get(0).path());
    assertThat(lines.get(0))
        .isEqualTo(
            "Id\tGiven Name\tFamily Name\tNickname\tName\tEmail\tEmail Verified\tPicture\tConnection\tCreated At\tUpdated At");
    assertThat(lines.get(1))
        .isEqualTo(
            "auth0|65f\tJane\tDoe\tjane\tJane Doe\tJane.Doe@Example.com\ttrue\thttps://example.com/j.png\tUsername-Password-Authentication\t2024-03-01T09:30:00.125Z\t2024-03-02T10:00:00.000Z");
  }

  @Test
  void computedColumnsSeeEveryPropertyOfAFileRecord() throws IOException {
    Path input = dir.resolve("in.ndjson");
    Files.writeString(
        input, "{\"user_id\":\"a\",\"email\":\"a@example.com\",\"app_metadata\":{\"tier\":3}}\n");
    FieldMapping pathsOnly = FieldMapping.builder().column("email", "email").build();
    FieldMapping computed =
        pathsOnly.toBuilder().computed("tier", r -> r.get("app_metadata.tier")).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (UserSource source = UserSource.ndjson(input)) {
      UserExporter.builder().mapping(computed).build().export(source, out);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("email,tier\r\na@example.com,3\r\n");
    out.reset();
    try (UserSource source = UserSource.ndjson(input)) {
      UserExporter.builder().mapping(pathsOnly).build().export(source, out);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("email\r\na@example.com\r\n");
  }

  @Test
  void aPathThatNeverMatchesIsReportedOnceNotPerRow() {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      users.add(Map.of("email", i + "@example.com", "user_metadata", Map.of("plan", "pro")));
    }
    ExportResult result =
        UserExporter.builder()
            .mapping(
                FieldMapping.builder()
                    .column("email", "email")
                    .column("user_metadata.plna", "plan")
                    .constant("source", "")
                    .build())
            .build()
            .export(UserSource.of(users), new ByteArrayOutputStream());
    assertThat(result.emptyColumns()).containsExactly("plan");
    assertThat(result.rowsWritten()).isEqualTo(100);
  }
}
