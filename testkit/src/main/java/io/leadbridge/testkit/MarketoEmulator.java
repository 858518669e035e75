package io.leadbridge.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.csv.CsvWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that behaves like a Marketo instance's Bulk Lead Import API: the identity
 * endpoint with expiring tokens, Bearer-only authentication (601/602), {@code describe2.json},
 * multipart uploads parsed for real in the delimiter of {@code format}, headers checked against a
 * lead schema, 413 over 10 MB, 1003 on an empty file, a FIFO queue of at most 10 jobs (1016 beyond)
 * with 2 importing at once at a set rows-per-second, statuses Queued → Importing → Complete or
 * Failed with running counts, failure and warning files, an in-memory lead store upserted by the
 * lookup field, 606 over the rate limit and 615 over the concurrency limit.
 *
 * <p>Time comes from an injectable {@link Clock}: share a {@link ManualClock} with the client so
 * that imports progress only while the client sleeps, and tests never really wait. Faults are
 * injected on the nth call of a kind ({@link #failWithCode}, {@link #failWithStatus}, {@link
 * #drop}, {@link #dropAfterAccept}, {@link #delay}, {@link #failNextBatch}), and every request is
 * recorded.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();
 * try (MarketoEmulator marketo = MarketoEmulator.builder().clock(clock).rowsPerSecond(5_000).start()) {
 *   MarketoBulkLeadClient client = MarketoBulkLeadClient.builder()
 *       .endpoint(marketo.endpoint())
 *       .clientId(marketo.clientId()).clientSecret(marketo.clientSecret())
 *       .clock(clock).sleeper(clock.sleeper())
 *       .build();
 *   ...
 *   assertThat(marketo.leads()).hasSize(10_000);
 * }
 * }</pre>
 */
public final class MarketoEmulator implements AutoCloseable {

  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** The kinds of call the emulator answers. */
  public enum Endpoint {
    /** {@code GET /identity/oauth/token}. */
    TOKEN,
    /** {@code GET /rest/v1/leads/describe2.json}. */
    DESCRIBE,
    /** {@code POST /bulk/v1/leads.json}. */
    UPLOAD,
    /** {@code GET /bulk/v1/leads/batch/{id}.json}. */
    STATUS,
    /** {@code GET /bulk/v1/leads/batch/{id}/failures.json}. */
    FAILURES,
    /** {@code GET /bulk/v1/leads/batch/{id}/warnings.json}. */
    WARNINGS,
    /** Anything else. */
    OTHER
  }

  /**
   * A lead field of the emulated instance.
   *
   * @param name the REST name
   * @param displayName the display name
   * @param dataType the data type
   * @param length the longest value kept (longer values are truncated with a warning), 0 for none
   * @param updateable whether the API may write it
   */
  public record Field(
      String name, String displayName, String dataType, int length, boolean updateable) {}

  /**
   * A request the emulator received.
   *
   * @param endpoint what kind of call it was
   * @param method the HTTP method
   * @param path the path
   * @param query the raw query string, or {@code null}
   * @param headers the headers, names in lower case
   * @param bodyBytes the size of the body
   * @param at when it arrived, by the emulator's clock
   */
  public record Request(
      Endpoint endpoint,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      long bodyBytes,
      Instant at) {
    /**
     * The first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or {@code null}
     */
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** Marketo's standard lead fields used by default: a few of them read-only. */
  public static final List<Field> STANDARD_FIELDS =
      List.of(
          new Field("id", "Id", "integer", 0, false),
          new Field("email", "Email Address", "email", 255, true),
          new Field("firstName", "First Name", "string", 255, true),
          new Field("lastName", "Last Name", "string", 255, true),
          new Field("phone", "Phone Number", "phone", 255, true),
          new Field("company", "Company Name", "string", 255, true),
          new Field("title", "Job Title", "string", 255, true),
          new Field("leadSource", "Lead Source", "string", 255, true),
          new Field("createdAt", "Created At", "datetime", 0, false),
          new Field("updatedAt", "Updated At", "datetime", 0, false));

  private enum FaultKind {
    CODE,
    STATUS,
    DROP,
    DROP_AFTER_ACCEPT,
    DELAY
  }

  private record Fault(FaultKind kind, String code, int status, Duration delay) {}

  /** One import job, ours or foreign. */
  private static final class Job {
    long id;
    String importId;
    List<String> header;
    char delimiter;
    List<List<String>> rows;
    int lookupIndex;
    String[] failureReason;
    String[] warningReason;
    int rowCount;
    Instant start;
    Instant end;
    boolean failBatch;
    String failMessage;
    boolean applied;
  }

  private final String clientId;
  private final String clientSecret;
  private final Duration tokenTtl;
  private final List<Field> fields;
  private final int rowsPerSecond;
  private final int importSlots;
  private final int queueLimit;
  private final int rateLimit;
  private final Duration rateWindow;
  private final int concurrencyLimit;
  private final long maxFileBytes;
  private final Clock clock;

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI endpoint;
  private final Object lock = new Object();
  private final Map<String, Instant> tokens = new HashMap<>();
  private String currentToken;
  private final List<Job> jobs = new ArrayList<>();
  private final Instant[] slotFreeAt;
  private long nextBatchId = 1000;
  private final ArrayDeque<Instant> callTimes = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Map<String, String>> leads = new LinkedHashMap<>();
  private final Map<String, Integer> importCounts = new HashMap<>();
  private final Map<Endpoint, AtomicInteger> counts = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Map<Integer, Fault>> faults = new EnumMap<>(Endpoint.class);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ArrayDeque<String> batchFailures = new ArrayDeque<>();
  private int tokenCounter;

  private MarketoEmulator(Builder b) throws IOException {
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.tokenTtl = b.tokenTtl;
    this.fields = List.copyOf(b.fields);
    this.rowsPerSecond = b.rowsPerSecond;
    this.importSlots = b.importSlots;
    this.queueLimit = b.queueLimit;
    this.rateLimit = b.rateLimit;
    this.rateWindow = b.rateWindow;
    this.concurrencyLimit = b.concurrencyLimit;
    this.maxFileBytes = b.maxFileBytes;
    this.clock = b.clock;
    this.slotFreeAt = new Instant[importSlots];
    for (Endpoint e : Endpoint.values()) {
      counts.put(e, new AtomicInteger());
      faults.put(e, new ConcurrentHashMap<>());
    }
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "marketo-emulator");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * A builder with the defaults: standard lead fields, 1,000 rows per second, 2 import slots, a
   * queue of 10, 100 calls in 20 seconds, 10 at once, files under 10 MB, the system clock.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The REST endpoint to give the client, e.g. {@code http://127.0.0.1:54321}.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The client id the identity endpoint accepts.
   *
   * @return the client id
   */
  public String clientId() {
    return clientId;
  }

  /**
   * The client secret the identity endpoint accepts.
   *
   * @return the client secret
   */
  public String clientSecret() {
    return clientSecret;
  }

  // ------------------------------------------------------------------------------ test controls

  /**
   * Answers the nth call of a kind (1-based, counted from the start) with a Marketo error code in
   * an HTTP 200 body, as Marketo does.
   *
   * @param endpoint the kind of call
   * @param nth which call
   * @param code e.g. {@code "606"}
   * @return this emulator
   */
  public MarketoEmulator failWithCode(Endpoint endpoint, int nth, String code) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.CODE, code, 0, null));
    return this;
  }

  /**
   * Answers the nth call of a kind with an HTTP status and no useful body.
   *
   * @param endpoint the kind of call
   * @param nth which call
   * @param status e.g. 503
   * @return this emulator
   */
  public MarketoEmulator failWithStatus(Endpoint endpoint, int nth, int status) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.STATUS, null, status, null));
    return this;
  }

  /**
   * Closes the connection of the nth call of a kind without an answer and without acting on it.
   *
   * @param endpoint the kind of call
   * @param nth which call
   * @return this emulator
   */
  public MarketoEmulator drop(Endpoint endpoint, int nth) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.DROP, null, 0, null));
    return this;
  }

  /**
   * Accepts the nth upload (the job is queued) and then closes the connection without an answer.
   *
   * @param nth which upload
   * @return this emulator
   */
  public MarketoEmulator dropAfterAccept(int nth) {
    faults.get(Endpoint.UPLOAD).put(nth, new Fault(FaultKind.DROP_AFTER_ACCEPT, null, 0, null));
    return this;
  }

  /**
   * Delays the answer to the nth call of a kind by real time, to test the client's timeouts.
   *
   * @param endpoint the kind of call
   * @param nth which call
   * @param delay how long
   * @return this emulator
   */
  public MarketoEmulator delay(Endpoint endpoint, int nth, Duration delay) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.DELAY, null, 0, delay));
    return this;
  }

  /**
   * Makes the next accepted batch end {@code Failed} with this message, importing nothing.
   *
   * @param message Marketo's message for the failure
   * @return this emulator
   */
  public MarketoEmulator failNextBatch(String message) {
    synchronized (lock) {
      batchFailures.add(message);
    }
    return this;
  }

  /**
   * Puts jobs of other integrations in the queue.
   *
   * @param count how many
   * @param rowsEach rows in each, which sets how long they take
   * @return this emulator
   */
  public MarketoEmulator addForeignJobs(int count, int rowsEach) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        Job job = new Job();
        job.id = nextBatchId++;
        job.rowCount = rowsEach;
        job.rows = List.of();
        job.header = List.of();
        job.failureReason = new String[0];
        job.warningReason = new String[0];
        schedule(job, clock.instant());
        jobs.add(job);
      }
    }
    return this;
  }

  /**
   * Makes every token issued so far expired: the next call with one gets 602.
   *
   * @return this emulator
   */
  public MarketoEmulator expireTokens() {
    synchronized (lock) {
      Instant past = clock.instant().minusSeconds(1);
      tokens.replaceAll((k, v) -> past);
      currentToken = null;
    }
    return this;
  }

  // ------------------------------------------------------------------------------ observations

  /**
   * The lead store: each lead's fields by lookup value (lower-cased), after the imports that have
   * completed by the emulator's clock.
   *
   * @return a copy
   */
  public Map<String, Map<String, String>> leads() {
    synchronized (lock) {
      advance(clock.instant());
      Map<String, Map<String, String>> copy = new LinkedHashMap<>();
      leads.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
      return copy;
    }
  }

  /**
   * How many times imports upserted the lead with this lookup value: 1 means imported once.
   *
   * @param lookupValue the lookup value, any case
   * @return the count
   */
  public int importCount(String lookupValue) {
    synchronized (lock) {
      advance(clock.instant());
      return importCounts.getOrDefault(lookupValue.toLowerCase(Locale.ROOT), 0);
    }
  }

  /**
   * The largest number of times any lead was upserted: 1 when nothing was imported twice.
   *
   * @return the maximum, 0 when nothing was imported
   */
  public int maxImportCount() {
    synchronized (lock) {
      advance(clock.instant());
      return importCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
  }

  /**
   * Jobs accepted from clients (foreign jobs not counted).
   *
   * @return the count
   */
  public int acceptedUploads() {
    synchronized (lock) {
      return (int) jobs.stream().filter(j -> j.header != null && !j.header.isEmpty()).count();
    }
  }

  /**
   * Every request received, in order.
   *
   * @return an unmodifiable copy
   */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * The requests of one kind.
   *
   * @param endpoint the kind
   * @return the requests, in order
   */
  public List<Request> requests(Endpoint endpoint) {
    return requests.stream().filter(r -> r.endpoint() == endpoint).toList();
  }

  // ------------------------------------------------------------------------------ the server

  private static Endpoint classify(String method, String path) {
    if (path.equals("/identity/oauth/token")) {
      return Endpoint.TOKEN;
    }
    if (path.equals("/rest/v1/leads/describe2.json")) {
      return Endpoint.DESCRIBE;
    }
    if (method.equals("POST") && path.equals("/bulk/v1/leads.json")) {
      return Endpoint.UPLOAD;
    }
    if (path.startsWith("/bulk/v1/leads/batch/")) {
      if (path.endsWith("/failures.json")) {
        return Endpoint.FAILURES;
      }
      if (path.endsWith("/warnings.json")) {
        return Endpoint.WARNINGS;
      }
      return Endpoint.STATUS;
    }
    return Endpoint.OTHER;
  }

  private static final class Dropped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Dropped() {
      super("dropped on purpose", null, false, false);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    Endpoint kind = classify(method, path);
    int n = counts.get(kind).incrementAndGet();
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    ex.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    requests.add(new Request(kind, method, path, query, headers, body.length, clock.instant()));
    Fault fault = faults.get(kind).remove(n);
    int concurrent = inFlight.incrementAndGet();
    try {
      route(ex, kind, path, query, headers, body, fault, concurrent);
    } catch (Dropped e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // A bug in the emulator must not leave the client waiting for an answer.
      System.err.println("MarketoEmulator: internal error answering " + kind + ": " + e);
      e.printStackTrace();
      throw new Dropped();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void route(
      HttpExchange ex,
      Endpoint kind,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      Fault fault,
      int concurrent)
      throws IOException {
    {
      if (fault != null && fault.kind() == FaultKind.DROP) {
        throw new Dropped();
      }
      if (fault != null && fault.kind() == FaultKind.DELAY) {
        try {
          Thread.sleep(fault.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Dropped();
        }
      }
      if (fault != null && fault.kind() == FaultKind.STATUS) {
        send(ex, fault.status(), "text/html", "<html>error</html>");
        return;
      }
      if (fault != null && fault.kind() == FaultKind.CODE) {
        sendError(ex, fault.code(), "Injected error " + fault.code());
        return;
      }
      if (kind == Endpoint.TOKEN) {
        token(ex, query);
        return;
      }
      if (concurrent > concurrencyLimit) {
        sendError(ex, "615", "Concurrent access limit reached");
        return;
      }
      String auth = authorize(ex, query);
      if (auth != null) {
        sendError(ex, auth, auth.equals("602") ? "Access token expired" : "Access token invalid");
        return;
      }
      if (!withinRate()) {
        sendError(ex, "606", "Max rate limit '100' exceeded with in '20' secs");
        return;
      }
      switch (kind) {
        case DESCRIBE:
          describe(ex);
          return;
        case UPLOAD:
          upload(
              ex,
              headers,
              query,
              body,
              fault != null && fault.kind() == FaultKind.DROP_AFTER_ACCEPT);
          return;
        case STATUS:
          status(ex, path);
          return;
        case FAILURES:
        case WARNINGS:
          rowsFile(ex, path, kind == Endpoint.FAILURES);
          return;
        default:
          send(
              ex,
              404,
              "application/json",
              "{\"success\":false,\"errors\":[{\"code\":\"404\",\"message\":\"Not found\"}]}");
      }
    }
  }

  private void token(HttpExchange ex, String query) throws IOException {
    Map<String, String> q = params(query);
    if (!"client_credentials".equals(q.get("grant_type"))
        || !clientId.equals(q.get("client_id"))
        || !clientSecret.equals(q.get("client_secret"))) {
      send(
          ex,
          401,
          "application/json",
          "{\"error\":\"unauthorized\",\"error_description\":\"Bad client credentials\"}");
      return;
    }
    String token;
    long remaining;
    synchronized (lock) {
      Instant now = clock.instant();
      if (currentToken != null && tokens.get(currentToken).isAfter(now)) {
        token = currentToken;
      } else {
        token = "emulator-token-" + (++tokenCounter) + "-" + Long.toHexString(System.nanoTime());
        tokens.put(token, now.plus(tokenTtl));
        currentToken = token;
      }
      remaining = Math.max(0, Duration.between(now, tokens.get(token)).getSeconds());
    }
    send(
        ex,
        200,
        "application/json",
        "{\"access_token\":\""
            + token
            + "\",\"token_type\":\"bearer\",\"expires_in\":"
            + remaining
            + ",\"scope\":\"api@example.com\"}");
  }

  /** Returns null when the Bearer token is valid, else 601 or 602. */
  private String authorize(HttpExchange ex, String query) {
    if (query != null && query.contains("access_token=")) {
      return "601"; // the query parameter is no longer accepted
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return "601";
    }
    synchronized (lock) {
      Instant expires = tokens.get(header.substring(7));
      if (expires == null) {
        return "601";
      }
      return expires.isAfter(clock.instant()) ? null : "602";
    }
  }

  private boolean withinRate() {
    synchronized (lock) {
      Instant now = clock.instant();
      while (!callTimes.isEmpty() && !callTimes.peekFirst().plus(rateWindow).isAfter(now)) {
        callTimes.pollFirst();
      }
      if (callTimes.size() >= rateLimit) {
        return false;
      }
      callTimes.addLast(now);
      return true;
    }
  }

  private void describe(HttpExchange ex) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "{\"requestId\":\"r1\",\"success\":true,\"result\":[{\"name\":\"Lead\",\"fields\":[");
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"name\":")
          .append(JsonValues.write(f.name()))
          .append(",\"displayName\":")
          .append(JsonValues.write(f.displayName()))
          .append(",\"dataType\":")
          .append(JsonValues.write(f.dataType()))
          .append(f.length() > 0 ? ",\"length\":" + f.length() : "")
          .append(",\"updateable\":")
          .append(f.updateable())
          .append('}');
    }
    sb.append("]}]}");
    send(ex, 200, "application/json", sb.toString());
  }

  private void upload(
      HttpExchange ex,
      Map<String, List<String>> headers,
      String query,
      byte[] body,
      boolean dropAfter)
      throws IOException {
    List<String> type = headers.get("content-type");
    String contentType = type == null ? "" : type.get(0);
    int b = contentType.indexOf("boundary=");
    if (!contentType.startsWith("multipart/form-data") || b < 0) {
      sendError(ex, "609", "Invalid JSON");
      return;
    }
    String boundary = contentType.substring(b + 9).replace("\"", "");
    Map<String, String> form = new HashMap<>(params(query));
    byte[] file = null;
    for (byte[][] part : MultipartParser.parse(body, boundary)) {
      String partHeaders = new String(part[0], StandardCharsets.UTF_8);
      String name = MultipartParser.attribute(partHeaders, "name");
      if (MultipartParser.attribute(partHeaders, "filename") != null && "file".equals(name)) {
        file = part[1];
      } else if (name != null) {
        form.put(name, new String(part[1], StandardCharsets.UTF_8));
      }
    }
    if (file == null) {
      sendError(ex, "1003", "File not specified");
      return;
    }
    if (file.length >= maxFileBytes) {
      send(ex, 413, "text/html", "<html>Request Entity Too Large</html>");
      return;
    }
    char delimiter;
    switch (form.getOrDefault("format", "")) {
      case "csv":
        delimiter = ',';
        break;
      case "tsv":
        delimiter = '\t';
        break;
      case "ssv":
        delimiter = ';';
        break;
      default:
        sendError(ex, "1003", "Invalid format: must be csv, tsv or ssv");
        return;
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> header;
    CsvFormat fmt = CsvFormat.CSV.toBuilder().delimiter(delimiter).build();
    try (CsvReader reader =
        fmt.newReader(new StringReader(new String(file, StandardCharsets.UTF_8)))) {
      header = reader.header();
      for (List<String> r; (r = reader.next()) != null; ) {
        rows.add(r);
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      sendError(ex, "1003", "Cannot parse the file");
      return;
    }
    if (header.isEmpty() || rows.isEmpty()) {
      sendError(ex, "1003", "Empty file");
      return;
    }
    List<String> unknown = new ArrayList<>();
    Field[] columnFields = new Field[header.size()];
    for (int i = 0; i < header.size(); i++) {
      Field f = field(header.get(i));
      if (f == null || !f.updateable()) {
        unknown.add(header.get(i));
      }
      columnFields[i] = f;
    }
    if (!unknown.isEmpty()) {
      sendError(ex, "1003", "Invalid or read-only fields: " + String.join(", ", unknown));
      return;
    }
    String lookup = form.getOrDefault("lookupField", "email");
    int lookupIndex = -1;
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(lookup)) {
        lookupIndex = i;
      }
    }
    Job job = new Job();
    job.header = List.copyOf(header);
    job.delimiter = delimiter;
    job.rows = rows;
    job.rowCount = rows.size();
    job.lookupIndex = lookupIndex;
    job.failureReason = new String[rows.size()];
    job.warningReason = new String[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      String value = lookupIndex >= 0 && lookupIndex < row.size() ? row.get(lookupIndex) : "";
      if (row.size() != header.size()) {
        job.failureReason[r] = "Row has " + row.size() + " values, header has " + header.size();
      } else if (value.isBlank()) {
        job.failureReason[r] = "Lookup field '" + lookup + "' is empty";
      } else if (lookup.equalsIgnoreCase("email")
          && !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        job.failureReason[r] = "Invalid email address";
      } else {
        for (int i = 0; i < row.size(); i++) {
          Field f = columnFields[i];
          if (f.length() > 0 && row.get(i).length() > f.length()) {
            job.warningReason[r] =
                "Value for field '" + f.name() + "' truncated to " + f.length() + " characters";
            break;
          }
        }
      }
    }
    synchronized (lock) {
      Instant now = clock.instant();
      advance(now);
      long occupied = jobs.stream().filter(j -> j.end.isAfter(now)).count();
      if (occupied >= queueLimit) {
        sendError(ex, "1016", "Too many imports");
        return;
      }
      job.id = nextBatchId++;
      job.importId = Long.toString(job.id + 500_000);
      String failure = batchFailures.poll();
      if (failure != null) {
        job.failBatch = true;
        job.failMessage = failure;
      }
      schedule(job, now);
      jobs.add(job);
    }
    if (dropAfter) {
      throw new Dropped();
    }
    send(
        ex,
        200,
        "application/json",
        "{\"requestId\":\"u"
            + job.id
            + "\",\"success\":true,\"result\":[{\"batchId\":"
            + job.id
            + ",\"importId\":\""
            + job.importId
            + "\",\"status\":\"Queued\"}]}");
  }

  private Field field(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** FIFO with a fixed number of import slots: a job starts when it arrives or a slot frees. */
  private void schedule(Job job, Instant now) {
    int slot = 0;
    for (int i = 0; i < slotFreeAt.length; i++) {
      Instant a = slotFreeAt[i] == null ? Instant.MIN : slotFreeAt[i];
      Instant best = slotFreeAt[slot] == null ? Instant.MIN : slotFreeAt[slot];
      if (a.isBefore(best)) {
        slot = i;
      }
    }
    Instant free = slotFreeAt[slot] == null ? now : slotFreeAt[slot];
    job.start = free.isAfter(now) ? free : now;
    long millis = job.failBatch ? 1000 : Math.max(1, job.rowCount * 1000L / rowsPerSecond);
    job.end = job.start.plusMillis(millis);
    slotFreeAt[slot] = job.end;
  }

  /** Applies every job that has ended by {@code now} to the lead store, in order of ending. */
  private void advance(Instant now) {
    List<Job> due = new ArrayList<>();
    for (Job j : jobs) {
      if (!j.applied && !j.end.isAfter(now)) {
        due.add(j);
      }
    }
    due.sort((a, b) -> a.end.compareTo(b.end));
    for (Job j : due) {
      j.applied = true;
      if (j.failBatch || j.header.isEmpty()) {
        continue;
      }
      for (int r = 0; r < j.rows.size(); r++) {
        if (j.failureReason[r] != null) {
          continue;
        }
        List<String> row = j.rows.get(r);
        String key = row.get(j.lookupIndex).toLowerCase(Locale.ROOT);
        Map<String, String> lead = leads.computeIfAbsent(key, k -> new LinkedHashMap<>());
        for (int i = 0; i < j.header.size(); i++) {
          Field f = field(j.header.get(i));
          String v = row.get(i);
          lead.put(
              f.name(), f.length() > 0 && v.length() > f.length() ? v.substring(0, f.length()) : v);
        }
        importCounts.merge(key, 1, Integer::sum);
      }
    }
  }

  private Job job(String path) {
    String rest = path.substring("/bulk/v1/leads/batch/".length());
    int end = 0;
    while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
      end++;
    }
    if (end == 0) {
      return null;
    }
    long id = Long.parseLong(rest.substring(0, end));
    for (Job j : jobs) {
      if (j.id == id) {
        return j;
      }
    }
    return null;
  }

  private void status(HttpExchange ex, String path) throws IOException {
    String answer;
    synchronized (lock) {
      Instant now = clock.instant();
      advance(now);
      Job j = job(path);
      if (j == null) {
        sendError(ex, "1004", "Batch not found");
        return;
      }
      String state;
      int processed;
      String message = "";
      if (now.isBefore(j.start)) {
        state = "Queued";
        processed = 0;
      } else if (now.isBefore(j.end)) {
        state = "Importing";
        processed =
            (int)
                Math.min(
                    j.rowCount, Duration.between(j.start, now).toMillis() * rowsPerSecond / 1000);
      } else if (j.failBatch) {
        state = "Failed";
        processed = 0;
        message = j.failMessage;
      } else {
        state = "Complete";
        processed = j.rowCount;
        message = "Import completed";
      }
      int failed = 0;
      int warned = 0;
      for (int r = 0; r < processed && r < j.failureReason.length; r++) {
        if (j.failureReason[r] != null) {
          failed++;
        } else if (j.warningReason[r] != null) {
          warned++;
        }
      }
      answer =
          "{\"requestId\":\"s"
              + j.id
              + "\",\"success\":true,\"result\":[{\"batchId\":"
              + j.id
              + ",\"importId\":\""
              + j.importId
              + "\",\"status\":\""
              + state
              + "\",\"numOfLeadsProcessed\":"
              + (processed - failed)
              + ",\"numOfRowsFailed\":"
              + failed
              + ",\"numOfRowsWithWarning\":"
              + warned
              + ",\"message\":"
              + JsonValues.write(message)
              + "}]}";
    }
    send(ex, 200, "application/json", answer);
  }

  private void rowsFile(HttpExchange ex, String path, boolean failures) throws IOException {
    String text;
    synchronized (lock) {
      advance(clock.instant());
      Job j = job(path);
      if (j == null) {
        sendError(ex, "1004", "Batch not found");
        return;
      }
      CsvFormat fmt =
          CsvFormat.CSV.toBuilder()
              .delimiter(j.delimiter == 0 ? ',' : j.delimiter)
              .recordSeparator("\n")
              .build();
      StringWriter out = new StringWriter();
      try (CsvWriter w = fmt.newWriter(out)) {
        List<String> h = new ArrayList<>(j.header);
        h.add(failures ? "Import Failure Reason" : "Import Warning Reason");
        w.writeRow(h);
        String[] reasons = failures ? j.failureReason : j.warningReason;
        for (int r = 0; r < reasons.length; r++) {
          if (reasons[r] != null && (failures || j.failureReason[r] == null)) {
            List<String> row = new ArrayList<>(j.rows.get(r));
            row.add(reasons[r]);
            w.writeRow(row);
          }
        }
      }
      text = out.toString();
    }
    send(ex, 200, "text/csv", text);
  }

  private void sendError(HttpExchange ex, String code, String message) throws IOException {
    send(
        ex,
        200,
        "application/json",
        "{\"requestId\":\"e"
            + System.nanoTime() % 100000
            + "\",\"success\":false,\"errors\":[{\"code\":\""
            + code
            + "\",\"message\":"
            + JsonValues.write(message)
            + "}]}");
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + ";charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "MarketoEmulator[" + endpoint + "]";
  }

  /** Builds and starts a {@link MarketoEmulator}. */
  public static final class Builder {
    private String clientId = "emulator-marketo-id";
    private String clientSecret = "emulator-marketo-secret";
    private Duration tokenTtl = Duration.ofSeconds(3600);
    private List<Field> fields = STANDARD_FIELDS;
    private int rowsPerSecond = 1000;
    private int importSlots = 2;
    private int queueLimit = 10;
    private int rateLimit = 100;
    private Duration rateWindow = Duration.ofSeconds(20);
    private int concurrencyLimit = 10;
    private long maxFileBytes = 10_000_000;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The client id the identity endpoint accepts.
     *
     * @param clientId the id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId);
      return this;
    }

    /**
     * The client secret the identity endpoint accepts.
     *
     * @param clientSecret the secret
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret);
      return this;
    }

    /**
     * How long a token lives.
     *
     * @param tokenTtl 3600 seconds by default
     * @return this builder
     */
    public Builder tokenTtl(Duration tokenTtl) {
      this.tokenTtl = Objects.requireNonNull(tokenTtl);
      return this;
    }

    /**
     * The instance's lead fields.
     *
     * @param fields {@link #STANDARD_FIELDS} by default
     * @return this builder
     */
    public Builder fields(List<Field> fields) {
      this.fields = List.copyOf(fields);
      return this;
    }

    /**
     * How fast one import slot imports.
     *
     * @param rowsPerSecond 1,000 by default
     * @return this builder
     */
    public Builder rowsPerSecond(int rowsPerSecond) {
      if (rowsPerSecond < 1) {
        throw new IllegalArgumentException("rowsPerSecond must be positive");
      }
      this.rowsPerSecond = rowsPerSecond;
      return this;
    }

    /**
     * The queue's limits.
     *
     * @param importSlots jobs importing at once; 2 by default
     * @param queueLimit jobs queued or importing; 10 by default
     * @return this builder
     */
    public Builder queue(int importSlots, int queueLimit) {
      this.importSlots = importSlots;
      this.queueLimit = queueLimit;
      return this;
    }

    /**
     * The rate limit: more calls than this in the window get 606.
     *
     * @param calls 100 by default
     * @param window 20 seconds by default
     * @return this builder
     */
    public Builder rateLimit(int calls, Duration window) {
      this.rateLimit = calls;
      this.rateWindow = Objects.requireNonNull(window);
      return this;
    }

    /**
     * More calls than this at once get 615.
     *
     * @param concurrencyLimit 10 by default
     * @return this builder
     */
    public Builder concurrencyLimit(int concurrencyLimit) {
      this.concurrencyLimit = concurrencyLimit;
      return this;
    }

    /**
     * Files of this size or more get HTTP 413.
     *
     * @param maxFileBytes 10,000,000 by default
     * @return this builder
     */
    public Builder maxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /**
     * The clock that drives imports and token expiry.
     *
     * @param clock the system clock by default; a {@link ManualClock} in tests
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * Starts the emulator on a free loopback port.
     *
     * @return the running emulator; close it when done
     * @throws UncheckedIOException if the server cannot start
     */
    public MarketoEmulator start() {
      try {
        return new MarketoEmulator(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the Marketo emulator", e);
      }
    }
  }
}
