package io.leadbridge.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Auth0ExportJobTest {
  private static final String SECRET = "s3cr3t-Client-Secret";
  private static final String TOKEN = "eyJ-token-value";
  private static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("user_metadata.plan", "plan")
          .column("identities[0].connection", "connection")
          .build();

  private final MockWebServer server = new MockWebServer();
  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  /** Moves the clock, and remembers each wait for the tests that check them. */
  private final Sleeper sleeper =
      d -> {
        sleeps.add(d);
        clock.advance(d);
      };

  @TempDir Path tmp;

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String domain() {
    return "http://127.0.0.1:" + server.getPort();
  }

  private Auth0ExportJob.Builder job() {
    return Auth0ExportJob.builder()
        .domain(domain())
        .clientId("client-1")
        .clientSecret(SECRET)
        .mapping(MAPPING)
        .clock(clock)
        .sleeper(sleeper)
        .tempDirectory(tmp);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static MockResponse token(long expiresIn) {
    return json(
        200,
        "{\"access_token\":\""
            + TOKEN
            + "\",\"expires_in\":"
            + expiresIn
            + ",\"token_type\":\"Bearer\",\"scope\":\"read:users\"}");
  }

  private static MockResponse jobStatus(String status, int percent, String location) {
    return json(
        200,
        "{\"id\":\"job_1\",\"type\":\"users_export\",\"status\":\""
            + status
            + "\",\"percentage_done\":"
            + percent
            + ",\"time_left_seconds\":5"
            + (location == null ? "" : ",\"location\":\"" + location + "\"")
            + "}");
  }

  private static MockResponse gzipped(String ndjson) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(ndjson.getBytes(StandardCharsets.UTF_8));
    }
    return new MockResponse.Builder()
        .code(200)
        .body(new Buffer().write(bytes.toByteArray()))
        .build();
  }

  private static final String TWO_USERS =
      "{\"user_id\":\"auth0|1\",\"email\":\"A@example.com\",\"user_metadata\":{\"plan\":\"pro\"}}\n"
          + "{\"user_id\":\"google-oauth2|2\",\"identities\":[{\"connection\":\"google-oauth2\"}]}\n";

  private static List<UserRecord> readAll(Auth0ExportSource source) {
    List<UserRecord> out = new ArrayList<>();
    SourceEntry e;
    while ((e = source.next()) != null) {
      out.add((UserRecord) e);
    }
    return out;
  }

  private static Map<String, String> form(RecordedRequest r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : r.getBody().utf8().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void sendsTokenRequestJobBodyAndBearerOnEveryCall() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(jobStatus("pending", 0, null));
    server.enqueue(jobStatus("processing", 40, null));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/job_1.json.gz?sig=abc"));
    server.enqueue(gzipped(TWO_USERS));

    List<Auth0JobProgress> progress = new ArrayList<>();
    try (Auth0ExportSource source =
        job().connectionId("con_42").limit(5000).listener(progress::add).build().open()) {
      List<UserRecord> users = readAll(source);
      assertThat(users)
          .extracting(UserRecord::userId)
          .containsExactly("auth0|1", "google-oauth2|2");
      assertThat(users.get(0).get("user_metadata.plan")).isEqualTo("pro");
      assertThat(source.jobId()).isEqualTo("job_1");
    }

    RecordedRequest tokenRequest = server.takeRequest();
    assertThat(tokenRequest.getMethod()).isEqualTo("POST");
    assertThat(tokenRequest.getUrl().encodedPath()).isEqualTo("/oauth/token");
    assertThat(tokenRequest.getHeaders().get("Content-Type"))
        .startsWith("application/x-www-form-urlencoded");
    assertThat(form(tokenRequest))
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", "client-1")
        .containsEntry("client_secret", SECRET)
        .containsEntry("audience", domain() + "/api/v2/");
    assertThat(tokenRequest.getHeaders().get("Authorization")).isNull();

    RecordedRequest create = server.takeRequest();
    assertThat(create.getMethod()).isEqualTo("POST");
    assertThat(create.getUrl().encodedPath()).isEqualTo("/api/v2/jobs/users-exports");
    assertThat(create.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(create.getBody().utf8())
        .isEqualTo(
            "{\"connection_id\":\"con_42\",\"format\":\"json\",\"limit\":5000,\"fields\":["
                + "{\"name\":\"user_id\"},{\"name\":\"updated_at\"},{\"name\":\"email\"},"
                + "{\"name\":\"user_metadata\"},{\"name\":\"identities\"}]}");

    List<RecordedRequest> rest = List.of(server.takeRequest(), server.takeRequest());
    for (RecordedRequest poll : rest) {
      assertThat(poll.getMethod()).isEqualTo("GET");
      assertThat(poll.getUrl().encodedPath()).isEqualTo("/api/v2/jobs/job_1");
    }
    RecordedRequest download = server.takeRequest();
    assertThat(download.getUrl().encodedPath()).isEqualTo("/exports/job_1.json.gz");
    for (RecordedRequest r : List.of(create, rest.get(0), rest.get(1), download)) {
      assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    }
    assertThat(server.getRequestCount()).isEqualTo(5);
    assertThat(progress)
        .extracting(Auth0JobProgress::status)
        .containsExactly("pending", "processing", "completed");
    assertThat(progress.get(1).percentageDone()).isEqualTo(40);
    assertThat(progress.get(1).timeLeftSeconds()).isEqualTo(5);
  }

  @Test
  void aListenerThatThrowsIsIgnoredAndTheExportGoesOn() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(jobStatus("pending", 0, null));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    List<String> seen = new ArrayList<>();
    Auth0JobListener broken =
        p -> {
          seen.add(p.status());
          throw new IllegalStateException("a bug in the listener");
        };
    try (Auth0ExportSource source = job().listener(broken).build().open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    assertThat(seen).containsExactly("pending", "completed");
  }

  @Test
  void neverSendsTheTokenToAForeignDownloadHost() throws Exception {
    try (MockWebServer storage = new MockWebServer()) {
      storage.start();
      storage.enqueue(gzipped(TWO_USERS));
      server.enqueue(token(86400));
      server.enqueue(jobStatus("completed", 100, storage.url("/bucket/x.gz?X-Sig=1").toString()));
      server.enqueue(jobStatus("completed", 100, storage.url("/bucket/x.gz?X-Sig=1").toString()));
      try (Auth0ExportSource source = job().build().open()) {
        assertThat(readAll(source)).hasSize(2);
      }
      RecordedRequest download = storage.takeRequest();
      assertThat(download.getHeaders().get("Authorization")).isNull();
    }
  }

  @Test
  void downloadedFileIsOwnerOnlyAndDeletedOnClose() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/x.gz"));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    Auth0ExportSource source = job().build().open();
    List<Path> files;
    try (var list = Files.list(tmp)) {
      files = list.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))))
        .isEqualTo("rw-------");
    source.close();
    source.close();
    assertThat(files.get(0)).doesNotExist();
  }

  @Test
  void aDownloadAKilledRunLeftIsDeletedByTheNextExportNotALiveOnesDownload() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Path orphan =
        Files.writeString(tmp.resolve("leadbridge-auth0-" + dead.pid() + "-1.json.gz"), "x");
    Path live =
        Files.writeString(
            tmp.resolve("leadbridge-auth0-" + ProcessHandle.current().pid() + "-2.json.gz"), "x");
    Path unrelated = Files.writeString(tmp.resolve("other.json.gz"), "x");
    server.enqueue(token(86400));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source = job().build().open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    assertThat(orphan).doesNotExist();
    assertThat(live).exists();
    assertThat(unrelated).exists();
  }

  @Test
  void reusesTheTokenAndRefreshesItAheadOfExpiry() throws Exception {
    server.enqueue(token(100)); // refreshed 10 s before expiry
    server.enqueue(jobStatus("pending", 0, null));
    for (int i = 0; i < 4; i++) {
      server.enqueue(jobStatus("processing", i * 20, null));
    }
    server.enqueue(token(100));
    server.enqueue(jobStatus("completed", 100, domain() + "/exports/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source =
        job()
            .pollInterval(Duration.ofSeconds(20))
            .maxPollInterval(Duration.ofSeconds(20))
            .build()
            .open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < server.getRequestCount(); i++) {
      paths.add(server.takeRequest().getUrl().encodedPath());
    }
    // polls at +20, +40, +60, +80 use the first token; at +100 s (past 90 s) a new one is fetched
    assertThat(paths.stream().filter("/oauth/token"::equals).count()).isEqualTo(2);
    assertThat(paths.get(0)).isEqualTo("/oauth/token");
    assertThat(paths.get(6)).isEqualTo("/oauth/token");
  }

  @Test
  void getsANewTokenOnceWhenTheCachedOneIsRefused() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(jobStatus("pending", 0, null));
    server.enqueue(
        json(401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Expired token\"}"));
    server.enqueue(token(86400));
    server.enqueue(jobStatus("completed", 100, domain() + "/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source = job().build().open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    assertThat(server.getRequestCount()).isEqualTo(6);
  }

  @Test
  void badCredentialsGiveAClearErrorWithoutTheSecret() {
    server.enqueue(
        json(
            401,
            "{\"error\":\"access_denied\",\"error_description\":\"Unauthorized client "
                + SECRET
                + "\"}"));
    assertThatThrownBy(() -> job().build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("client credentials")
        .hasMessageContaining("HTTP 401 access_denied")
        .hasMessageContaining("client secret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET))
        .satisfies(e -> assertThat(((Auth0ServiceException) e).status()).isEqualTo(401));
  }

  @Test
  void missingScopeNamesReadUsers() {
    server.enqueue(token(86400));
    server.enqueue(
        json(
            403,
            "{\"statusCode\":403,\"error\":\"Forbidden\",\"message\":\"Insufficient scope,"
                + " expected any of: read:users\",\"errorCode\":\"insufficient_scope\"}"));
    assertThatThrownBy(() -> job().build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("lacks the read:users scope")
        .hasMessageContaining("insufficient_scope")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(TOKEN));
  }

  @Test
  void resolvesAConnectionNameThroughTheConnectionsEndpoint() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(
        json(200, "[{\"id\":\"con_db\",\"name\":\"Username-Password-Authentication\"}]"));
    server.enqueue(jobStatus("completed", 100, domain() + "/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source =
        job().connectionName("Username-Password-Authentication").build().open()) {
      readAll(source);
    }
    server.takeRequest();
    RecordedRequest lookup = server.takeRequest();
    assertThat(lookup.getUrl().encodedPath()).isEqualTo("/api/v2/connections");
    assertThat(lookup.getUrl().queryParameter("name"))
        .isEqualTo("Username-Password-Authentication");
    assertThat(lookup.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(server.takeRequest().getBody().utf8()).contains("\"connection_id\":\"con_db\"");
  }

  @Test
  void unknownConnectionNameIsAClearError() {
    server.enqueue(token(86400));
    server.enqueue(json(200, "[]"));
    assertThatThrownBy(() -> job().connectionName("Nope").build().open())
        .isInstanceOf(Auth0Exception.class)
        .hasMessageContaining("no connection named 'Nope'");
  }

  @Test
  void waitsForRetryAfterOn429ThenRetries() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(
        new MockResponse.Builder().code(429).setHeader("Retry-After", "7").body("{}").build());
    server.enqueue(jobStatus("completed", 100, domain() + "/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source = job().build().open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0)).isBetween(Duration.ofSeconds(7), Duration.ofMillis(7300));
  }

  @Test
  void retriesADroppedConnectionAndA503() throws Exception {
    server.enqueue(token(86400));
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(json(503, "{\"statusCode\":503,\"error\":\"Service Unavailable\"}"));
    server.enqueue(jobStatus("completed", 100, domain() + "/x.gz"));
    server.enqueue(gzipped(TWO_USERS));
    try (Auth0ExportSource source = job().build().open()) {
      assertThat(readAll(source)).hasSize(2);
    }
    assertThat(sleeps).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void gives503UpAfterTheRetryBudget() {
    server.enqueue(token(86400));
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{}"));
    }
    assertThatThrownBy(
            () ->
                job()
                    .retryPolicy(new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(30)))
                    .build()
                    .open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("kept answering HTTP 503")
        .hasMessageContaining("after 3 attempts")
        .satisfies(e -> assertThat(((Auth0ServiceException) e).retryable()).isTrue());
  }

  @Test
  void refusesAPlainHttpDownloadLinkToARemoteHost() {
    server.enqueue(token(86400));
    server.enqueue(jobStatus("completed", 100, "http://bucket.example.com/x.gz?X-Sig=secret"));
    assertThatThrownBy(() -> job().build().open())
        .isInstanceOf(Auth0Exception.class)
        .hasMessageContaining("not an https URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("X-Sig"));
  }

  @Test
  void fieldsComeFromTheMappingPlusUserIdAndUpdatedAt() {
    Auth0ExportJob job = job().addField("app_metadata").build();
    assertThat(job.fields())
        .containsExactly(
            "user_id", "updated_at", "email", "user_metadata", "identities", "app_metadata");
    assertThat(job.toString()).doesNotContain(SECRET).contains("client-1");
  }

  @Test
  void refusesMoreThan30Fields() {
    FieldMapping.Builder mapping = FieldMapping.builder();
    for (int i = 0; i < 29; i++) {
      mapping.column("custom_" + i, "c" + i);
    }
    assertThatThrownBy(() -> job().mapping(mapping.build()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 30 fields, but 31 are needed");
  }

  @Test
  void refusesAJobWithoutFields() {
    assertThatThrownBy(
            () ->
                Auth0ExportJob.builder()
                    .domain("tenant.eu.auth0.com")
                    .clientId("a")
                    .clientSecret("b")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("predefined set");
  }

  @Test
  void refusesPlainHttpToANonLoopbackDomain() {
    assertThatThrownBy(() -> job().domain("http://tenant.eu.auth0.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain http");
    assertThat(job().domain("tenant.eu.auth0.com").build().audience())
        .isEqualTo("https://tenant.eu.auth0.com/api/v2/");
  }
}
