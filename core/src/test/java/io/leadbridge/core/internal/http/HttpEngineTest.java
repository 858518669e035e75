package io.leadbridge.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.remote.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared engine against MockWebServer, on a clock that moves only when the engine sleeps. */
class HttpEngineTest {
  private final MockWebServer server = new MockWebServer();
  private final TestClock clock = new TestClock();
  private final AtomicInteger tokensFetched = new AtomicInteger();
  private final Deque<TokenCache.Token> tokens = new ArrayDeque<>();

  /** What the test service throws: the kind of failure and the count it was given. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String kind;
    final int count;

    Failure(String kind, int count, Throwable cause) {
      super(kind + " after " + count, cause);
      this.kind = kind;
      this.count = count;
    }
  }

  private static final RemoteService SERVICE =
      new RemoteService() {
        @Override
        public String name() {
          return "Test";
        }

        @Override
        public RuntimeException noAnswer(
            String what, int attempts, String reason, IOException cause) {
          return new Failure("noAnswer", attempts, cause);
        }

        @Override
        public RuntimeException uncertainUpload(String what, IOException cause) {
          return new Failure("uncertain", 1, cause);
        }

        @Override
        public RuntimeException interrupted(String what, InterruptedException cause) {
          return new Failure("interrupted", 0, cause);
        }
      };

  /** Status-based, like Auth0's. */
  private static Verdict byStatus(Answer a) {
    if (a.successful()) {
      return Verdict.accept();
    }
    if (a.status() == 401) {
      return Verdict.renewToken(n -> new Failure("refused", n, null));
    }
    if (a.status() == 429) {
      return Verdict.rateLimited(n -> new Failure("rateLimited", n, null));
    }
    if (a.status() >= 500) {
      return Verdict.retry(n -> new Failure("retry", n, null));
    }
    return Verdict.fail(new Failure("fail", a.status(), null));
  }

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  private HttpEngine.Builder engine(RetryPolicy policy) {
    return HttpEngine.builder(SERVICE, HttpEngine.defaultClient(Duration.ofSeconds(5)))
        .clock(clock)
        .sleeper(clock.sleeper)
        .retryPolicy(policy)
        .requestTimeout(Duration.ofSeconds(5))
        .tokens(
            deadline -> {
              tokensFetched.incrementAndGet();
              TokenCache.Token t = tokens.pollFirst();
              return t != null ? t : new TokenCache.Token("tok-" + tokensFetched.get(), 3600);
            });
  }

  private Call get(String what) {
    return Call.get(what, url("/x")).classifier(HttpEngineTest::byStatus).build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{}").build();
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder().code(200).body(body).build();
  }

  @Test
  void retriesA5xxWithAJitteredBackOffThatDoubles() {
    server.enqueue(status(503));
    server.enqueue(status(500));
    server.enqueue(status(502));
    server.enqueue(ok("done"));
    HttpEngine engine =
        engine(new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(3))).build();

    assertThat(engine.send(get("reading")).body()).isEqualTo("done");

    assertThat(clock.sleeps).hasSize(3);
    assertThat(clock.sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(clock.sleeps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    // capped at maxBackoff
    assertThat(clock.sleeps.get(2)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(3));
    assertThat(engine.calls()).isEqualTo(4);
  }

  @Test
  void givesUpAfterTheRetryPolicyWithTheServicesFailure() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(503));
    }
    HttpEngine engine =
        engine(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1))).build();

    assertThatThrownBy(() -> engine.send(get("reading")))
        .isInstanceOfSatisfying(
            Failure.class,
            f -> {
              assertThat(f.kind).isEqualTo("retry");
              assertThat(f.count).isEqualTo(3);
            });
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(clock.sleeps).hasSize(2);
  }

  @Test
  void a429WaitsForRetryAfterAndDoesNotSpendARetry() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").build());
    server.enqueue(ok("done"));
    HttpEngine engine =
        engine(new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1))).build();

    assertThat(engine.send(get("reading")).body()).isEqualTo("done");

    assertThat(clock.sleeps)
        .singleElement()
        .satisfies(
            d -> assertThat(d).isBetween(Duration.ofMillis(7_050), Duration.ofMillis(7_250)));
  }

  @Test
  void a429WaitsUntilXRateLimitReset() {
    long reset = clock.instant().getEpochSecond() + 4;
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("x-ratelimit-limit", "2")
            .setHeader("x-ratelimit-remaining", "0")
            .setHeader("x-ratelimit-reset", String.valueOf(reset))
            .build());
    server.enqueue(ok("done"));
    HttpEngine engine = engine(RetryPolicy.defaults()).build();

    engine.send(get("reading"));

    assertThat(clock.instant()).isAfter(Instant.ofEpochSecond(reset));
    assertThat(clock.sleeps)
        .singleElement()
        .satisfies(
            d -> assertThat(d).isBetween(Duration.ofMillis(4_050), Duration.ofMillis(4_250)));
  }

  @Test
  void noWaitPassesTheRunsDeadline() {
    server.enqueue(status(503));
    HttpEngine engine =
        engine(new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(10))).build();
    Deadline deadline =
        Deadline.at(
            clock.instant().plusSeconds(4), what -> new Failure("deadline while " + what, 0, null));
    Call call =
        Call.get("reading", url("/x"))
            .classifier(HttpEngineTest::byStatus)
            .deadline(deadline)
            .build();

    assertThatThrownBy(() -> engine.send(call))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.kind).isEqualTo("deadline while reading"));
    assertThat(clock.sleeps).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);

    engine.pause(Duration.ofSeconds(3), "polling", deadline);
    engine.pause(Duration.ofSeconds(1), "polling", deadline); // ends exactly at the deadline
    assertThatThrownBy(() -> engine.pause(Duration.ofMillis(1), "polling", deadline))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.kind).isEqualTo("deadline while polling"));
    assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(1));
  }

  @Test
  void anUploadWhoseConnectionDropsAfterTheBodyWentOutIsUncertainAndNotSentAgain()
      throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(ok("must not be used"));
    HttpEngine engine = engine(RetryPolicy.defaults()).build();
    Call upload =
        Call.post(
                "uploading users.csv",
                url("/upload"),
                "text/csv",
                HttpRequest.BodyPublishers.ofString("email\r\na@example.com\r\n"))
            .upload()
            .classifier(HttpEngineTest::byStatus)
            .build();

    assertThatThrownBy(() -> engine.send(upload))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind).isEqualTo("uncertain"));

    assertThat(server.getRequestCount()).isEqualTo(1);
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getBody().utf8()).isEqualTo("email\r\na@example.com\r\n");
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void anUploadThatNeverConnectedIsRetriedNotUncertain() throws IOException {
    int closedPort;
    try (MockWebServer gone = new MockWebServer()) {
      gone.start();
      closedPort = gone.getPort();
    }
    HttpEngine engine =
        engine(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1))).build();
    Call upload =
        Call.post(
                "uploading users.csv",
                URI.create("http://127.0.0.1:" + closedPort + "/upload"),
                "text/csv",
                HttpRequest.BodyPublishers.ofString("email\r\n"))
            .upload()
            .classifier(HttpEngineTest::byStatus)
            .build();

    assertThatThrownBy(() -> engine.send(upload))
        .isInstanceOfSatisfying(
            Failure.class,
            f -> {
              assertThat(f.kind).isEqualTo("noAnswer");
              assertThat(f.count).isEqualTo(3);
            });
    assertThat(clock.sleeps).hasSize(2);
  }

  @Test
  void aDroppedGetIsRetried() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
              .build());
    }
    server.enqueue(ok("done"));
    HttpEngine engine = engine(RetryPolicy.defaults()).build();

    assertThat(engine.send(get("reading")).body()).isEqualTo("done");
    assertThat(clock.sleeps).isNotEmpty(); // the JDK client itself may retry a dropped GET once
  }

  @Test
  void aRefusedTokenIsRenewedOncePerCall() throws Exception {
    server.enqueue(status(401));
    server.enqueue(ok("done"));
    server.enqueue(status(401));
    server.enqueue(status(401));
    HttpEngine engine = engine(RetryPolicy.defaults()).build();
    Call call =
        Call.get("reading", url("/x")).authorized().classifier(HttpEngineTest::byStatus).build();

    assertThat(engine.send(call).body()).isEqualTo("done");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-1");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer tok-2");

    assertThatThrownBy(() -> engine.send(call))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind).isEqualTo("refused"));
    assertThat(tokensFetched).hasValue(3); // tok-2 was refused in the second call, tok-3 too
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void aTokenIsRefreshedWhenATenthOfItsLifeAtMostAMinuteIsLeft() throws Exception {
    tokens.add(new TokenCache.Token("short", 100));
    tokens.add(new TokenCache.Token("long", 3600));
    for (int i = 0; i < 5; i++) {
      server.enqueue(ok("done"));
    }
    HttpEngine engine = engine(RetryPolicy.defaults()).build();
    Call call =
        Call.get("reading", url("/x")).authorized().classifier(HttpEngineTest::byStatus).build();

    engine.send(call);
    clock.advance(Duration.ofSeconds(89));
    engine.send(call); // 11 s left of 100: still used
    clock.advance(Duration.ofSeconds(1));
    engine.send(call); // 10 s left: refreshed
    clock.advance(Duration.ofSeconds(3539));
    engine.send(call); // 61 s left of 3600: still used
    clock.advance(Duration.ofSeconds(1));
    engine.send(call); // 60 s left: refreshed

    List<String> bearers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bearers.add(server.takeRequest().getHeaders().get("Authorization"));
    }
    assertThat(bearers)
        .containsExactly(
            "Bearer short", "Bearer short", "Bearer long", "Bearer long", "Bearer tok-3");
    assertThat(TokenCache.refreshAt(Instant.EPOCH, 86_400))
        .isEqualTo(Instant.EPOCH.plusSeconds(86_340));
    assertThat(TokenCache.refreshAt(Instant.EPOCH, 5)).isEqualTo(Instant.EPOCH.plusSeconds(5));
  }

  @Test
  void aTokenWithNoLifeLeftIsAskedForAgainAfterASecond() throws Exception {
    tokens.add(new TokenCache.Token("old", 0));
    tokens.add(new TokenCache.Token("new", 3600));
    server.enqueue(ok("done"));
    HttpEngine engine = engine(RetryPolicy.defaults()).build();

    engine.send(
        Call.get("reading", url("/x")).authorized().classifier(HttpEngineTest::byStatus).build());

    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer new");
    assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void theCallBudgetSpacesCallsOverItsWindow() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok("done"));
    }
    HttpEngine engine =
        engine(RetryPolicy.defaults()).callLimit(2, Duration.ofSeconds(10), 1).build();

    for (int i = 0; i < 3; i++) {
      engine.send(get("reading"));
    }

    assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(10));
    assertThat(engine.calls()).isEqualTo(3);
  }

  @Test
  void plainHttpToARemoteHostIsRefusedBeforeAnythingIsSent() {
    HttpEngine engine = engine(RetryPolicy.defaults()).build();
    Call call =
        Call.get("reading", URI.create("http://example.com/x"))
            .authorized()
            .classifier(HttpEngineTest::byStatus)
            .build();

    assertThatThrownBy(() -> engine.send(call))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Plain http://");
    assertThat(tokensFetched).hasValue(0);
    assertThat(engine.calls()).isZero();
  }

  @Test
  void secretsAndTheCurrentTokenAreMasked() {
    server.enqueue(ok("done"));
    HttpEngine engine = engine(RetryPolicy.defaults()).secret("s3cr3t").build();
    engine.send(
        Call.get("reading", url("/x")).authorized().classifier(HttpEngineTest::byStatus).build());

    assertThat(engine.redact("bad s3cr3t or tok-1 here")).isEqualTo("bad *** or *** here");
  }

  @Test
  void anInterruptedWaitStopsTheCall() {
    server.enqueue(status(503));
    HttpEngine engine =
        HttpEngine.builder(SERVICE, HttpEngine.defaultClient(Duration.ofSeconds(5)))
            .clock(clock)
            .sleeper(
                d -> {
                  throw new InterruptedException();
                })
            .build();
    try {
      assertThatThrownBy(() -> engine.send(get("reading")))
          .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind).isEqualTo("interrupted"));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aDownloadGoesToItsFileAndAnErrorAnswerIsReadAsText(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("download"));
    Files.writeString(file, "an older, longer content");
    server.enqueue(ok("payload"));
    server.enqueue(new MockResponse.Builder().code(404).body("{\"error\":\"gone\"}").build());
    HttpEngine engine = engine(RetryPolicy.defaults()).build();
    Call.Builder call = Call.get("downloading", url("/file?sig=x")).secretUrl().downloadTo(file);

    assertThat(engine.send(call.classifier(HttpEngineTest::byStatus).build()).body()).isEmpty();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("payload");
    Answer[] seen = new Answer[1];
    engine.send(
        call.classifier(
                a -> {
                  seen[0] = a;
                  return Verdict.accept();
                })
            .build());
    assertThat(seen[0].status()).isEqualTo(404);
    assertThat(seen[0].body()).isEqualTo("{\"error\":\"gone\"}");
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("payload");
  }
}
