package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.testkit.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact request shapes and each error code's handling, against MockWebServer. */
class MarketoBulkLeadClientTest {
  private static final String SECRET = "s3cr3t-value-never-shown";

  private final MockWebServer server = new MockWebServer();
  private final ManualClock clock = ManualClock.create();
  private final List<Duration> sleeps = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private MarketoBulkLeadClient client() {
    return MarketoBulkLeadClient.builder()
        .endpoint(URI.create("http://127.0.0.1:" + server.getPort()))
        .clientId("client-1")
        .clientSecret(SECRET)
        .clock(clock)
        .sleeper(
            d -> {
              sleeps.add(d);
              clock.advance(d);
            })
        .headerCheck(false)
        .build();
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static MockResponse token(String token, long expiresIn) {
    return json(
        "{\"access_token\":\""
            + token
            + "\",\"token_type\":\"bearer\",\"expires_in\":"
            + expiresIn
            + ",\"scope\":\"x\"}");
  }

  private static MockResponse error(String code) {
    return json(
        "{\"requestId\":\"req-"
            + code
            + "\",\"success\":false,\"errors\":[{\"code\":\""
            + code
            + "\",\"message\":\"m"
            + code
            + "\"}]}");
  }

  private static MockResponse batch(long id, String status) {
    return json(
        "{\"requestId\":\"r\",\"success\":true,\"result\":[{\"batchId\":"
            + id
            + ",\"importId\":\"i"
            + id
            + "\",\"status\":\""
            + status
            + "\",\"numOfLeadsProcessed\":3,\"numOfRowsFailed\":1,\"numOfRowsWithWarning\":2,\"message\":\"done\"}]}");
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void tokenCallAndBearerHeaderHaveTheDocumentedShape() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(batch(42, "Importing"));
    server.enqueue(batch(42, "Complete"));

    MarketoBulkLeadClient client = client();
    BatchStatus s = client.status(42);
    client.status(42);

    assertThat(s)
        .isEqualTo(
            new BatchStatus(42, Optional.of("i42"), BatchStatus.State.IMPORTING, 3, 1, 2, "done"));
    RecordedRequest tokenRequest = server.takeRequest();
    assertThat(tokenRequest.getMethod()).isEqualTo("GET");
    assertThat(tokenRequest.getUrl().encodedPath()).isEqualTo("/identity/oauth/token");
    assertThat(tokenRequest.getUrl().queryParameter("grant_type")).isEqualTo("client_credentials");
    assertThat(tokenRequest.getUrl().queryParameter("client_id")).isEqualTo("client-1");
    assertThat(tokenRequest.getUrl().queryParameter("client_secret")).isEqualTo(SECRET);
    for (int i = 0; i < 2; i++) {
      RecordedRequest call = server.takeRequest();
      assertThat(call.getTarget()).isEqualTo("/bulk/v1/leads/batch/42.json");
      assertThat(call.getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
      assertThat(call.getUrl().queryParameter("access_token")).isNull();
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(client.callsMade()).isEqualTo(3);
  }

  @Test
  void uploadSendsAStreamedMultipartBodyByteForByte() throws Exception {
    Path tsv = file("users.tsv", "email\tfirstName\r\na@example.com\tZoë\r\n");
    server.enqueue(token("tok-1", 3600));
    server.enqueue(
        json(
            "{\"requestId\":\"r\",\"success\":true,\"result\":[{\"batchId\":7,\"importId\":\"77\",\"status\":\"Queued\"}]}"));

    BatchStatus s =
        client()
            .upload(
                tsv,
                ImportOptions.builder()
                    .format(CsvFormat.TSV)
                    .lookupField("email")
                    .listId(12)
                    .partitionName("EU")
                    .build());

    assertThat(s.batchId()).isEqualTo(7);
    assertThat(s.state()).isEqualTo(BatchStatus.State.QUEUED);
    server.takeRequest();
    RecordedRequest upload = server.takeRequest();
    assertThat(upload.getMethod()).isEqualTo("POST");
    assertThat(upload.getTarget()).isEqualTo("/bulk/v1/leads.json");
    String type = upload.getHeaders().get("Content-Type");
    assertThat(type).startsWith("multipart/form-data; boundary=");
    String boundary = type.substring(type.indexOf("boundary=") + 9);
    String expected =
        "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"format\"\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "tsv\r\n"
            + "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"lookupField\"\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "email\r\n"
            + "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"partitionName\"\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "EU\r\n"
            + "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"listId\"\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            + "12\r\n"
            + "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"users.tsv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n"
            + "email\tfirstName\r\na@example.com\tZoë\r\n"
            + "\r\n--"
            + boundary
            + "--\r\n";
    assertThat(upload.getBody().utf8()).isEqualTo(expected);
    assertThat(upload.getBodySize()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
    assertThat(upload.getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
  }

  @Test
  void renewsTheTokenOn601AndRetriesOnce() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error("601"));
    server.enqueue(token("tok-2", 3600));
    server.enqueue(batch(1, "Complete"));

    assertThat(client().status(1).state()).isEqualTo(BatchStatus.State.COMPLETE);
    server.takeRequest();
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/identity/oauth/token");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-2");
  }

  @Test
  void aSecond602AfterRenewalIsAnError() {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error("602"));
    server.enqueue(token("tok-2", 3600));
    server.enqueue(error("602"));
    assertThatThrownBy(() -> client().status(1))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("602")
        .hasMessageNotContaining("tok-");
  }

  @Test
  void retriesAfter606And615And1016ThenSucceeds() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error("606"));
    server.enqueue(error("615"));
    server.enqueue(error("1016"));
    server.enqueue(batch(1, "Queued"));
    assertThat(client().status(1).state()).isEqualTo(BatchStatus.State.QUEUED);
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(2)).isGreaterThanOrEqualTo(sleeps.get(0));
  }

  @Test
  void retriesServerErrorsAndDroppedConnections() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(new MockResponse.Builder().code(503).body("down").build());
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(batch(1, "Complete"));
    assertThat(client().status(1).state()).isEqualTo(BatchStatus.State.COMPLETE);
    assertThat(sleeps).isNotEmpty(); // the JDK client itself retries a dropped idempotent GET once
  }

  @Test
  void dailyQuotaStopsAtOnceWithAClearMessage() {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error("607"));
    assertThatThrownBy(() -> client().status(1))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("607")
        .hasMessageContaining("daily API quota")
        .satisfies(e -> assertThat(((MarketoServiceException) e).retryable()).isFalse())
        .satisfies(e -> assertThat(((MarketoServiceException) e).requestId()).contains("req-607"));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void callerErrorsAreNotRetried() throws IOException {
    Path csv = file("empty.csv", "email\r\n");
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error("1003"));
    assertThatThrownBy(() -> client().upload(csv, ImportOptions.defaults()))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("1003");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void http413IsAFileTooLargeError() throws IOException {
    Path csv = file("u.csv", "email\r\na@example.com\r\n");
    server.enqueue(token("tok-1", 3600));
    server.enqueue(new MockResponse.Builder().code(413).body("too large").build());
    assertThatThrownBy(() -> client().upload(csv, ImportOptions.defaults()))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("413")
        .hasMessageContaining("10 MB");
  }

  @Test
  void aDroppedUploadIsUncertainAndNotSentAgain() throws IOException {
    Path csv = file("u.csv", "email\r\na@example.com\r\n");
    server.enqueue(token("tok-1", 3600));
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    assertThatThrownBy(() -> client().upload(csv, ImportOptions.defaults()))
        .isInstanceOf(MarketoUncertainUploadException.class)
        .hasMessageContaining("may have accepted");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void withUploadAgainALostUploadAnswerIsRetriedWithBackOff() throws IOException {
    Path csv = file("u.csv", "email\r\na@example.com\r\n");
    server.enqueue(token("tok-1", 3600));
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(
        json(
            "{\"requestId\":\"r\",\"success\":true,\"result\":[{\"batchId\":8,\"status\":\"Queued\"}]}"));
    ImportOptions again =
        ImportOptions.builder()
            .uncertainUploads(ImportOptions.UncertainUploads.UPLOAD_AGAIN)
            .build();

    assertThat(client().upload(csv, again).batchId()).isEqualTo(8);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void anExpiringTokenIsRenewedAheadOfExpiry() throws Exception {
    server.enqueue(token("tok-1", 100));
    server.enqueue(batch(1, "Queued"));
    server.enqueue(token("tok-2", 3600));
    server.enqueue(batch(1, "Complete"));
    MarketoBulkLeadClient client = client();
    client.status(1);
    clock.advance(Duration.ofSeconds(95));
    client.status(1);
    server.takeRequest();
    server.takeRequest();
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/identity/oauth/token");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-2");
  }

  @Test
  void expiresInZeroWaitsForTheNextToken() throws Exception {
    server.enqueue(token("tok-old", 0));
    server.enqueue(token("tok-new", 3600));
    server.enqueue(batch(1, "Queued"));
    client().status(1);
    server.takeRequest();
    server.takeRequest();
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-new");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void badCredentialsAreAClearErrorWithoutTheSecret() {
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .setHeader("Content-Type", "application/json")
            .body("{\"error\":\"unauthorized\"}")
            .build());
    assertThatThrownBy(() -> client().status(1))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("client id or secret")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void failuresAreParsedWithTheirReason() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/csv")
            .body(
                "email,firstName,Import Failure Reason\nbad,Ann,Invalid email address\n\"x@y\",\"B, C\",Lookup failed\n")
            .build());
    try (BatchRows rows = client().failures(9)) {
      assertThat(rows.header()).containsExactly("email", "firstName");
      List<BatchRow> all = new ArrayList<>();
      rows.forEach(all::add);
      assertThat(all)
          .containsExactly(
              new BatchRow(List.of("bad", "Ann"), "Invalid email address"),
              new BatchRow(List.of("x@y", "B, C"), "Lookup failed"));
    }
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/identity/oauth/token");
    assertThat(server.takeRequest().getTarget()).isEqualTo("/bulk/v1/leads/batch/9/failures.json");
  }

  @Test
  void plainHttpIsRefusedForRemoteHostsAndSecretsStayOutOfToString() {
    assertThatThrownBy(
            () ->
                MarketoBulkLeadClient.builder()
                    .endpoint(URI.create("http://123-ABC-456.mktorest.com"))
                    .clientId("a")
                    .clientSecret("b")
                    .build())
        .hasMessageContaining("Plain http://");
    MarketoBulkLeadClient c =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create("https://123-ABC-456.mktorest.com/rest/"))
            .clientId("client-1")
            .clientSecret(SECRET)
            .build();
    assertThat(c.toString()).doesNotContain(SECRET).contains("https://123-ABC-456.mktorest.com");
    assertThat(c.endpoint().toString()).isEqualTo("https://123-ABC-456.mktorest.com");
  }

  @Test
  void headerCheckListsEveryUnknownColumnWithTheClosestRestName() {
    List<LeadField> fields =
        List.of(
            new LeadField("email", "Email Address", "email", 255, true),
            new LeadField("firstName", "First Name", "string", 255, true),
            new LeadField("createdAt", "Created At", "datetime", 0, false));
    assertThatThrownBy(
            () ->
                HeaderCheck.check(
                    List.of("Email Address", "First Name", "createdAt", "zzzz"), fields))
        .isInstanceOf(MarketoHeaderException.class)
        .hasMessageContaining("\"Email Address\" is not a lead field; did you mean \"email\"?")
        .hasMessageContaining("\"First Name\" is not a lead field; did you mean \"firstName\"?")
        .hasMessageContaining("\"createdAt\" is a read-only field")
        .hasMessageContaining("\"zzzz\" is not a lead field");
    HeaderCheck.check(List.of("email", "firstName"), fields);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "code {0} is retried")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"502", "604", "606", "608", "611", "615", "713", "719", "1016", "1019"})
  void everyTransientCodeIsRetriedWithBackOff(String code) {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error(code));
    server.enqueue(batch(1, "Complete"));
    assertThat(client().status(1).state()).isEqualTo(BatchStatus.State.COMPLETE);
    assertThat(sleeps).hasSize(1);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "code {0} stops at once")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"603", "607", "609", "610", "612", "613", "1003", "1004"})
  void everyCallerOrQuotaCodeStopsWithoutRetry(String code) {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(error(code));
    assertThatThrownBy(() -> client().status(1))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("Marketo error " + code)
        .hasMessageContaining("req-" + code)
        .satisfies(e -> assertThat(((MarketoServiceException) e).retryable()).isFalse());
    assertThat(sleeps).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aRedirectToAnotherHostIsNotFollowedWithTheToken() throws Exception {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start();
      server.enqueue(token("tok-1", 3600));
      server.enqueue(
          new MockResponse.Builder()
              .code(302)
              .setHeader("Location", "http://127.0.0.1:" + elsewhere.getPort() + "/steal")
              .build());
      assertThatThrownBy(() -> client().status(1))
          .isInstanceOf(MarketoTransportException.class)
          .hasMessageContaining("HTTP 302")
          .hasMessageNotContaining("tok-1");
      assertThat(elsewhere.getRequestCount()).isZero();
    }
  }

  @Test
  void aServerSlowerThanTheRequestTimeoutIsRetried() throws Exception {
    server.enqueue(token("tok-1", 3600));
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body("{}")
            .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS)
            .build());
    server.enqueue(batch(1, "Complete"));
    MarketoBulkLeadClient client =
        client().toBuilder().requestTimeout(Duration.ofMillis(300)).build();
    assertThat(client.status(1).state()).isEqualTo(BatchStatus.State.COMPLETE);
    assertThat(sleeps).hasSize(1);
  }
}
