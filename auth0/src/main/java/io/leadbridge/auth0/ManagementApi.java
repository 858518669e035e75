package io.leadbridge.auth0;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.remote.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of an export: the client-credentials token, Management API calls with retries, and
 * the download of the signed link. Never puts the secret, the token or a signed link into a
 * message.
 */
final class ManagementApi {
  private static final Logger LOG = LoggerFactory.getLogger(Auth0ExportJob.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final int MAX_RATE_LIMIT_WAITS = 50;
  private static final int MAX_DETAIL_CHARS = 300;

  /** What an export could not download because the signed link was refused. */
  static final class LinkRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    LinkRefusedException(int status) {
      super("HTTP " + status, null, false, false);
      this.status = status;
    }
  }

  private record Answer(int status, HttpHeaders headers, String body) {}

  private final URI base;
  private final String audience;
  private final String clientId;
  private final String clientSecret;
  private final HttpClient http;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration requestTimeout;
  private final Duration initialBackoff;
  private final int maxRetries;
  private final Instant deadline;
  private final Duration timeout;

  private String jobId;
  private String token;
  private Instant tokenRefreshAt = Instant.MIN;

  ManagementApi(Auth0ExportJob job, HttpClient http, Instant deadline) {
    this.base = job.base();
    this.audience = job.audience();
    this.clientId = job.clientId();
    this.clientSecret = job.clientSecret();
    this.http = http;
    this.clock = job.clock();
    this.sleeper = job.sleeper();
    this.requestTimeout = job.requestTimeout();
    this.initialBackoff = job.initialBackoff();
    this.maxRetries = job.maxRetries();
    this.deadline = deadline;
    this.timeout = job.timeout();
  }

  void jobId(String jobId) {
    this.jobId = jobId;
  }

  /** GETs a Management API path (with its query) and parses the JSON answer. */
  Object get(String pathAndQuery, String what, String scope) {
    return Json.parse(call(what, scope, null, pathAndQuery).body());
  }

  /** POSTs a JSON body to a Management API path and parses the JSON answer as an object. */
  Map<String, Object> post(String path, Object body, String what, String scope) {
    return Json.object(Json.parse(call(what, scope, Json.write(body), path).body()));
  }

  private Answer call(String what, String scope, String body, String pathAndQuery) {
    URI uri = base.resolve(pathAndQuery);
    boolean retriedUnauthorized = false;
    while (true) {
      boolean fresh = ensureToken();
      String bearer = token;
      Answer a =
          exchange(
              what,
              () -> {
                HttpRequest.Builder b =
                    HttpRequest.newBuilder(uri)
                        .timeout(requestTimeout)
                        .header("Accept", "application/json")
                        .header("Authorization", "Bearer " + bearer);
                if (body == null) {
                  b.GET();
                } else {
                  b.header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
                }
                return b.build();
              });
      if (a.status() / 100 == 2) {
        return a;
      }
      Map<String, Object> error = Json.object(Json.parse(a.body()));
      String code = errorCode(error);
      if (a.status() == 401) {
        if (!fresh && !retriedUnauthorized) {
          retriedUnauthorized = true;
          token = null; // revoked or expired early: get a new one once
          continue;
        }
        throw new Auth0ServiceException(
            "Auth0 refused the access token while "
                + what
                + " (HTTP 401"
                + codeSuffix(code)
                + ")"
                + said(error)
                + ". Check that the client id and secret belong to a Machine-to-Machine application"
                + " authorized for the Auth0 Management API of this tenant.",
            401,
            code,
            false);
      }
      if (a.status() == 403) {
        throw new Auth0ServiceException(
            "Auth0 denied "
                + what
                + " (HTTP 403"
                + codeSuffix(code)
                + ")"
                + said(error)
                + ". The application's token probably lacks the "
                + scope
                + " scope: grant "
                + scope
                + " to the application under APIs > Auth0 Management API > Machine to Machine"
                + " Applications.",
            403,
            code,
            false);
      }
      throw new Auth0ServiceException(
          "Auth0 answered HTTP "
              + a.status()
              + codeSuffix(code)
              + " to "
              + what
              + said(error)
              + ". Check the export settings (domain, connection, fields, limit).",
          a.status(),
          code,
          false);
    }
  }

  /** Gets a token if there is none or it is close to expiry; true if a new one was fetched. */
  private boolean ensureToken() {
    if (token != null && clock.instant().isBefore(tokenRefreshAt)) {
      return false;
    }
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)
            + "&audience="
            + URLEncoder.encode(audience, StandardCharsets.UTF_8);
    URI uri = base.resolve("/oauth/token");
    Instant asked = clock.instant();
    Answer a =
        exchange(
            "getting an access token",
            () ->
                HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                    .build());
    Map<String, Object> answer = Json.object(Json.parse(a.body()));
    String code = errorCode(answer);
    if (a.status() == 401 || a.status() == 403) {
      String hint =
          a.status() == 401
              ? ". Check the client id and client secret of the Machine-to-Machine application."
              : ". Authorize the application for the Auth0 Management API (audience "
                  + audience
                  + ") and grant it the read:users scope.";
      throw new Auth0ServiceException(
          "Auth0 refused the client credentials (HTTP "
              + a.status()
              + codeSuffix(code)
              + ")"
              + said(answer)
              + hint,
          a.status(),
          code,
          false);
    }
    if (a.status() / 100 != 2) {
      throw new Auth0ServiceException(
          "Auth0 answered HTTP "
              + a.status()
              + codeSuffix(code)
              + " to the token request"
              + said(answer)
              + ". Check the domain and the audience.",
          a.status(),
          code,
          false);
    }
    String accessToken = Json.string(answer, "access_token");
    if (accessToken == null || accessToken.isBlank()) {
      throw new Auth0ServiceException(
          "Auth0's token answer holds no access_token; check that the domain is an Auth0 tenant.",
          a.status(),
          null,
          false);
    }
    long expiresIn = Json.number(answer, "expires_in", 3600);
    long margin = Math.min(300, Math.max(0, expiresIn / 10));
    token = accessToken;
    tokenRefreshAt = asked.plusSeconds(Math.max(0, expiresIn - margin));
    LOG.debug("Got an Auth0 Management API token valid for {} s", expiresIn);
    return true;
  }

  /**
   * Sends a request, retrying dropped connections and 5xx with jittered back-off and 429 after the
   * rate limit resets. Returns any other answer.
   */
  private Answer exchange(String what, Supplier<HttpRequest> request) {
    int failures = 0;
    int rateLimited = 0;
    while (true) {
      HttpResponse<String> r;
      try {
        r = http.send(request.get(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        failures++;
        if (failures > maxRetries) {
          throw new Auth0TransportException(
              "No answer from Auth0 while "
                  + what
                  + " after "
                  + failures
                  + " attempts ("
                  + describe(e)
                  + "). Check the network and the domain, then try again.",
              e);
        }
        LOG.debug("No answer while {} ({}); retrying", what, describe(e));
        pause(backoff(failures), what);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Auth0TransportException("Interrupted while " + what + ".", e);
      }
      Answer a = new Answer(r.statusCode(), r.headers(), r.body());
      if (a.status() == 429) {
        rateLimited++;
        if (rateLimited > MAX_RATE_LIMIT_WAITS) {
          throw new Auth0ServiceException(
              "Auth0 kept answering HTTP 429 (rate limit) while "
                  + what
                  + " after "
                  + MAX_RATE_LIMIT_WAITS
                  + " waits. Other applications may be using the tenant's Management API quota;"
                  + " try again later.",
              429,
              errorCode(Json.object(Json.parse(a.body()))),
              true);
        }
        Duration wait = rateLimitWait(a.headers(), rateLimited);
        LOG.debug("Rate limited while {}; waiting {}", what, wait);
        pause(wait, what);
        continue;
      }
      if (a.status() >= 500) {
        failures++;
        if (failures > maxRetries) {
          Map<String, Object> error = Json.object(Json.parse(a.body()));
          throw new Auth0ServiceException(
              "Auth0 kept answering HTTP "
                  + a.status()
                  + " while "
                  + what
                  + " after "
                  + failures
                  + " attempts"
                  + said(error)
                  + ". Auth0 may be having trouble: check status.auth0.com and try again later.",
              a.status(),
              errorCode(error),
              true);
        }
        LOG.debug("HTTP {} while {}; retrying", a.status(), what);
        pause(backoff(failures), what);
        continue;
      }
      return a;
    }
  }

  /**
   * Downloads a signed link into a file, replacing its content. Sends the token only when the link
   * is on the tenant itself. Retries dropped connections and 5xx; a refusal that means an expired
   * or unknown link (400, 401, 403, 404, 410) is reported for the caller to get a fresh link.
   *
   * @return the number of bytes written
   */
  long download(URI location, Path target) throws LinkRefusedException {
    boolean sameOrigin = Urls.sameOrigin(location, base);
    int failures = 0;
    int rateLimited = 0;
    while (true) {
      HttpRequest.Builder b = HttpRequest.newBuilder(location).timeout(requestTimeout).GET();
      if (sameOrigin) {
        ensureToken();
        b.header("Authorization", "Bearer " + token);
      }
      String what = "downloading the export";
      try {
        HttpResponse<InputStream> r =
            http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        if (status == 200) {
          long bytes;
          try (InputStream in = r.body();
              OutputStream out =
                  Files.newOutputStream(
                      target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            bytes = in.transferTo(out);
          }
          long expected = r.headers().firstValueAsLong("Content-Length").orElse(-1);
          if (expected >= 0 && expected != bytes) {
            throw new IOException(
                "the download ended after " + bytes + " of " + expected + " bytes");
          }
          return bytes;
        }
        r.body().close();
        if (status == 400 || status == 401 || status == 403 || status == 404 || status == 410) {
          throw new LinkRefusedException(status);
        }
        if (status == 429) {
          rateLimited++;
          if (rateLimited <= MAX_RATE_LIMIT_WAITS) {
            pause(rateLimitWait(r.headers(), rateLimited), what);
            continue;
          }
        }
        if (status >= 500 && ++failures <= maxRetries) {
          LOG.debug("HTTP {} while {}; retrying", status, what);
          pause(backoff(failures), what);
          continue;
        }
        throw new Auth0ServiceException(
            "The export's download link answered HTTP "
                + status
                + (status >= 500 || status == 429
                    ? " after " + (failures + rateLimited) + " retries"
                    : "")
                + ". Try the export again later.",
            status,
            null,
            status >= 500 || status == 429);
      } catch (IOException e) {
        failures++;
        if (failures > maxRetries) {
          throw new Auth0TransportException(
              "The export could not be downloaded after "
                  + failures
                  + " attempts ("
                  + e.getClass().getSimpleName()
                  + "). Check the network and try again.",
              null);
        }
        LOG.debug("Download failed ({}); retrying", e.getClass().getSimpleName());
        pause(backoff(failures), what);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Auth0TransportException("Interrupted while " + what + ".", null);
      }
    }
  }

  /** Waits, unless the wait would pass the overall deadline. */
  void pause(Duration wait, String what) {
    Instant now = clock.instant();
    if (now.plus(wait).isAfter(deadline)) {
      throw new Auth0TimeoutException(
          "The Auth0 export did not finish within "
              + timeout
              + (jobId == null ? "" : " (job " + jobId + ")")
              + "; gave up while "
              + what
              + ". Raise the timeout for large tenants, or try again later.",
          jobId);
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Auth0TransportException("Interrupted while " + what + ".", e);
    }
  }

  /** Exponential back-off with full jitter in its upper half. */
  Duration backoff(int attempt) {
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 16);
    long capped = Math.min(base, MAX_BACKOFF.toMillis());
    long half = Math.max(1, capped / 2);
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  private Duration rateLimitWait(HttpHeaders headers, int attempt) {
    Instant now = clock.instant();
    Optional<String> reset = headers.firstValue("x-ratelimit-reset");
    Duration wait = null;
    if (reset.isPresent()) {
      try {
        Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
        wait = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
      } catch (NumberFormatException e) {
        wait = null;
      }
    }
    if (wait == null) {
      Optional<String> retryAfter = headers.firstValue("Retry-After");
      if (retryAfter.isPresent()) {
        try {
          wait = Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.get().trim())));
        } catch (NumberFormatException e) {
          wait = null;
        }
      }
    }
    if (wait == null) {
      return backoff(attempt);
    }
    if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
      wait = Duration.ofMinutes(10);
    }
    return wait.plusMillis(ThreadLocalRandom.current().nextLong(50, 251));
  }

  private static String errorCode(Map<String, Object> error) {
    String code = Json.string(error, "errorCode");
    return code != null ? code : Json.string(error, "error");
  }

  private static String codeSuffix(String code) {
    return code == null ? "" : " " + code;
  }

  /** Auth0's own explanation, shortened, with any secret or token masked. */
  private String said(Map<String, Object> error) {
    String m = Json.string(error, "message");
    if (m == null) {
      m = Json.string(error, "error_description");
    }
    if (m == null || m.isBlank()) {
      return "";
    }
    m = redact(m.strip());
    if (m.length() > MAX_DETAIL_CHARS) {
      m = m.substring(0, MAX_DETAIL_CHARS) + "…";
    }
    return "; Auth0 said: \"" + m + "\"";
  }

  String redact(String text) {
    String out = text;
    if (!clientSecret.isEmpty()) {
      out = out.replace(clientSecret, "***");
    }
    if (token != null && !token.isEmpty()) {
      out = out.replace(token, "***");
    }
    return out;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null || m.isBlank() || m.contains("?") ? "" : ": " + m);
  }
}
