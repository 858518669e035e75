package io.leadbridge.core.internal.http;

import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.remote.Sleeper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP engine under every remote client: it sends a {@link Call}, with the cached access
 * token, inside the optional call budget, and applies the service's {@link AnswerClassifier} to
 * each answer. It owns the only retry loop: dropped connections and retryable answers back off as
 * {@link Backoff} says within the {@link RetryPolicy}; rate limits wait for their reset (at most
 * {@value #MAX_RATE_LIMIT_WAITS} times per call); a refused token is renewed once per call; an
 * upload whose body went out and whose answer was lost is never repeated. Every wait goes through
 * the injected {@link Clock} and {@link Sleeper} and stops at the run's {@link Deadline}.
 *
 * <p>Never logs a URL, a header or a body: URLs may carry secrets, bodies personal data.
 * Thread-safe.
 */
public final class HttpEngine {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEngine.class);

  /** How many times one call waits for a rate limit to reset before it gives up. */
  public static final int MAX_RATE_LIMIT_WAITS = 50;

  private final RemoteService service;
  private final HttpClient http;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;
  private final CallLimiter limiter;
  private final TokenCache tokens;
  private final List<String> secrets;
  private final AtomicLong calls = new AtomicLong();

  private HttpEngine(Builder b) {
    this.service = b.service;
    this.http = b.http;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.retryPolicy = b.retryPolicy;
    this.requestTimeout = b.requestTimeout;
    this.limiter =
        b.maxCalls > 0
            ? new CallLimiter(b.maxCalls, b.window, b.maxConcurrent, b.clock, b.sleeper)
            : null;
    this.tokens = b.fetcher == null ? null : new TokenCache(clock, this::pause, b.fetcher);
    this.secrets = List.copyOf(b.secrets);
  }

  /**
   * Starts an engine for a service.
   *
   * @param service how the service words failures no answer classifies
   * @param http the HTTP client; it should not follow redirects
   * @return a builder
   */
  public static Builder builder(RemoteService service, HttpClient http) {
    return new Builder(service, http);
  }

  /**
   * A new HTTP client that never follows redirects, so that no token follows one to another host.
   *
   * @param connectTimeout how long to wait for a connection
   * @return the client
   */
  public static HttpClient defaultClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Sends a call until its classifier accepts an answer or the engine gives up.
   *
   * @param call the call
   * @return the accepted answer
   * @throws RuntimeException the classifier's failure, or one of the service's for no answer, an
   *     uncertain upload, an interruption, or the deadline's
   */
  public Answer send(Call call) {
    Endpoints.check(call.uri(), "The URL of " + call.what());
    if (call.authorized() && tokens == null) {
      throw new IllegalStateException("No token source for an authorized call: " + call.what());
    }
    int failures = 0;
    int rateLimitWaits = 0;
    boolean renewed = false;
    while (true) {
      String token = call.authorized() ? tokens.get(call.deadline()) : null;
      SentBody body = call.body() == null ? null : new SentBody(call.body());
      Answer answer;
      try {
        answer = attempt(call, token, body);
      } catch (IOException e) {
        IOException cause = call.secretUrl() ? null : e;
        if (call.upload() && body != null && body.sent && !neverConnected(e)) {
          LOG.debug("{}: the connection dropped after {} went out", service.name(), call.what());
          throw service.uncertainUpload(call.what(), cause);
        }
        failures++;
        String reason = describe(e, call.secretUrl());
        if (failures > retryPolicy.maxRetries()) {
          throw service.noAnswer(call.what(), failures, reason, cause);
        }
        Duration wait = Backoff.delay(retryPolicy, failures);
        LOG.debug(
            "{}: no answer for {} ({}); retry {} in {} ms",
            service.name(),
            call.what(),
            reason,
            failures,
            wait.toMillis());
        pause(wait, call.what(), call.deadline());
        continue;
      }
      Verdict verdict = call.classifier().classify(answer);
      switch (verdict.kind()) {
        case ACCEPT:
          return answer;
        case RENEW_TOKEN:
          if (token != null && !renewed) {
            renewed = true;
            tokens.invalidate(token);
            LOG.debug("{} refused the token for {}; renewing it", service.name(), call.what());
            continue;
          }
          throw verdict.failure(failures + 1);
        case RETRY:
          failures++;
          if (failures > retryPolicy.maxRetries()) {
            throw verdict.failure(failures);
          }
          Duration wait = Backoff.delay(retryPolicy, failures);
          LOG.debug(
              "{}: HTTP {} for {}; retry {} in {} ms",
              service.name(),
              answer.status(),
              call.what(),
              failures,
              wait.toMillis());
          pause(wait, call.what(), call.deadline());
          continue;
        case RATE_LIMITED:
          if (rateLimitWaits >= MAX_RATE_LIMIT_WAITS) {
            throw verdict.failure(rateLimitWaits);
          }
          rateLimitWaits++;
          int waits = rateLimitWaits;
          Duration reset =
              Backoff.rateLimitWait(answer.headers(), clock.instant())
                  .orElseGet(() -> Backoff.delay(retryPolicy, waits));
          LOG.debug(
              "{}: rate limited during {}; waiting {} ms",
              service.name(),
              call.what(),
              reset.toMillis());
          pause(reset, call.what(), call.deadline());
          continue;
        default:
          throw verdict.failure(failures + 1);
      }
    }
  }

  private Answer attempt(Call call, String token, SentBody body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(call.uri()).timeout(requestTimeout);
    call.headers().forEach(request::header);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body == null) {
      request.GET();
    } else {
      request.POST(body);
    }
    if (limiter != null) {
      try {
        limiter.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw service.interrupted(call.what(), e);
      }
    }
    try {
      calls.incrementAndGet();
      HttpResponse<String> response = http.send(request.build(), handler(call));
      if (call.downloadTo() != null && response.statusCode() == 200) {
        long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long bytes = Files.size(call.downloadTo());
        if (expected >= 0 && expected != bytes) {
          throw new IOException("the download ended after " + bytes + " of " + expected + " bytes");
        }
      }
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw service.interrupted(call.what(), e);
    } finally {
      if (limiter != null) {
        limiter.release();
      }
    }
  }

  private static HttpResponse.BodyHandler<String> handler(Call call) {
    if (call.downloadTo() == null) {
      return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
    }
    return info ->
        info.statusCode() == 200
            ? HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofFile(
                    call.downloadTo(),
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING),
                file -> "")
            : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
  }

  /**
   * Waits, unless the wait would pass the deadline.
   *
   * @param wait how long
   * @param what what is waited for, for the deadline's message
   * @param deadline the run's deadline
   * @throws RuntimeException the deadline's exception if the wait would pass it, or the service's
   *     if the thread is interrupted
   */
  public void pause(Duration wait, String what, Deadline deadline) {
    if (!deadline.allows(clock.instant(), wait)) {
      throw deadline.expired(what);
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw service.interrupted(what, e);
    }
  }

  /**
   * HTTP requests sent so far, token requests and retries included.
   *
   * @return the count
   */
  public long calls() {
    return calls.get();
  }

  /**
   * The engine's clock.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Masks the client's secrets and current token in a text from the service, such as its error
   * message.
   *
   * @param text the text
   * @return the text with every secret replaced by {@code ***}
   */
  public String redact(String text) {
    String out = text;
    List<String> all = new ArrayList<>(secrets);
    String token = tokens == null ? null : tokens.current();
    if (token != null) {
      all.add(token);
    }
    for (String s : all) {
      if (!s.isEmpty()) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }

  private static boolean neverConnected(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** A failure in a few words, without a message that could quote a secret URL. */
  static String describe(IOException e, boolean secretUrl) {
    if (e instanceof HttpConnectTimeoutException) {
      return "the connection timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "timed out";
    }
    String kind = e.getClass().getSimpleName();
    String m = e.getMessage();
    if (secretUrl
        || m == null
        || m.isBlank()
        || m.contains("?")
        || m.contains("://")
        || m.length() > 200) {
      return kind;
    }
    return kind + ": " + m;
  }

  @Override
  public String toString() {
    return "HttpEngine[" + service.name() + ", " + retryPolicy + "]";
  }

  /** A body that notes whether any of it was handed to the connection. */
  private static final class SentBody implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher delegate;
    private volatile boolean sent;

    SentBody(HttpRequest.BodyPublisher delegate) {
      this.delegate = delegate;
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      delegate.subscribe(
          new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
              sent = true;
              subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }
  }

  /** Builds an {@link HttpEngine}. */
  public static final class Builder {
    private final RemoteService service;
    private final HttpClient http;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxCalls;
    private Duration window;
    private int maxConcurrent;
    private TokenCache.Fetcher fetcher;
    private final List<String> secrets = new ArrayList<>();

    private Builder(RemoteService service, HttpClient http) {
      this.service = Objects.requireNonNull(service, "service");
      this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * The clock of token expiry, rate-limit resets and deadlines.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What waits.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * How failed attempts are retried.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The longest one attempt may take.
     *
     * @param requestTimeout the timeout
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Keeps the client within a call budget; none by default.
     *
     * @param maxCalls calls started within any {@code window}
     * @param window the window
     * @param maxConcurrent calls at once
     * @return this builder
     */
    public Builder callLimit(int maxCalls, Duration window, int maxConcurrent) {
      this.maxCalls = maxCalls;
      this.window = Objects.requireNonNull(window, "window");
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /**
     * Where tokens for {@link Call.Builder#authorized() authorized} calls come from.
     *
     * @param fetcher asks the service for a token, through this engine
     * @return this builder
     */
    public Builder tokens(TokenCache.Fetcher fetcher) {
      this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /**
     * A secret to mask wherever {@link HttpEngine#redact} is used.
     *
     * @param secret the secret, such as the client secret
     * @return this builder
     */
    public Builder secret(String secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Builds the engine.
     *
     * @return the engine
     */
    public HttpEngine build() {
      return new HttpEngine(this);
    }
  }
}
