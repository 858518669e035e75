package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Auth0EmulatorTest {
  private final ManualClock clock = ManualClock.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Auth0Emulator auth0 =
      Auth0Emulator.builder()
          .clock(clock)
          .sleeper(clock.sleeper())
          .rateLimit(3)
          .jobDuration(Duration.ofSeconds(20))
          .start();

  @AfterEach
  void stop() {
    auth0.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws Exception {
    String form =
        "grant_type=client_credentials&client_id="
            + auth0.clientId()
            + "&client_secret="
            + auth0.clientSecret()
            + "&audience="
            + URLEncoder.encode(auth0.audience(), StandardCharsets.UTF_8);
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    assertThat(r.statusCode()).isEqualTo(200);
    Map<?, ?> answer = (Map<?, ?>) Json.parse(r.body());
    assertThat(answer.get("expires_in")).isEqualTo(86400L);
    return (String) answer.get("access_token");
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(auth0.domain() + path))
            .header("Authorization", "Bearer " + token));
  }

  @Test
  void answers429WithRateLimitHeadersAboveTheRateUntilTheReset() throws Exception {
    String token = token();
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> last = null;
    for (int i = 0; i < 5; i++) {
      last = get("/api/v2/connections", token);
      statuses.add(last.statusCode());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    assertThat(last.headers().firstValue("x-ratelimit-limit")).hasValue("3");
    assertThat(last.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
    long reset = Long.parseLong(last.headers().firstValue("x-ratelimit-reset").orElseThrow());
    assertThat(reset).isEqualTo(clock.instant().getEpochSecond() + 1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(get("/api/v2/connections", token).statusCode()).isEqualTo(200);
  }

  @Test
  void jobMovesFromPendingToCompletedAndItsLinkExpires() throws Exception {
    String token = token();
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/api/v2/jobs/users-exports"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"format\":\"json\",\"fields\":[{\"name\":\"user_id\"}]}")));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = (String) ((Map<?, ?>) Json.parse(created.body())).get("id");
    assertThat(created.body()).contains("\"status\":\"pending\"");
    clock.advance(Duration.ofSeconds(10));
    Map<?, ?> half = (Map<?, ?>) Json.parse(get("/api/v2/jobs/" + id, token).body());
    assertThat(half.get("status")).isEqualTo("processing");
    assertThat(half.get("percentage_done")).isEqualTo(50L);
    assertThat(half.get("time_left_seconds")).isEqualTo(10L);
    clock.advance(Duration.ofSeconds(10));
    Map<?, ?> done = (Map<?, ?>) Json.parse(get("/api/v2/jobs/" + id, token).body());
    assertThat(done.get("status")).isEqualTo("completed");
    String location = (String) done.get("location");

    HttpResponse<byte[]> file =
        http.send(
            HttpRequest.newBuilder(URI.create(location)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()[0]).isEqualTo((byte) 0x1f);

    String relative = location.substring(auth0.domain().length());
    HttpResponse<String> tampered = get(relative.replace("Expires=", "Expires=9"), "x");
    assertThat(tampered.statusCode()).isEqualTo(403);
    assertThat(tampered.body()).contains("SignatureDoesNotMatch");
    clock.advance(Duration.ofSeconds(61));
    HttpResponse<String> expired = get(relative, "x");
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(expired.body()).contains("Request has expired");
  }

  @Test
  void refusesAWrongSecretAndAnUnknownToken() throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(auth0.domain() + "/oauth/token"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"grant_type\":\"client_credentials\",\"client_id\":\""
                            + auth0.clientId()
                            + "\",\"client_secret\":\"wrong\",\"audience\":\""
                            + auth0.audience()
                            + "\"}")));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("access_denied");
    assertThat(get("/api/v2/jobs/job_x", "made-up").statusCode()).isEqualTo(401);
    assertThat(auth0.requests())
        .extracting(Auth0Emulator.Request::endpoint)
        .containsExactly(Auth0Emulator.Endpoint.TOKEN, Auth0Emulator.Endpoint.GET_JOB);
  }

  @Test
  void acceptsTheAudienceSdksDeriveFromTheDomainInBothSchemesForTheHostUsed() throws Exception {
    String host = "127.0.0.1:" + auth0.port();
    for (String audience :
        List.of("https://" + host + "/api/v2/", "http://" + host + "/api/v2/", auth0.audience())) {
      HttpResponse<String> r = tokenFor(audience);
      assertThat(r.statusCode()).as(audience).isEqualTo(200);
    }
    HttpResponse<String> other = tokenFor("https://tenant.eu.auth0.com/api/v2/");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("Service not enabled within domain");
  }

  private HttpResponse<String> tokenFor(String audience) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(auth0.domain() + "/oauth/token"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.write(
                        Map.of(
                            "grant_type",
                            "client_credentials",
                            "client_id",
                            auth0.clientId(),
                            "client_secret",
                            auth0.clientSecret(),
                            "audience",
                            audience)))));
  }

  @Test
  void servesHttpsWithTheCertificateItsClientsAreGiven() throws Exception {
    EmulatorTls tls = EmulatorTls.selfSigned();
    try (Auth0Emulator secure = Auth0Emulator.builder().tls(tls).clock(clock).start()) {
      assertThat(secure.domain()).startsWith("https://127.0.0.1:");
      assertThat(secure.audience()).isEqualTo(secure.domain() + "/api/v2/");
      HttpClient trusting = HttpClient.newBuilder().sslContext(tls.sslContext()).build();
      HttpResponse<String> r =
          trusting.send(
              HttpRequest.newBuilder(URI.create(secure.domain() + "/oauth/token"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.write(
                              Map.of(
                                  "grant_type", "client_credentials",
                                  "client_id", secure.clientId(),
                                  "client_secret", secure.clientSecret(),
                                  "audience", secure.audience()))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(tls.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n");
      assertThat(tls.certificate().getSubjectAlternativeNames().toString())
          .contains("127.0.0.1")
          .contains("localhost");
      assertThat(tls.toString()).doesNotContain("PRIVATE");
    }
  }
}
