package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MarketoEmulatorTest {
  private static final String DESCRIBE = "/rest/v1/leads/describe2.json";

  private final ManualClock clock = ManualClock.create();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpRequest.Builder request(MarketoEmulator marketo, String path) {
    return HttpRequest.newBuilder(URI.create(marketo.endpoint() + path));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(MarketoEmulator marketo) throws Exception {
    HttpResponse<String> r =
        send(
            request(
                marketo,
                "/identity/oauth/token?grant_type=client_credentials&client_id="
                    + marketo.clientId()
                    + "&client_secret="
                    + marketo.clientSecret()));
    return (String) Json.object(Json.parse(r.body())).get("access_token");
  }

  @Test
  void aDelayWaitsThroughTheSleeperSoATokenCanExpireInFlight() throws Exception {
    try (MarketoEmulator marketo =
        MarketoEmulator.builder()
            .clock(clock)
            .sleeper(clock.sleeper())
            .tokenTtl(Duration.ofSeconds(60))
            .start()) {
      String token = token(marketo);
      marketo.delay(Endpoint.DESCRIBE, 1, Duration.ofSeconds(90));
      Instant sent = clock.instant();

      HttpResponse<String> delayed =
          send(request(marketo, DESCRIBE).header("Authorization", "Bearer " + token));

      assertThat(clock.instant()).isEqualTo(sent.plusSeconds(90));
      assertThat(delayed.body()).contains("\"code\":\"602\"");
      HttpResponse<String> next =
          send(request(marketo, DESCRIBE).header("Authorization", "Bearer " + token(marketo)));
      assertThat(next.body()).contains("\"success\":true");
      assertThat(clock.instant()).isEqualTo(sent.plusSeconds(90));
      assertThat(marketo.requests(Endpoint.DESCRIBE))
          .extracting(MarketoEmulator.Request::at)
          .containsExactly(sent, sent.plusSeconds(90));
    }
  }

  @Test
  void aDelayLongerThanTheClientsTimeoutTimesTheCallOutWithoutTheEmulatorSleeping()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Duration> waits = new CopyOnWriteArrayList<>();
    Sleeper heldUntilReleased =
        d -> {
          waits.add(d);
          release.await();
        };
    try (MarketoEmulator marketo =
        MarketoEmulator.builder().clock(clock).sleeper(heldUntilReleased).start()) {
      String token = token(marketo);
      marketo.delay(Endpoint.STATUS, 1, Duration.ofMinutes(5));
      HttpRequest.Builder status =
          request(marketo, "/bulk/v1/leads/batch/1000.json")
              .header("Authorization", "Bearer " + token);

      assertThatThrownBy(() -> send(status.copy().timeout(Duration.ofMillis(300))))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(waits).containsExactly(Duration.ofMinutes(5));
      release.countDown();
      assertThat(send(status).body()).contains("\"code\":\"1004\"");
      assertThat(waits).hasSize(1);
    }
  }

  @Test
  void faultsHitOnlyTheNthCallOfTheirKind() throws Exception {
    try (MarketoEmulator marketo = MarketoEmulator.builder().clock(clock).start()) {
      String bearer = "Bearer " + token(marketo);
      marketo.failWithCode(Endpoint.DESCRIBE, 2, "606").failWithStatus(Endpoint.DESCRIBE, 3, 503);

      List<HttpResponse<String>> answers =
          List.of(
              send(request(marketo, DESCRIBE).header("Authorization", bearer)),
              send(request(marketo, DESCRIBE).header("Authorization", bearer)),
              send(request(marketo, DESCRIBE).header("Authorization", bearer)),
              send(request(marketo, DESCRIBE).header("Authorization", bearer)));

      assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 503, 200);
      assertThat(Json.object(Json.parse(answers.get(0).body())).get("success")).isEqualTo(true);
      Map<String, Object> injected = Json.object(Json.parse(answers.get(1).body()));
      assertThat(injected.get("success")).isEqualTo(false);
      assertThat(answers.get(1).body()).contains("\"code\":\"606\"");
      assertThat(answers.get(3).body()).isEqualTo(answers.get(0).body());
      assertThat(marketo.requests()).hasSize(5);
    }
  }

  @Test
  void theDailyQuotaCountsEveryIntegrationsCallsAndAnswers607PastIt() throws Exception {
    try (MarketoEmulator marketo =
        MarketoEmulator.builder().clock(clock).dailyQuota(10, 4).start()) {
      String token = token(marketo);
      HttpResponse<String> usage =
          send(
              request(marketo, "/rest/v1/stats/usage.json")
                  .header("Authorization", "Bearer " + token));
      Map<String, Object> today =
          Json.object(Json.array(Json.object(Json.parse(usage.body())).get("result")).get(0));
      assertThat(today.get("total")).isEqualTo(5L); // the others' 4 and this call
      assertThat(today.get("date")).isEqualTo("2026-01-01");
      assertThat(Json.array(today.get("users"))).hasSize(2);
      for (int i = 0; i < 5; i++) {
        send(request(marketo, DESCRIBE).header("Authorization", "Bearer " + token));
      }
      assertThat(marketo.callsToday()).isEqualTo(10);
      HttpResponse<String> over =
          send(request(marketo, DESCRIBE).header("Authorization", "Bearer " + token));
      assertThat(over.body()).contains("\"607\"");
      assertThat(marketo.requests(Endpoint.USAGE)).hasSize(1);

      clock.advance(Duration.ofDays(1));
      HttpResponse<String> tomorrow =
          send(request(marketo, DESCRIBE).header("Authorization", "Bearer " + token(marketo)));
      assertThat(tomorrow.body()).contains("\"success\":true");
      assertThat(marketo.callsToday()).isEqualTo(1);
    }
  }

  @Test
  void theLeadsApiFindsLeadsByFilterValuesAsGetOrFormAndRefusesWithoutPermission()
      throws Exception {
    try (MarketoEmulator marketo = MarketoEmulator.builder().clock(clock).start()) {
      String token = token(marketo);
      String boundary = "b0undary";
      String body =
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
              + "Content-Type: text/csv\r\n\r\nemail,firstName,phone\r\nAnn@Example.com,Ann,+1 555\r\n"
              + "bob@example.com,Bob,\r\n\r\n--"
              + boundary
              + "--\r\n";
      HttpResponse<String> uploaded =
          send(
              request(marketo, "/bulk/v1/leads.json?format=csv&lookupField=email")
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(uploaded.body()).contains("\"Queued\"");
      clock.advance(Duration.ofSeconds(10));

      HttpResponse<String> get =
          send(
              request(
                      marketo,
                      "/rest/v1/leads.json?filterType=email&filterValues=ann@example.com,"
                          + "nobody@example.com&fields=email,firstName,phone,id")
                  .header("Authorization", "Bearer " + token));
      List<?> found = Json.array(Json.object(Json.parse(get.body())).get("result"));
      assertThat(found).hasSize(1);
      assertThat(Json.object(found.get(0)))
          .containsEntry("email", "Ann@Example.com")
          .containsEntry("firstName", "Ann")
          .containsEntry("phone", "+1 555")
          .containsKey("id");

      HttpResponse<String> form =
          send(
              request(marketo, "/rest/v1/leads.json?_method=GET")
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "filterType=email&filterValues=bob%40example.com&fields=email,phone")));
      List<?> bob = Json.array(Json.object(Json.parse(form.body())).get("result"));
      assertThat(bob)
          .singleElement()
          .satisfies(l -> assertThat(Json.object(l)).containsOnlyKeys("email", "phone"));

      String many = String.join(",", java.util.Collections.nCopies(301, "x@example.com"));
      assertThat(
              send(request(marketo, "/rest/v1/leads.json?_method=GET")
                      .header("Authorization", "Bearer " + token)
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "filterType=email&filterValues=" + many)))
                  .body())
          .contains("\"1003\"");
      String longUrl = "/rest/v1/leads.json?filterType=email&filterValues=" + "a".repeat(9_000);
      assertThat(
              send(request(marketo, longUrl).header("Authorization", "Bearer " + token))
                  .statusCode())
          .isEqualTo(414);

      marketo.leadReadAccess(false);
      assertThat(
              send(request(marketo, "/rest/v1/leads.json?filterType=email&filterValues=a@b.c")
                      .header("Authorization", "Bearer " + token))
                  .body())
          .contains("\"603\"");
      assertThat(marketo.requests(Endpoint.LEADS)).hasSize(5);
    }
  }
}
