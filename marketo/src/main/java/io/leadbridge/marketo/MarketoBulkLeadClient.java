package io.leadbridge.marketo;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.remote.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of Marketo's Bulk Lead Import API: token handling, upload, batch status, failure and
 * warning files, header checks against the instance's lead fields, and {@link #importAndAwait} that
 * does the whole cycle.
 *
 * <pre>{@code
 * MarketoBulkLeadClient marketo = MarketoBulkLeadClient.builder()
 *     .endpoint(URI.create("https://123-ABC-456.mktorest.com"))
 *     .clientId(System.getenv("MARKETO_CLIENT_ID"))
 *     .clientSecret(System.getenv("MARKETO_CLIENT_SECRET"))
 *     .build();
 * ImportReport report = marketo.importAndAwait(export,
 *     ImportOptions.builder().lookupField("email").listId(1234).build());
 * report.failures().forEach(f -> System.out.println(f.userIds() + ": " + f.reason()));
 * }</pre>
 *
 * <p><b>Calls.</b> The access token goes only in the {@code Authorization: Bearer} header; it is
 * fetched from {@code /identity/oauth/token}, reused, and renewed a minute before it expires or
 * when Marketo answers 601/602. Marketo reports most errors as HTTP 200 with {@code success:
 * false}: every answer's body is read. Rate limits (606, 615), a full import queue (1016, 1019),
 * busy-server codes and 5xx answers are retried with jittered exponential back-off ({@link
 * RetryPolicy}); 607 (daily quota) and the caller's mistakes stop at once with a {@link
 * MarketoServiceException}. The client keeps its own share of the instance's limits: by default at
 * most 50 calls in 20 seconds and 5 at once, since other integrations use the same instance.
 *
 * <p><b>Waiting.</b> Batches are polled every 5 seconds, the interval growing to 30 seconds while a
 * batch does not change; every poll counts against the instance's 50,000 calls a day. All waiting
 * goes through the injected {@link Clock} and {@link Sleeper}.
 *
 * <p>Immutable and thread-safe once built; one client is meant to be shared.
 */
public final class MarketoBulkLeadClient {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);
  static final Set<String> RETRYABLE =
      Set.of("502", "604", "606", "608", "611", "615", "713", "719", "1016", "1019");
  static final Set<String> TOKEN = Set.of("601", "602");

  final URI endpoint;
  private final String clientId;
  private final String clientSecret;
  private final HttpClient http;
  final Duration requestTimeout;
  final RetryPolicy retryPolicy;
  private final CallBudget budget;
  final Duration minPollInterval;
  final Duration maxPollInterval;
  final Clock clock;
  final Sleeper sleeper;
  final boolean headerCheck;
  final long maxFileBytes;
  final int maxQueuedBatches;
  final Duration timeout;
  final ImportListener listener;
  private final Builder settings;

  private final Object tokenLock = new Object();
  private String token;
  private Instant tokenExpires = Instant.MIN;
  private volatile List<LeadField> leadFields;
  private final AtomicLong calls = new AtomicLong();

  private MarketoBulkLeadClient(Builder b) {
    if (b.endpoint == null || b.clientId == null || b.clientSecret == null) {
      throw new IllegalArgumentException(
          "A Marketo client needs endpoint(...), clientId(...) and clientSecret(...): find them in"
              + " Marketo under Admin > Integration > Web Services and LaunchPoint.");
    }
    this.endpoint = checkEndpoint(b.endpoint);
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.requestTimeout = b.requestTimeout;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.retryPolicy = b.retryPolicy;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.budget = new CallBudget(b.maxCalls, b.callWindow, b.maxConcurrentCalls, clock, sleeper);
    if (b.minPollInterval.compareTo(b.maxPollInterval) > 0) {
      throw new IllegalArgumentException("The poll interval's minimum is above its maximum.");
    }
    this.minPollInterval = b.minPollInterval;
    this.maxPollInterval = b.maxPollInterval;
    this.headerCheck = b.headerCheck;
    if (b.maxFileBytes <= 1024 || b.maxFileBytes > 10_000_000) {
      throw new IllegalArgumentException(
          "maxFileBytes must be above 1 KB and at most 10,000,000: Marketo refuses files of 10 MB.");
    }
    this.maxFileBytes = b.maxFileBytes;
    this.maxQueuedBatches = b.maxQueuedBatches;
    this.timeout = b.timeout;
    this.listener = b.listener;
    this.settings = b.copy();
  }

  private static URI checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    String host = endpoint.getHost();
    if (host == null || scheme == null) {
      throw new IllegalArgumentException(
          "The endpoint must be a URL such as https://123-ABC-456.mktorest.com");
    }
    if (scheme.equals("http")) {
      if (!isLoopback(host)) {
        throw new IllegalArgumentException(
            "Plain http:// is refused for "
                + host
                + ": use https://, or a loopback host for tests.");
      }
    } else if (!scheme.equals("https")) {
      throw new IllegalArgumentException("The endpoint must use https://, not " + scheme + "://");
    }
    String s = endpoint.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith("/rest")) {
      s = s.substring(0, s.length() - 5);
    }
    return URI.create(s);
  }

  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * A new builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this client's settings (not its token or caches).
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return settings.copy();
  }

  /**
   * API calls this client has made so far, tokens included.
   *
   * @return the count
   */
  public long callsMade() {
    return calls.get();
  }

  // ------------------------------------------------------------------------------ operations

  /**
   * Uploads one file as a bulk import job. The file must be under 10 MB; its header row must use
   * lead fields' REST names. Checks the header first unless the check is off.
   *
   * @param file the file, in {@link ImportOptions#format()}
   * @param options the lookup field, list, partition and format
   * @return the new batch, usually {@link BatchStatus.State#QUEUED}
   * @throws MarketoServiceException if Marketo refuses the file
   * @throws MarketoUncertainUploadException if the connection dropped after the file was sent:
   *     Marketo may have accepted it
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoHeaderException if the header names fields the instance does not have
   */
  public BatchStatus upload(Path file, ImportOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new MarketoException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (size >= 10_000_000L) {
      throw new MarketoException(
          file.getFileName()
              + " is "
              + size
              + " bytes; Marketo takes files under 10 MB. Use importAndAwait, which splits it.");
    }
    if (headerCheck) {
      checkHeader(readHeader(file, options.format()));
    }
    return doUpload(file, file.getFileName().toString(), options.format(), options);
  }

  BatchStatus doUpload(Path file, String name, CsvFormat format, ImportOptions options) {
    Multipart body = Multipart.withRandomBoundary();
    body.field("format", ImportOptions.marketoFormat(format));
    body.field("lookupField", options.lookupField());
    options.partitionName().ifPresent(p -> body.field("partitionName", p));
    options.listId().ifPresent(id -> body.field("listId", Integer.toString(id)));
    body.file("file", name, "text/csv", file);
    Map<String, Object> answer =
        call(
            "upload " + name,
            true,
            t -> {
              try {
                return HttpRequest.newBuilder(uri("/bulk/v1/leads.json"))
                    .header("Content-Type", body.contentType())
                    .POST(body.publisher());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return batch(answer);
  }

  /**
   * Reads a batch's status.
   *
   * @param batchId the batch
   * @return its status
   * @throws MarketoServiceException if Marketo does not know the batch
   * @throws MarketoTransportException if Marketo could not be reached
   */
  public BatchStatus status(long batchId) {
    return batch(
        call(
            "status of batch " + batchId,
            false,
            t -> HttpRequest.newBuilder(uri("/bulk/v1/leads/batch/" + batchId + ".json")).GET()));
  }

  private static BatchStatus batch(Map<String, Object> answer) {
    List<?> result = Json.array(answer.get("result"));
    Map<String, Object> r = result.isEmpty() ? Map.of() : Json.object(result.get(0));
    String message = Json.string(r, "message");
    return new BatchStatus(
        Json.number(r, "batchId", 0),
        Json.string(r, "importId"),
        BatchStatus.State.parse(Json.string(r, "status")),
        Json.number(r, "numOfLeadsProcessed", 0),
        Json.number(r, "numOfRowsFailed", 0),
        Json.number(r, "numOfRowsWithWarning", 0),
        message == null ? "" : message);
  }

  /**
   * Reads the rows of a batch that failed, with Marketo's reason for each.
   *
   * @param batchId the batch
   * @param format the format the batch's file was uploaded in
   * @return the rows, streamed from a temporary file; close them
   * @throws MarketoServiceException if Marketo refuses
   */
  public BatchRows failures(long batchId, CsvFormat format) {
    return rows(batchId, "failures", format);
  }

  /**
   * Reads the rows of a batch that failed, for a batch uploaded as CSV.
   *
   * @param batchId the batch
   * @return the rows; close them
   */
  public BatchRows failures(long batchId) {
    return failures(batchId, CsvFormat.CSV);
  }

  /**
   * Reads the rows of a batch imported with a warning, with Marketo's reason for each.
   *
   * @param batchId the batch
   * @param format the format the batch's file was uploaded in
   * @return the rows, streamed from a temporary file; close them
   * @throws MarketoServiceException if Marketo refuses
   */
  public BatchRows warnings(long batchId, CsvFormat format) {
    return rows(batchId, "warnings", format);
  }

  /**
   * Reads the rows of a batch imported with a warning, for a batch uploaded as CSV.
   *
   * @param batchId the batch
   * @return the rows; close them
   */
  public BatchRows warnings(long batchId) {
    return warnings(batchId, CsvFormat.CSV);
  }

  private BatchRows rows(long batchId, String kind, CsvFormat format) {
    Path temp;
    try {
      temp =
          OwnerOnlyFiles.createTempFile(
              Path.of(System.getProperty("java.io.tmpdir")), "leadbridge-" + kind + "-", ".txt");
    } catch (IOException e) {
      throw new MarketoException("Cannot create a temporary file: " + e.getMessage(), e);
    }
    try {
      String body =
          callForText(
              kind + " of batch " + batchId,
              t ->
                  HttpRequest.newBuilder(
                          uri("/bulk/v1/leads/batch/" + batchId + "/" + kind + ".json"))
                      .GET());
      Files.writeString(temp, body, StandardCharsets.UTF_8);
      CsvReader reader =
          format.toBuilder().charset(StandardCharsets.UTF_8).build().openReader(temp);
      return new BatchRows(temp, reader);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the original problem is the one to report
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new MarketoException("Cannot store the " + kind + " of batch " + batchId, e);
    }
  }

  /**
   * The instance's lead fields, read once from {@code describe2.json} and cached for the client's
   * life.
   *
   * @return the fields
   * @throws MarketoServiceException if Marketo refuses
   */
  public List<LeadField> describeLeadFields() {
    List<LeadField> fields = leadFields;
    if (fields == null) {
      Map<String, Object> answer =
          call(
              "describe lead fields",
              false,
              t -> HttpRequest.newBuilder(uri("/rest/v1/leads/describe2.json")).GET());
      List<LeadField> out = new ArrayList<>();
      for (Object o : Json.array(answer.get("result"))) {
        for (Object f : Json.array(Json.object(o).get("fields"))) {
          Map<String, Object> m = Json.object(f);
          out.add(
              new LeadField(
                  Json.string(m, "name"),
                  Json.string(m, "displayName"),
                  Json.string(m, "dataType"),
                  (int) Json.number(m, "length", 0),
                  !Boolean.FALSE.equals(m.get("updateable"))));
        }
      }
      fields = List.copyOf(out);
      leadFields = fields;
    }
    return fields;
  }

  /**
   * Checks a file header against the instance's lead fields: every column must be the REST name of
   * an updateable field.
   *
   * @param header the column names
   * @throws MarketoHeaderException listing every unknown or read-only column with the closest REST
   *     name
   */
  public void checkHeader(List<String> header) {
    HeaderCheck.check(header, describeLeadFields());
  }

  /**
   * Imports an export and waits for Marketo to finish: splits parts over the size limit, keeps at
   * most {@code maxQueuedBatches} of its batches in the queue, polls until each batch is complete
   * or failed, reads failure and warning files, and traces every such row back to its user through
   * the export's row keys. Resumable: see the journal note in the README. An export that wrote no
   * row (an incremental sync in which nothing changed) is not uploaded: the report is empty and no
   * call is made.
   *
   * @param export the exported files
   * @param options the lookup field, list and partition
   * @return the report
   * @throws MarketoException if the import cannot go on (daily quota, refused credentials, bad
   *     header, timeout); batches already accepted are in the journal for the next run
   */
  public ImportReport importAndAwait(ExportResult export, ImportOptions options) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(options, "options");
    if (export.rowsWritten() == 0) {
      LOG.info("The export has no rows: nothing to import");
      return new ImportReport(
          List.of(), List.of(), List.of(), List.of(), Duration.ZERO, 0, Map.of());
    }
    return new ImportRun(
            this, export.paths(), export.format(), export.rowKeys().orElse(null), options)
        .run();
  }

  /**
   * Imports one file in {@link ImportOptions#format()} and waits for Marketo to finish.
   *
   * @param file the file
   * @param options the options
   * @return the report
   * @throws MarketoException if the import cannot go on
   */
  public ImportReport importAndAwait(Path file, ImportOptions options) {
    return importAndAwait(List.of(file), options);
  }

  /**
   * Imports files in {@link ImportOptions#format()} and waits for Marketo to finish.
   *
   * @param files the files, each with a header row
   * @param options the options
   * @return the report
   * @throws MarketoException if the import cannot go on
   */
  public ImportReport importAndAwait(List<Path> files, ImportOptions options) {
    return new ImportRun(this, files, options.format(), null, options).run();
  }

  static List<String> readHeader(Path file, CsvFormat format) {
    try (CsvReader r = format.openReader(file)) {
      return r.header();
    } catch (IOException | UncheckedIOException e) {
      throw new MarketoException("Cannot read the header of " + file + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------------------ transport

  /** Builds a request once a token is at hand. */
  @FunctionalInterface
  interface RequestSpec {
    HttpRequest.Builder build(String token);
  }

  private URI uri(String path) {
    return URI.create(endpoint + path);
  }

  /**
   * Makes one API call with token handling, the call budget and retries; returns the JSON answer of
   * a successful call.
   *
   * @param ambiguousOnDrop true for an upload, whose dropped answer may hide an accepted job
   */
  Map<String, Object> call(String what, boolean ambiguousOnDrop, RequestSpec spec) {
    return Json.object(exchange(what, ambiguousOnDrop, false, spec));
  }

  /** Like {@link #call} for answers that are files (failures, warnings): returns the body text. */
  String callForText(String what, RequestSpec spec) {
    return (String) exchange(what, false, true, spec);
  }

  /**
   * The one retry loop behind every call: a JSON answer's map, or for {@code file} the body of an
   * answer that is not a JSON error.
   */
  private Object exchange(String what, boolean ambiguousOnDrop, boolean file, RequestSpec spec) {
    boolean renewed = false;
    int attempt = 0;
    while (true) {
      String t = token();
      HttpResponse<String> response;
      try {
        response = send(spec.build(t).header("Authorization", "Bearer " + t), what);
      } catch (MarketoTransportException e) {
        if (ambiguousOnDrop && !(e.getCause() instanceof ConnectException)) {
          throw new MarketoUncertainUploadException(
              "The connection dropped during "
                  + what
                  + " after the file was sent; Marketo may have accepted it. It was not sent again,"
                  + " since a second import of the same rows duplicates lead activity.",
              e);
        }
        attempt = retryOrThrow(attempt, e, what);
        continue;
      }
      int status = response.statusCode();
      if (status == 413) {
        throw new MarketoServiceException(
            "HTTP 413", "file too large", null, false, "the file must be under 10 MB.");
      }
      if (status >= 500) {
        attempt =
            retryOrThrow(
                attempt,
                new MarketoServiceException("HTTP " + status, null, null, true, "server error"),
                what);
        continue;
      }
      if (file && !isJsonError(response)) {
        return response.body();
      }
      Map<String, Object> answer = parse(response, what);
      if (Boolean.TRUE.equals(answer.get("success"))) {
        return file ? response.body() : answer;
      }
      List<?> errors = Json.array(answer.get("errors"));
      Map<String, Object> error = errors.isEmpty() ? Map.of() : Json.object(errors.get(0));
      String code = String.valueOf(error.getOrDefault("code", "unknown"));
      if (TOKEN.contains(code) && !renewed) {
        renewed = true;
        invalidate(t);
        LOG.debug("Marketo answered {} to {}; renewing the access token", code, what);
        continue;
      }
      boolean retryable = RETRYABLE.contains(code);
      MarketoServiceException failure =
          new MarketoServiceException(
              code,
              Json.string(error, "message"),
              Json.string(answer, "requestId"),
              retryable,
              advice(code, what));
      if (!retryable) {
        throw failure;
      }
      attempt = retryOrThrow(attempt, failure, what);
    }
  }

  /** Whether a file download came back as Marketo's JSON error answer instead of the file. */
  private static boolean isJsonError(HttpResponse<String> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    return type.contains("json") && response.body().stripLeading().startsWith("{\"");
  }

  private static String advice(String code, String what) {
    switch (code) {
      case "601":
      case "602":
        return "the access token was refused twice during " + what + "; check the API user's role.";
      case "603":
        return "access denied: give the API user's role the Read-Write Lead permission.";
      case "607":
        return "the instance's daily API quota is used up; run again after midnight (instance"
            + " time), or ask Adobe for a larger quota.";
      case "1003":
        return "the file or request was refused during " + what + " (an empty file?).";
      case "1016":
        return "the import queue stayed full (10 jobs) during " + what + "; run again later.";
      case "606":
      case "615":
        return "the instance's rate limit was hit during "
            + what
            + " after every retry; other"
            + " integrations may be using it. Run again later or lower maxCalls.";
      default:
        return RETRYABLE.contains(code)
            ? "Marketo stayed busy during " + what + "; run again later."
            : "the request for " + what + " was refused.";
    }
  }

  private int retryOrThrow(int attempt, RuntimeException failure, String what) {
    if (attempt >= retryPolicy.maxRetries()) {
      if (failure instanceof MarketoServiceException) {
        throw failure;
      }
      throw new MarketoTransportException(
          "Marketo could not be reached for "
              + what
              + " after "
              + (attempt + 1)
              + " attempts: "
              + failure.getMessage(),
          failure);
    }
    int next = attempt + 1;
    Duration base = retryPolicy.backoff(next);
    long jittered = (long) (base.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble() / 2));
    LOG.debug(
        "Retrying {} in {} ms (attempt {}): {}", what, jittered, next + 1, failure.getMessage());
    sleep(Duration.ofMillis(jittered));
    return next;
  }

  void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarketoException("Interrupted while waiting for Marketo.", e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String what) {
    try {
      budget.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarketoException("Interrupted while waiting for Marketo.", e);
    }
    try {
      calls.incrementAndGet();
      return http.send(
          request.timeout(requestTimeout).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MarketoTransportException(
          "No answer from Marketo for " + what + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarketoException("Interrupted while waiting for Marketo.", e);
    } finally {
      budget.release();
    }
  }

  private static String describe(IOException e) {
    String kind = e.getClass().getSimpleName();
    return e instanceof java.net.http.HttpTimeoutException ? "timed out" : kind;
  }

  private static Map<String, Object> parse(HttpResponse<String> response, String what) {
    Object answer = Json.parse(response.body());
    if (!(answer instanceof Map)) {
      throw new MarketoTransportException(
          "Marketo's answer to " + what + " was not JSON (HTTP " + response.statusCode() + ").");
    }
    return Json.object(answer);
  }

  // ------------------------------------------------------------------------------ token

  private String token() {
    synchronized (tokenLock) {
      Instant now = clock.instant();
      if (token != null && now.isBefore(tokenExpires)) {
        return token;
      }
      for (int i = 0; ; i++) {
        Map<String, Object> answer = fetchToken();
        String t = Json.string(answer, "access_token");
        long expiresIn = Json.number(answer, "expires_in", 0);
        if (t == null || t.isEmpty()) {
          throw new MarketoServiceException(
              "identity", "no access_token in the answer", null, false, "check the endpoint.");
        }
        if (expiresIn <= 0 && i < 3) {
          // The old token is at its very end; Marketo hands out a new one once it has expired.
          sleep(Duration.ofSeconds(1));
          continue;
        }
        token = t;
        long margin = Math.min(60, Math.max(0, expiresIn / 10));
        tokenExpires = clock.instant().plusSeconds(Math.max(0, expiresIn - margin));
        return token;
      }
    }
  }

  private void invalidate(String used) {
    synchronized (tokenLock) {
      if (used.equals(token)) {
        token = null;
      }
    }
  }

  private Map<String, Object> fetchToken() {
    URI uri =
        uri(
            "/identity/oauth/token?grant_type=client_credentials&client_id="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret="
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
    int attempt = 0;
    while (true) {
      HttpResponse<String> response;
      try {
        response = send(HttpRequest.newBuilder(uri).GET(), "the access token");
      } catch (MarketoTransportException e) {
        attempt = retryOrThrow(attempt, e, "the access token");
        continue;
      }
      int status = response.statusCode();
      if (status >= 500) {
        attempt =
            retryOrThrow(
                attempt,
                new MarketoServiceException("HTTP " + status, null, null, true, "server error"),
                "the access token");
        continue;
      }
      Object parsed = Json.parse(response.body());
      if (!(parsed instanceof Map)) {
        throw new MarketoTransportException(
            "The identity endpoint's answer was not JSON (HTTP "
                + status
                + "); check the endpoint.");
      }
      Map<String, Object> answer = Json.object(parsed);
      if (status == 401 || status == 400 || answer.containsKey("error")) {
        throw new MarketoServiceException(
            "identity " + status,
            Json.string(answer, "error"),
            null,
            false,
            "the client id or secret was refused; check them in Admin > LaunchPoint.");
      }
      return answer;
    }
  }

  @Override
  public String toString() {
    return "MarketoBulkLeadClient[" + endpoint + ", clientId=" + mask(clientId) + "]";
  }

  private static String mask(String s) {
    return s.length() <= 4 ? "****" : s.substring(0, 4) + "****";
  }

  // ------------------------------------------------------------------------------ builder

  /** Builds a {@link MarketoBulkLeadClient}. */
  public static final class Builder {
    private URI endpoint;
    private String clientId;
    private String clientSecret;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private int maxCalls = 50;
    private Duration callWindow = Duration.ofSeconds(20);
    private int maxConcurrentCalls = 5;
    private Duration minPollInterval = Duration.ofSeconds(5);
    private Duration maxPollInterval = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private boolean headerCheck = true;
    private long maxFileBytes = 9_900_000;
    private int maxQueuedBatches = 2;
    private Duration timeout = Duration.ofHours(6);
    private ImportListener listener = ImportListener.none();

    private Builder() {}

    Builder copy() {
      Builder b = new Builder();
      b.endpoint = endpoint;
      b.clientId = clientId;
      b.clientSecret = clientSecret;
      b.httpClient = httpClient;
      b.connectTimeout = connectTimeout;
      b.requestTimeout = requestTimeout;
      b.retryPolicy = retryPolicy;
      b.maxCalls = maxCalls;
      b.callWindow = callWindow;
      b.maxConcurrentCalls = maxConcurrentCalls;
      b.minPollInterval = minPollInterval;
      b.maxPollInterval = maxPollInterval;
      b.clock = clock;
      b.sleeper = sleeper;
      b.headerCheck = headerCheck;
      b.maxFileBytes = maxFileBytes;
      b.maxQueuedBatches = maxQueuedBatches;
      b.timeout = timeout;
      b.listener = listener;
      return b;
    }

    /**
     * The instance's REST endpoint, e.g. {@code https://123-ABC-456.mktorest.com} (a trailing
     * {@code /rest} is dropped). Plain {@code http://} only for a loopback host.
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * The API user's client id.
     *
     * @param clientId from Admin &gt; LaunchPoint
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * The API user's client secret. Never logged or shown.
     *
     * @param clientSecret from Admin &gt; LaunchPoint
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      return this;
    }

    /**
     * The HTTP client to use, e.g. with a proxy. It should not follow redirects.
     *
     * @param httpClient the client; by default one that never follows redirects
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * How long to wait for a connection (for the default HTTP client).
     *
     * @param connectTimeout 10 seconds by default
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long to wait for one answer.
     *
     * @param requestTimeout 120 seconds by default (uploads of 10 MB take a while)
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * How failed calls are retried.
     *
     * @param retryPolicy {@link RetryPolicy#defaults()} by default
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * This client's share of the instance's limits (Marketo allows 100 calls in 20 seconds and 10
     * at once per instance, shared by every integration).
     *
     * @param maxCalls calls started within {@code window}; 50 by default
     * @param window the window; 20 seconds by default
     * @param maxConcurrent calls at once; 5 by default
     * @return this builder
     */
    public Builder callBudget(int maxCalls, Duration window, int maxConcurrent) {
      if (maxCalls < 1 || maxConcurrent < 1 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("A call budget needs positive numbers.");
      }
      this.maxCalls = maxCalls;
      this.callWindow = window;
      this.maxConcurrentCalls = maxConcurrent;
      return this;
    }

    /**
     * The bounds of the poll interval: polling starts at {@code min} and grows to {@code max} while
     * a batch does not change.
     *
     * @param min 5 seconds by default
     * @param max 30 seconds by default
     * @return this builder
     */
    public Builder pollInterval(Duration min, Duration max) {
      this.minPollInterval = Objects.requireNonNull(min, "min");
      this.maxPollInterval = Objects.requireNonNull(max, "max");
      return this;
    }

    /**
     * The clock for token expiry, back-off and timeouts.
     *
     * @param clock the system clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How the client waits; tests inject one that moves a manual clock.
     *
     * @param sleeper {@link Sleeper#system()} by default
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Whether to check a file's header against the instance's lead fields before the first upload.
     *
     * @param headerCheck true by default
     * @return this builder
     */
    public Builder headerCheck(boolean headerCheck) {
      this.headerCheck = headerCheck;
      return this;
    }

    /**
     * The largest part {@code importAndAwait} uploads; larger files are split at record boundaries,
     * each part with the header.
     *
     * @param maxFileBytes 9,900,000 by default (Marketo takes files under 10 MB)
     * @return this builder
     */
    public Builder maxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /**
     * How many of this client's batches {@code importAndAwait} keeps queued or importing at once.
     * The instance's queue holds 10 jobs of every integration, 2 importing.
     *
     * @param maxQueuedBatches 2 by default
     * @return this builder
     */
    public Builder maxQueuedBatches(int maxQueuedBatches) {
      if (maxQueuedBatches < 1 || maxQueuedBatches > 10) {
        throw new IllegalArgumentException("maxQueuedBatches must be between 1 and 10.");
      }
      this.maxQueuedBatches = maxQueuedBatches;
      return this;
    }

    /**
     * The longest {@code importAndAwait} may take.
     *
     * @param timeout 6 hours by default
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Receives progress reports from {@code importAndAwait}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ImportListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the client. Makes no network call.
     *
     * @return the client
     * @throws IllegalArgumentException if the endpoint or credentials are missing or unsafe
     */
    public MarketoBulkLeadClient build() {
      return new MarketoBulkLeadClient(this);
    }

    @Override
    public String toString() {
      return "MarketoBulkLeadClient.Builder[" + endpoint + "]";
    }
  }
}
