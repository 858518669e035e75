package io.leadbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.source.UserRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldMappingTest {
  @TempDir Path dir;

  private static UserRecord user(Map<String, ?> values) {
    return UserRecord.of(1, values);
  }

  @Test
  void mapsPathsComputedAndConstantColumnsInOrder() {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("email", "email")
            .column("identities[0].connection", "connection")
            .computed("domain", r -> ((String) r.get("email")).split("@")[1])
            .constant("leadSource", "Auth0")
            .column("app_metadata.roles", "roles", ValueFormat.join(";"))
            .column("user_metadata", "meta")
            .build();
    List<String> row =
        mapping.apply(
            user(
                Map.of(
                    "email",
                    "a@example.com",
                    "identities",
                    List.of(Map.of("connection", "db")),
                    "app_metadata",
                    Map.of("roles", List.of("admin", "editor")),
                    "user_metadata",
                    new java.util.TreeMap<>(Map.of("plan", "pro", "seats", 3)))));
    assertThat(mapping.header())
        .containsExactly("email", "connection", "domain", "leadSource", "roles", "meta");
    assertThat(row)
        .containsExactly(
            "a@example.com",
            "db",
            "example.com",
            "Auth0",
            "admin;editor",
            "{\"plan\":\"pro\",\"seats\":3}");
    assertThat(mapping.rootProperties())
        .containsExactly("email", "identities", "app_metadata", "user_metadata");
    assertThat(mapping.hasComputedColumns()).isTrue();
  }

  @Test
  void defaultFormattingOfScalars() {
    FieldMapping mapping =
        FieldMapping.builder()
            .column("n", "n")
            .column("d", "d")
            .column("b", "b")
            .column("missing", "m")
            .column("nul", "z")
            .build();
    Map<String, Object> values = new java.util.HashMap<>();
    values.put("n", 12345678901234L);
    values.put("d", new java.math.BigDecimal("1E+3"));
    values.put("b", false);
    values.put("nul", null);
    assertThat(mapping.apply(user(values)))
        .containsExactly("12345678901234", "1000", "false", "", "");
  }

  @Test
  void requiredValuesMustBePresentAndNotBlank() {
    FieldMapping mapping =
        FieldMapping.builder().column("email", "email").required("email", "user_id").build();
    assertThatThrownBy(() -> mapping.apply(user(Map.of("email", "  ", "user_id", "x"))))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("'email'")
        .extracting(e -> ((RecordRejectedException) e).reason())
        .isEqualTo(RecordRejectedException.Reason.MISSING_REQUIRED);
    assertThatThrownBy(() -> mapping.apply(user(Map.of("email", "a@b.c"))))
        .hasMessageContaining("'user_id'");
    assertThat(mapping.apply(user(Map.of("email", "a@b.c", "user_id", "x"))))
        .containsExactly("a@b.c");
  }

  @Test
  void aFailingComputedColumnRejectsTheUserWithTheColumnName() {
    FieldMapping mapping =
        FieldMapping.builder()
            .computed("domain", r -> ((String) r.get("email")).split("@")[1])
            .build();
    assertThatThrownBy(() -> mapping.apply(user(Map.of())))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("'domain'");
  }

  @Test
  void duplicateColumnNamesAreRefusedIgnoringCase() {
    assertThatThrownBy(
            () ->
                FieldMapping.builder()
                    .column("email", "Email")
                    .column("user_metadata.email", "email")
                    .build())
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("used twice");
    assertThatThrownBy(() -> FieldMapping.builder().build())
        .hasMessageContaining("at least one column");
    assertThatThrownBy(() -> FieldMapping.builder().column("email", " "))
        .hasMessageContaining("empty");
  }

  @Test
  void auth0DefaultsAreTheExtensionsElevenColumns() {
    FieldMapping mapping = FieldMapping.auth0Defaults();
    assertThat(mapping.header())
        .containsExactly(
            "Id",
            "Given Name",
            "Family Name",
            "Nickname",
            "Name",
            "Email",
            "Email Verified",
            "Picture",
            "Connection",
            "Created At",
            "Updated At");
    assertThat(mapping.rootProperties())
        .containsExactly(
            "user_id",
            "given_name",
            "family_name",
            "nickname",
            "name",
            "email",
            "email_verified",
            "picture",
            "identities",
            "created_at",
            "updated_at");
  }

  @Test
  void readsTheHowToPagesTableAsItIs() throws IOException {
    Path file = dir.resolve("mapping.md");
    Files.writeString(
        file,
        "User Field | Column Name\n"
            + "-----------|------------\n"
            + "`email` | Email Address\n"
            + "`created_at` | Created At\n"
            + "`given_name` | First Name\n"
            + "`family_name` | Last Name\n");
    FieldMapping mapping = FieldMapping.read(file);
    assertThat(mapping.header())
        .containsExactly("Email Address", "Created At", "First Name", "Last Name");
    assertThat(mapping.columns().get(1).path().orElseThrow().toString()).isEqualTo("created_at");
  }

  @Test
  void readsATableWithFormatsRequiredConstantsAndComments() throws IOException {
    Path file = dir.resolve("mapping.txt");
    Files.writeString(
        file,
        "# Marketo columns\n"
            + "email\temail\t\tyes\n"
            + "created_at | createdAt | date:yyyy-MM-dd@Europe/Paris\n"
            + "| app_metadata.roles | roles | join:; |\n"
            + "=\"Auth0\" | leadSource\n");
    FieldMapping mapping = FieldMapping.read(file);
    assertThat(mapping.header()).containsExactly("email", "createdAt", "roles", "leadSource");
    assertThat(mapping.requiredPaths()).extracting(Object::toString).containsExactly("email");
    assertThat(
            mapping.apply(
                user(
                    Map.of(
                        "email",
                        "a@b.c",
                        "created_at",
                        "2024-03-01T23:30:00Z",
                        "app_metadata",
                        Map.of("roles", List.of("a", "b"))))))
        .containsExactly("a@b.c", "2024-03-02", "a;b", "Auth0");
  }

  @Test
  void readsJson() throws IOException {
    Path file = dir.resolve("mapping.json");
    Files.writeString(
        file,
        "{\"columns\": [{\"field\": \"email\", \"column\": \"email\", \"required\": true},"
            + "{\"field\": \"created_at\", \"column\": \"createdAt\", \"format\": \"epochMillis\"},"
            + "{\"value\": \"Auth0\", \"column\": \"leadSource\"}]}");
    FieldMapping mapping = FieldMapping.read(file);
    assertThat(mapping.apply(user(Map.of("email", "a@b.c", "created_at", "1970-01-01T00:00:01Z"))))
        .containsExactly("a@b.c", "1000", "Auth0");
    assertThat(mapping.requiredPaths()).hasSize(1);
  }

  @Test
  void mistakesInAMappingFileNameTheLine() throws IOException {
    Path dup = dir.resolve("dup.txt");
    Files.writeString(dup, "email | email\nuser_metadata.email | Email\n");
    assertThatThrownBy(() -> FieldMapping.read(dup))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("used twice")
        .hasMessageContaining("dup.txt");
    Path badFormat = dir.resolve("fmt.txt");
    Files.writeString(badFormat, "email | email\ncreated_at | c | isoDate\n");
    assertThatThrownBy(() -> FieldMapping.read(badFormat))
        .hasMessageContaining("line 2")
        .hasMessageContaining("Unknown format");
    Path oneCell = dir.resolve("one.txt");
    Files.writeString(oneCell, "email\n");
    assertThatThrownBy(() -> FieldMapping.read(oneCell)).hasMessageContaining("line 1");
    Path badJson = dir.resolve("bad.json");
    Files.writeString(badJson, "{\"columns\": [{\"field\": \"email\"}]}");
    assertThatThrownBy(() -> FieldMapping.read(badJson)).hasMessageContaining("column entry 1");
    Path badZone = dir.resolve("zone.txt");
    Files.writeString(badZone, "created_at | c | date:yyyy@Mars/Olympus\n");
    assertThatThrownBy(() -> FieldMapping.read(badZone)).hasMessageContaining("time zone");
    assertThatThrownBy(() -> FieldMapping.read(dir.resolve("missing.txt")))
        .hasMessageContaining("Cannot read");
  }

  @Test
  void jsonMappingsRefuseUnknownKeysAndWronglyTypedValuesNamingTheirPath() throws IOException {
    Path typo = dir.resolve("typo.json");
    Files.writeString(
        typo, "{\"columns\": [{\"field\": \"email\", \"column\": \"email\", \"requried\": true}]}");
    assertThatThrownBy(() -> FieldMapping.read(typo))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("column entry 1 (columns[0].requried)")
        .hasMessageContaining("unknown key \"requried\"; did you mean \"required\"?");
    for (String required : List.of("\"yes\"", "1", "\"true\"")) {
      Path file = dir.resolve("required.json");
      Files.writeString(
          file,
          "[{\"field\": \"given_name\", \"column\": \"first\"},"
              + " {\"field\": \"email\", \"column\": \"email\", \"required\": "
              + required
              + "}]");
      assertThatThrownBy(() -> FieldMapping.read(file))
          .as(required)
          .hasMessageContaining("column entry 2 ([1].required)")
          .hasMessageContaining("\"required\" must be true or false, not " + required);
    }
    Path top = dir.resolve("top.json");
    Files.writeString(top, "{\"colums\": []}");
    assertThatThrownBy(() -> FieldMapping.read(top))
        .hasMessageContaining("unknown key \"colums\"; did you mean \"columns\"?");
    Path format = dir.resolve("format.json");
    Files.writeString(format, "[{\"field\": \"a\", \"column\": \"a\", \"format\": 3}]");
    assertThatThrownBy(() -> FieldMapping.read(format))
        .hasMessageContaining("([0].format)")
        .hasMessageContaining("must be a string, not 3");
    Path both = dir.resolve("both.json");
    Files.writeString(both, "[{\"field\": \"a\", \"value\": \"x\", \"column\": \"a\"}]");
    assertThatThrownBy(() -> FieldMapping.read(both)).hasMessageContaining("a constant");
  }

  @Test
  void aRequiredCellThatIsNotYesOrNoNamesItsLineOnce() throws IOException {
    Path file = dir.resolve("req.txt");
    Files.writeString(file, "email | email | text | maybe\n");
    assertThatThrownBy(() -> FieldMapping.read(file))
        .hasMessageContaining("line 1: Required must be yes, no or empty, not 'maybe'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("line 1: line 1"));
  }

  @Test
  void aMappingFileThatIsNotUtf8OrCannotBeReadSaysWhy() throws IOException {
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, "email | E-mail adr\u00e9sse\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> FieldMapping.read(latin1))
        .hasMessageContaining("is not UTF-8 text (byte 0xE9 at offset 18)")
        .hasMessageContaining("Save it as UTF-8")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Input length"));
    Path utf16 = dir.resolve("utf16.txt");
    Files.write(utf16, "email | email\n".getBytes(StandardCharsets.UTF_16));
    assertThatThrownBy(() -> FieldMapping.read(utf16))
        .hasMessageContaining("UTF-16 byte-order mark");
    assertThatThrownBy(() -> FieldMapping.read(dir))
        .hasMessageContaining("it is a folder, not a file");
    assertThatThrownBy(() -> FieldMapping.read(dir.resolve("missing.txt")))
        .hasMessageContaining("missing.txt: no such file");
  }

  @Test
  void toBuilderKeepsColumnsAndAllowsAdding() {
    FieldMapping base = FieldMapping.builder().column("email", "email").required("email").build();
    FieldMapping more = base.toBuilder().constant("src", "x").build();
    assertThat(more.header()).containsExactly("email", "src");
    assertThat(more.requiredPaths()).hasSize(1);
    assertThat(base.header()).containsExactly("email");
  }

  @Test
  void aMappingOfPathsAndReadyMadeFormatsHasADefinitionThatTellsItsRowsApart() {
    FieldMapping plain =
        FieldMapping.builder().column("email", "Email").constant("Source", "auth0").build();
    FieldMapping dated =
        FieldMapping.builder()
            .column("email", "Email")
            .constant("Source", "auth0")
            .column("created_at", "Created", ValueFormat.parse("date:yyyy-MM-dd@Europe/Paris"))
            .build();
    FieldMapping otherZone =
        dated.toBuilder()
            .clear()
            .column("email", "Email")
            .constant("Source", "auth0")
            .column("created_at", "Created", ValueFormat.parse("date:yyyy-MM-dd@UTC"))
            .build();
    assertThat(plain.definition()).isPresent();
    assertThat(plain.definition())
        .isEqualTo(
            FieldMapping.builder()
                .column("email", "Email")
                .constant("Source", "auth0")
                .build()
                .definition());
    assertThat(dated.definition().orElseThrow())
        .contains("date:yyyy-MM-dd@Europe/Paris")
        .isNotEqualTo(otherZone.definition().orElseThrow());
    assertThat(plain.toBuilder().required("email").build().definition())
        .isNotEqualTo(plain.definition());
    assertThat(
            FieldMapping.builder()
                .column("email", "Email")
                .constant("Source", "other")
                .build()
                .definition())
        .isNotEqualTo(plain.definition());
  }

  @Test
  void aMappingWithCodeHasNoDefinition() {
    assertThat(
            FieldMapping.builder()
                .column("email", "Email")
                .computed("Domain", u -> "x")
                .build()
                .definition())
        .isEmpty();
    assertThat(
            FieldMapping.builder()
                .column("email", "Email", v -> String.valueOf(v).toUpperCase())
                .build()
                .definition())
        .isEmpty();
  }
}
