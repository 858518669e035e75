package io.leadbridge.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.testkit.ManualClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmulatorServerTest {
  private enum Endpoint {
    ECHO,
    ACCEPT,
    BROKEN,
    SILENT,
    HELD,
    OTHER
  }

  private final ManualClock clock = ManualClock.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger accepted = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch held = new CountDownLatch(1);
  private final EmulatorServer<Endpoint> server =
      EmulatorServer.builder("Test", Endpoint.class)
          .classifier(
              (method, path) ->
                  switch (path) {
                    case "/echo" -> Endpoint.ECHO;
                    case "/accept" -> Endpoint.ACCEPT;
                    case "/broken" -> Endpoint.BROKEN;
                    case "/silent" -> Endpoint.SILENT;
                    case "/held" -> Endpoint.HELD;
                    default -> Endpoint.OTHER;
                  })
          .route(Endpoint.ECHO, ex -> ex.json(200, Map.of("body", ex.bodyText())))
          .route(
              Endpoint.ACCEPT,
              ex -> {
                accepted.incrementAndGet();
                ex.accepted();
                ex.text(202, "text/plain", "accepted");
              })
          .route(
              Endpoint.BROKEN,
              ex -> {
                throw new IllegalStateException("a bug");
              })
          .route(Endpoint.SILENT, ex -> {})
          .route(
              Endpoint.HELD,
              ex -> {
                held.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                ex.text(200, "text/plain", "released");
              })
          .route(Endpoint.OTHER, ex -> ex.text(404, "text/plain", "none"))
          .faultAnswer(
              (ex, fault) ->
                  ex.json(
                      fault.kind() == Fault.Kind.STATUS ? fault.status() : 200,
                      Map.of("fault", String.valueOf(fault.code()))))
          .jsonType("application/json; test")
          .keepBodies(true)
          .clock(clock)
          .sleeper(clock.sleeper())
          .start();

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.baseUri().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersOnLoopbackAndRecordsEachRequestWithItsStatus() throws Exception {
    assertThat(server.baseUri().toString()).isEqualTo("http://127.0.0.1:" + server.port());
    HttpResponse<String> r = post("/echo?x=1", "hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json; test");
    assertThat(r.body()).isEqualTo("{\"body\":\"hello\"}");
    assertThat(post("/nowhere", "").statusCode()).isEqualTo(404);

    List<RequestLog.Entry<Endpoint>> log = server.log().answered();
    assertThat(log)
        .extracting(RequestLog.Entry::endpoint)
        .containsExactly(Endpoint.ECHO, Endpoint.OTHER);
    RequestLog.Entry<Endpoint> echo = log.get(0);
    assertThat(echo.method()).isEqualTo("POST");
    assertThat(echo.path()).isEqualTo("/echo");
    assertThat(echo.query()).isEqualTo("x=1");
    assertThat(echo.body()).isEqualTo("hello");
    assertThat(echo.bodyBytes()).isEqualTo(5);
    assertThat(echo.status()).isEqualTo(200);
    assertThat(echo.received()).isEqualTo(clock.instant());
    assertThat(echo.headers()).containsKey("content-length");
    assertThatThrownBy(() -> echo.headers().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void faultsHitTheNthCallOfTheirEndpointOnly() throws Exception {
    server.faults().add(Endpoint.ECHO, 2, Fault.status(503));
    server.faults().add(Endpoint.ECHO, 3, Fault.serviceError("E7"));
    server.faults().add(Endpoint.ECHO, 4, Fault.drop());
    server.faults().add(Endpoint.OTHER, 1, Fault.status(500));

    assertThat(post("/echo", "1").statusCode()).isEqualTo(200);
    HttpResponse<String> status = post("/echo", "2");
    assertThat(status.statusCode()).isEqualTo(503);
    assertThat(post("/echo", "3").body()).isEqualTo("{\"fault\":\"E7\"}");
    assertThatThrownBy(() -> post("/echo", "4")).isInstanceOf(IOException.class);
    assertThat(post("/echo", "5").body()).isEqualTo("{\"body\":\"5\"}");
    assertThat(post("/x", "").statusCode()).isEqualTo(500);
    assertThat(post("/x", "").statusCode()).isEqualTo(404);

    assertThat(server.log().answered())
        .extracting(RequestLog.Entry::status)
        .containsExactly(200, 503, 200, 0, 200, 500, 404);
  }

  @Test
  void aDelayWaitsThroughTheSleeperThenAnswersNormally() throws Exception {
    server.faults().add(Endpoint.ECHO, 1, Fault.delay(Duration.ofMinutes(3)));
    Instant sent = clock.instant();

    assertThat(post("/echo", "late").body()).isEqualTo("{\"body\":\"late\"}");

    assertThat(clock.instant()).isEqualTo(sent.plus(Duration.ofMinutes(3)));
    assertThat(server.log().answered().get(0).received()).isEqualTo(sent);
  }

  @Test
  void dropAfterAcceptActsOnTheRequestThenDropsTheConnection() throws Exception {
    server.faults().add(Endpoint.ACCEPT, 1, Fault.dropAfterAccept());
    assertThatThrownBy(() -> post("/accept", "")).isInstanceOf(IOException.class);
    assertThat(accepted).hasValue(1);
    assertThat(post("/accept", "").statusCode()).isEqualTo(202);
    assertThat(accepted).hasValue(2);
    assertThat(server.log().answered())
        .extracting(RequestLog.Entry::status)
        .containsExactly(0, 202);
  }

  @Test
  void aHandlerThatThrowsOrDoesNotAnswerDropsTheConnectionAndTheServerGoesOn() throws Exception {
    assertThatThrownBy(() -> post("/broken", "")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> post("/silent", "")).isInstanceOf(IOException.class);
    assertThat(post("/echo", "ok").statusCode()).isEqualTo(200);
    assertThat(server.log().answered())
        .extracting(RequestLog.Entry::status)
        .containsExactly(0, 0, 200);
  }

  @Test
  void aRequestBeingAnsweredIsLoggedButNotYetAnswered() throws Exception {
    CompletableFuture<HttpResponse<String>> pending =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post("/held", "");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(server.log().all())
        .extracting(RequestLog.Entry::status)
        .containsExactly(RequestLog.PENDING);
    release.countDown();
    assertThat(pending.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
    assertThat(server.log().answered()).extracting(RequestLog.Entry::status).containsExactly(200);
  }

  @Test
  void everyEndpointNeedsAHandler() {
    assertThatThrownBy(
            () ->
                EmulatorServer.builder("Test", Endpoint.class)
                    .classifier((m, p) -> Endpoint.OTHER)
                    .faultAnswer((ex, f) -> {})
                    .route(Endpoint.OTHER, ex -> {})
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ECHO");
  }
}
