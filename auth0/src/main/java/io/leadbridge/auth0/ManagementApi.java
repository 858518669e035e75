package io.leadbridge.auth0;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.http.Answer;
import io.leadbridge.core.internal.http.Call;
import io.leadbridge.core.internal.http.Deadline;
import io.leadbridge.core.internal.http.Endpoints;
import io.leadbridge.core.internal.http.HttpEngine;
import io.leadbridge.core.internal.http.RemoteService;
import io.leadbridge.core.internal.http.TokenCache;
import io.leadbridge.core.internal.http.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Auth0 side of one export over the shared {@link HttpEngine}: the client-credentials token,
 * Management API calls and the download of the signed link, with Auth0's classification of answers
 * by status (401 renews the token once, 403 names the scope, 429 waits for {@code
 * x-ratelimit-reset}, 5xx is retried). Never puts the secret, the token or a signed link into a
 * message. One per run of {@link Auth0ExportJob#open()}: the run's deadline applies to every wait.
 */
final class ManagementApi implements RemoteService {
  private static final Logger LOG = LoggerFactory.getLogger(Auth0ExportJob.class);
  static final String SERVICE = "Auth0";
  private static final int MAX_DETAIL_CHARS = 300;
  private static final String REQUEST_ID = "x-auth0-requestid";

  /** The signed link was refused: the caller gets a fresh one. */
  static final class LinkRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    LinkRefusedException(int status) {
      super("HTTP " + status, null, false, false);
      this.status = status;
    }
  }

  /** Carries a refused link out of the engine. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status) {
      super("HTTP " + status, null, false, false);
      this.status = status;
    }
  }

  private final URI base;
  private final String audience;
  private final String clientId;
  private final String clientSecret;
  private final Duration timeout;
  private final HttpEngine engine;
  private final Deadline deadline;
  private volatile String jobId;

  ManagementApi(Auth0ExportJob job, HttpClient http, Instant deadline) {
    this.base = job.base();
    this.audience = job.audience();
    this.clientId = job.clientId();
    this.clientSecret = job.clientSecret();
    this.timeout = job.timeout();
    this.engine =
        HttpEngine.builder(this, http)
            .clock(job.clock())
            .sleeper(job.sleeper())
            .retryPolicy(job.retryPolicy())
            .requestTimeout(job.requestTimeout())
            .tokens(this::fetchToken)
            .secret(clientSecret)
            .build();
    this.deadline = Deadline.at(deadline, this::timedOut);
  }

  /** The tenant's base URL, {@code https://host[:port]}, from a domain or a full URL. */
  static URI tenantBase(String domain) {
    String d = domain;
    while (d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(d.contains("://") ? d : "https://" + d);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The Auth0 domain is not a valid host name: give it as tenant.eu.auth0.com.");
    }
    if (uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
      throw new IllegalArgumentException(
          "The Auth0 domain must be a host name such as tenant.eu.auth0.com, without path or"
              + " query.");
    }
    Endpoints.check(uri, "The Auth0 domain");
    return URI.create(
        uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + uri.getRawAuthority().toLowerCase(Locale.ROOT));
  }

  void jobId(String jobId) {
    this.jobId = jobId;
  }

  /** GETs a Management API path (with its query) and parses the JSON answer. */
  Object get(String pathAndQuery, String what, String scope) {
    Call call =
        Call.get(what, base.resolve(pathAndQuery))
            .header("Accept", "application/json")
            .authorized()
            .classifier(a -> classify(a, what, scope))
            .deadline(deadline)
            .build();
    return Json.parse(engine.send(call).body());
  }

  /** POSTs a JSON body to a Management API path and parses the JSON answer as an object. */
  Map<String, Object> post(String path, Object body, String what, String scope) {
    Call call =
        Call.post(
                what,
                base.resolve(path),
                "application/json",
                HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8))
            .header("Accept", "application/json")
            .authorized()
            .classifier(a -> classify(a, what, scope))
            .deadline(deadline)
            .build();
    return Json.object(Json.parse(engine.send(call).body()));
  }

  /**
   * Downloads a signed link into a file, replacing its content. Sends the token only when the link
   * is on the tenant itself. A refusal that means an expired or unknown link (400, 401, 403, 404,
   * 410) is reported for the caller to get a fresh link.
   *
   * @return the number of bytes written
   */
  long download(URI location, Path target) throws LinkRefusedException {
    Call.Builder call =
        Call.get("downloading the export", location)
            .secretUrl()
            .downloadTo(target)
            .classifier(this::classifyDownload)
            .deadline(deadline);
    if (Endpoints.sameOrigin(location, base)) {
      call.authorized();
    }
    try {
      engine.send(call.build());
      return Files.size(target);
    } catch (Refused e) {
      throw new LinkRefusedException(e.status);
    } catch (IOException e) {
      throw new Auth0Exception(
          "Cannot read the downloaded export " + target + ": " + e.getMessage(), e);
    }
  }

  /** Waits, unless the wait would pass the overall deadline. */
  void pause(Duration wait, String what) {
    engine.pause(wait, what, deadline);
  }

  // ------------------------------------------------------------------------------ answers

  private Verdict classify(Answer a, String what, String scope) {
    if (a.successful()) {
      return Verdict.accept();
    }
    Map<String, Object> error = Json.object(Json.parse(a.body()));
    String code = errorCode(error);
    String requestId = a.header(REQUEST_ID).orElse(null);
    switch (a.status()) {
      case 401:
        return Verdict.renewToken(
            n ->
                new Auth0ServiceException(
                    "Auth0 refused the access token while "
                        + what
                        + " (HTTP 401"
                        + codeSuffix(code)
                        + ")"
                        + said(error)
                        + ". Check that the client id and secret belong to a Machine-to-Machine"
                        + " application authorized for the Auth0 Management API of this tenant.",
                    401,
                    code,
                    requestId,
                    false));
      case 403:
        return Verdict.fail(
            new Auth0ServiceException(
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
                    + " to the application under APIs > Auth0 Management API > Machine to"
                    + " Machine Applications.",
                403,
                code,
                requestId,
                false));
      case 429:
        return rateLimited(what, code, requestId);
      default:
        break;
    }
    return otherStatus(
        a,
        "while " + what,
        what,
        error,
        code,
        requestId,
        "the export settings (domain," + " connection, fields, limit)");
  }

  /** A 5xx is retried; any other status the caller's mistake, with what to check. */
  private Verdict otherStatus(
      Answer a,
      String during,
      String what,
      Map<String, Object> error,
      String code,
      String requestId,
      String check) {
    if (a.status() >= 500) {
      return Verdict.retry(
          n ->
              new Auth0ServiceException(
                  "Auth0 kept answering HTTP "
                      + a.status()
                      + " "
                      + during
                      + " after "
                      + n
                      + " attempts"
                      + said(error)
                      + ". Auth0 may be having trouble: check status.auth0.com and try again"
                      + " later.",
                  a.status(),
                  code,
                  requestId,
                  true));
    }
    return Verdict.fail(
        new Auth0ServiceException(
            "Auth0 answered HTTP "
                + a.status()
                + codeSuffix(code)
                + " to "
                + what
                + said(error)
                + ". Check "
                + check
                + ".",
            a.status(),
            code,
            requestId,
            false));
  }

  private Verdict classifyToken(Answer a) {
    String what = "the token request";
    if (a.successful()) {
      return Verdict.accept();
    }
    Map<String, Object> answer = Json.object(Json.parse(a.body()));
    String code = errorCode(answer);
    String requestId = a.header(REQUEST_ID).orElse(null);
    if (a.status() == 401 || a.status() == 403) {
      String hint =
          a.status() == 401
              ? ". Check the client id and client secret of the Machine-to-Machine application."
              : ". Authorize the application for the Auth0 Management API (audience "
                  + audience
                  + ") and grant it the read:users scope.";
      return Verdict.fail(
          new Auth0ServiceException(
              "Auth0 refused the client credentials (HTTP "
                  + a.status()
                  + codeSuffix(code)
                  + ")"
                  + said(answer)
                  + hint,
              a.status(),
              code,
              requestId,
              false));
    }
    if (a.status() == 429) {
      return rateLimited(what, code, requestId);
    }
    return otherStatus(
        a, "to " + what, what, answer, code, requestId, "the domain and the audience");
  }

  private Verdict classifyDownload(Answer a) {
    int status = a.status();
    if (status == 200) {
      return Verdict.accept();
    }
    if (status == 400 || status == 401 || status == 403 || status == 404 || status == 410) {
      return Verdict.fail(new Refused(status));
    }
    if (status == 429) {
      return Verdict.rateLimited(
          n ->
              new Auth0ServiceException(
                  "The export's download link kept answering HTTP 429 after "
                      + n
                      + " waits. Try the export again later.",
                  status,
                  null,
                  null,
                  true));
    }
    if (status >= 500) {
      return Verdict.retry(
          n ->
              new Auth0ServiceException(
                  "The export's download link answered HTTP "
                      + status
                      + " after "
                      + n
                      + " attempts. Try the export again later.",
                  status,
                  null,
                  null,
                  true));
    }
    return Verdict.fail(
        new Auth0ServiceException(
            "The export's download link answered HTTP " + status + ". Try the export again later.",
            status,
            null,
            null,
            false));
  }

  private static Verdict rateLimited(String what, String code, String requestId) {
    return Verdict.rateLimited(
        n ->
            new Auth0ServiceException(
                "Auth0 kept answering HTTP 429 (rate limit) while "
                    + what
                    + " after "
                    + n
                    + " waits. Other applications may be using the tenant's Management API"
                    + " quota; try again later.",
                429,
                code,
                requestId,
                true));
  }

  // ------------------------------------------------------------------------------ token

  private TokenCache.Token fetchToken(Deadline deadline) {
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + "&client_secret="
            + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)
            + "&audience="
            + URLEncoder.encode(audience, StandardCharsets.UTF_8);
    Call call =
        Call.post(
                "getting an access token",
                base.resolve("/oauth/token"),
                "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
            .header("Accept", "application/json")
            .classifier(this::classifyToken)
            .deadline(deadline)
            .build();
    Answer a = engine.send(call);
    Map<String, Object> answer = Json.object(Json.parse(a.body()));
    String accessToken = Json.string(answer, "access_token");
    if (accessToken == null || accessToken.isBlank()) {
      throw new Auth0ServiceException(
          "Auth0's token answer holds no access_token; check that the domain is an Auth0 tenant.",
          a.status(),
          null,
          a.header(REQUEST_ID).orElse(null),
          false);
    }
    long expiresIn = Json.number(answer, "expires_in", 3600);
    LOG.debug("Got an Auth0 Management API token valid for {} s", expiresIn);
    return new TokenCache.Token(accessToken, expiresIn);
  }

  // ------------------------------------------------------------------------------ failures

  @Override
  public String name() {
    return SERVICE;
  }

  @Override
  public RuntimeException noAnswer(String what, int attempts, String reason, IOException cause) {
    return new Auth0TransportException(
        "No answer from Auth0 while "
            + what
            + " after "
            + attempts
            + " attempts ("
            + reason
            + "). Check the network and the domain, then try again.",
        cause);
  }

  @Override
  public RuntimeException uncertainUpload(String what, IOException cause) {
    // The export sends no uploads; a lost answer to a request is simply retried.
    return noAnswer(what, 1, "the connection dropped", cause);
  }

  @Override
  public RuntimeException interrupted(String what, InterruptedException cause) {
    return new Auth0TransportException("Interrupted while " + what + ".", cause);
  }

  private RuntimeException timedOut(String what) {
    String job = jobId;
    return new Auth0TimeoutException(
        "The Auth0 export did not finish within "
            + timeout
            + (job == null ? "" : " (job " + job + ")")
            + "; gave up while "
            + what
            + ". Raise the timeout for large tenants, or try again later.",
        job);
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
    m = engine.redact(m.strip());
    if (m.length() > MAX_DETAIL_CHARS) {
      m = m.substring(0, MAX_DETAIL_CHARS) + "…";
    }
    return "; Auth0 said: \"" + m + "\"";
  }
}
