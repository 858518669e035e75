package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.ValueFormat;
import io.leadbridge.core.source.InputFormat;
import io.leadbridge.core.source.UserSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator's CSV export as Auth0 writes it, and the CSV source reading it back: the same
 * mapping writes the same rows from a CSV export as from a JSON export of the same users.
 */
class Auth0CsvExportTest {
  private static final int USERS = 2_000;

  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Auth0Emulator auth0 =
      Auth0Emulator.builder()
          .users(SyntheticUsers.builder().count(USERS).seed(11).build())
          .clock(clock)
          .sleeper(clock.sleeper())
          .start();

  @AfterEach
  void stop() {
    auth0.close();
  }

  /** Every scalar the synthetic users have, awkward strings, numbers, booleans and dates. */
  private static final FieldMapping SCALARS =
      FieldMapping.builder()
          .column("user_id", "id")
          .column("email", "email")
          .column("email_verified", "verified")
          .column("username", "username")
          .column("given_name", "given")
          .column("family_name", "family")
          .column("name", "name")
          .column("nickname", "nickname")
          .column("picture", "picture")
          .column("phone_number", "phone")
          .column("created_at", "created", ValueFormat.isoInstant())
          .column("updated_at", "updated")
          .column("last_login", "lastLogin")
          .column("logins_count", "logins")
          .column("blocked", "blocked")
          .column("identities[0].connection", "connection")
          .column("identities[0].isSocial", "social")
          .column("user_metadata.plan", "plan")
          .column("user_metadata.company", "company")
          .column("user_metadata.notes", "notes")
          .column("user_metadata.referrer", "referrer")
          .column("user_metadata.preferences.language", "language")
          .column("user_metadata.preferences.newsletter", "newsletter")
          .column("app_metadata.roles[0]", "role")
          .column("app_metadata.tenant_ids[1]", "tenant")
          .column("app_metadata.crm_id", "crm")
          .column("app_metadata.score", "score")
          .build();

  private String token() throws Exception {
    String form =
        "grant_type=client_credentials&client_id="
            + auth0.clientId()
            + "&client_secret="
            + auth0.clientSecret()
            + "&audience="
            + URLEncoder.encode(auth0.audience(), StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return (String) Json.object(Json.parse(r.body())).get("access_token");
  }

  /** Runs an export job with this body and returns its job echo and its un-gzipped file. */
  private Map<String, Object> runJob(String body, Path file) throws Exception {
    String bearer = "Bearer " + token();
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/api/v2/jobs/users-exports"))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = (String) Json.object(Json.parse(created.body())).get("id");
    clock.advance(Duration.ofSeconds(10));
    HttpResponse<String> job =
        http.send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/api/v2/jobs/" + id))
                .header("Authorization", bearer)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Map<String, Object> echo = Json.object(Json.parse(job.body()));
    assertThat(echo.get("status")).isEqualTo("completed");
    HttpResponse<byte[]> download =
        http.send(
            HttpRequest.newBuilder(URI.create((String) echo.get("location"))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(download.body()))) {
      Files.write(file, in.readAllBytes());
    }
    return echo;
  }

  private static String fields(List<String> names, List<String> exportAs) {
    List<Object> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      fields.add(
          exportAs == null || exportAs.get(i) == null
              ? Map.of("name", names.get(i))
              : Map.of("name", names.get(i), "export_as", exportAs.get(i)));
    }
    return fields.isEmpty() ? "" : "\"fields\":" + Json.write(fields) + ",";
  }

  private String export(FieldMapping mapping, Path input, FieldMapping headers, String name)
      throws IOException {
    UserExporter exporter = UserExporter.builder().mapping(mapping).format(CsvFormat.CSV).build();
    Path out = dir.resolve(name);
    try (UserSource users =
        headers == null
            ? UserSource.open(input)
            : UserSource.open(input, InputFormat.AUTO, headers)) {
      ExportResult result = exporter.export(users, out);
      assertThat(result.rowsRejected()).isZero();
      assertThat(result.rowsWritten()).isEqualTo(USERS);
    }
    return Files.readString(out);
  }

  @Test
  void theSameMappingWritesIdenticalRowsFromTheCsvAndTheJsonExportOfTheSameUsers()
      throws Exception {
    List<String> paths = new ArrayList<>();
    SCALARS.columns().forEach(c -> paths.add(c.path().orElseThrow().toString()));
    Path csv = dir.resolve("tenant.csv");
    Map<String, Object> csvJob = runJob("{" + fields(paths, null) + "\"format\":\"csv\"}", csv);
    List<String> roots = new ArrayList<>(SCALARS.rootProperties());
    Path json = dir.resolve("tenant.json");
    runJob("{" + fields(roots, null) + "\"format\":\"json\"}", json);

    assertThat(csvJob.get("format")).isEqualTo("csv");
    assertThat(InputFormat.detect(csv)).isEqualTo(InputFormat.AUTH0_CSV);
    String header = Files.readString(csv).lines().findFirst().orElseThrow();
    assertThat(header).isEqualTo(String.join(",", paths));
    assertThat(Files.readString(csv))
        .contains("\"'=HYPERLINK(\"\"http://example.com\"\")\"")
        .contains(",\"'+SUM(A1:A9)\",");

    String fromCsv = export(SCALARS, csv, null, "from-csv.csv");
    String fromJson = export(SCALARS, json, null, "from-json.csv");
    assertThat(fromCsv).isEqualTo(fromJson);
    assertThat(fromJson).contains("=1+1").contains("Line One\nLine Two GmbH");
  }

  @Test
  void exportAsNamesMakeTheHeaderAndReadBackThroughTheMappingOfThoseNames() throws Exception {
    FieldMapping defaults = FieldMapping.auth0Defaults();
    List<String> paths = new ArrayList<>();
    List<String> names = new ArrayList<>();
    defaults
        .columns()
        .forEach(
            c -> {
              paths.add(c.path().orElseThrow().toString());
              names.add(c.name());
            });
    Path csv = dir.resolve("extension.csv");
    Map<String, Object> echo = runJob("{" + fields(paths, names) + "\"format\":\"csv\"}", csv);
    assertThat(new ArrayList<Object>(Json.array(echo.get("fields"))))
        .contains(Map.of("name", "identities[0].connection", "export_as", "Connection"));
    assertThat(Files.readString(csv).lines().findFirst().orElseThrow())
        .isEqualTo(String.join(",", names));
    Path json = dir.resolve("tenant.json");
    runJob(
        "{" + fields(List.copyOf(defaults.rootProperties()), null) + "\"format\":\"json\"}", json);

    assertThat(export(defaults, csv, defaults, "a.csv"))
        .isEqualTo(export(defaults, json, null, "b.csv"));
  }

  @Test
  void aJsonExportPlacesNestedFieldsInTheTreeAndExportAsNamesAtTheTop() throws Exception {
    Path json = dir.resolve("nested.json");
    runJob(
        "{"
            + fields(
                List.of("user_id", "identities[0].connection", "user_metadata.plan", "created_at"),
                java.util.Arrays.asList(null, "connection", null, null))
            + "\"format\":\"json\",\"limit\":1}",
        json);
    Map<String, Object> user = Json.object(Json.parse(Files.readString(json).strip()));
    Map<String, Object> generated = SyntheticUsers.builder().count(1).seed(11).build().get(0);
    assertThat(user.get("connection"))
        .isEqualTo(Json.object(Json.array(generated.get("identities")).get(0)).get("connection"));
    assertThat(user.get("user_metadata"))
        .isEqualTo(Map.of("plan", Json.object(generated.get("user_metadata")).get("plan")));
    assertThat((String) user.get("created_at")).matches(".*T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  }

  @Test
  void csvIsTheDefaultFormatAsInAuth0() throws Exception {
    Path file = dir.resolve("default.csv");
    Map<String, Object> echo = runJob("{\"limit\":2}", file);
    assertThat(echo.get("format")).isEqualTo("csv");
    assertThat((String) echo.get("location")).contains(".csv.gz?");
    assertThat(Files.readString(file).lines().findFirst().orElseThrow())
        .isEqualTo(
            "user_id,email,email_verified,given_name,family_name,name,nickname,picture,"
                + "created_at,updated_at,identities");
    assertThat((String) echo.get("created_at")).isEqualTo("2026-01-01T00:00:00.000Z");
  }
}
