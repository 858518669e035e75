package io.leadbridge.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leadbridge.core.remote.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A loopback HTTP server that behaves like the parts of an Auth0 tenant that a users export uses:
 * the client-credentials token endpoint, {@code GET /api/v2/connections}, {@code POST
 * /api/v2/jobs/users-exports} and {@code GET /api/v2/jobs/{id}} with a status that moves from
 * {@code pending} through {@code processing} to {@code completed} over a configurable time, and
 * signed download links that expire, served by the same server as gzipped NDJSON that holds only
 * the requested fields.
 *
 * <p>Time comes from an injectable {@link Clock}: share a {@link ManualClock} with the client so
 * that job progress, rate-limit windows, token and link expiry move only when the client sleeps.
 * Tests can inject faults ({@link #fail}, {@link #drop}, {@link #delay}, {@link #failNextJob}),
 * edit users between exports ({@link #updateUsers}) and read the {@link #requests() requests} the
 * emulator saw.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();
 * try (Auth0Emulator auth0 = Auth0Emulator.builder()
 *     .users(SyntheticUsers.builder().count(10_000).build())
 *     .clock(clock).sleeper(clock.sleeper())
 *     .start()) {
 *   Auth0ExportJob job = Auth0ExportJob.builder()
 *       .domain(auth0.domain())
 *       .clientId(auth0.clientId()).clientSecret(auth0.clientSecret())
 *       .mapping(mapping)
 *       .clock(clock).sleeper(clock.sleeper())
 *       .build();
 *   try (UserSource users = job.open()) { ... }
 * }
 * }</pre>
 */
public final class Auth0Emulator implements AutoCloseable {

  /** The kinds of request the emulator answers, for fault injection and assertions. */
  public enum Endpoint {
    /** {@code POST /oauth/token}. */
    TOKEN,
    /** {@code GET /api/v2/connections}. */
    CONNECTIONS,
    /** {@code POST /api/v2/jobs/users-exports}. */
    CREATE_EXPORT,
    /** {@code GET /api/v2/jobs/{id}}. */
    GET_JOB,
    /** {@code GET} of a signed download link. */
    DOWNLOAD,
    /** Anything else (answered 404). */
    OTHER
  }

  /**
   * A request the emulator received.
   *
   * @param endpoint what it was for
   * @param method the HTTP method
   * @param path the path, without the query
   * @param query the raw query, or {@code null}
   * @param headers the headers, names in lower case
   * @param body the body as UTF-8 text
   * @param status the status code of the answer; 0 if the connection was dropped
   * @param received when it arrived, by the emulator's clock
   */
  public record Request(
      Endpoint endpoint,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      String body,
      int status,
      Instant received) {

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return the value, or {@code null} if the header was absent
     */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Shows the endpoint, method, path and status; never headers or body, which hold secrets.
     *
     * @return a short description
     */
    @Override
    public String toString() {
      return endpoint + " " + method + " " + path + " -> " + status;
    }
  }

  private enum FaultKind {
    STATUS,
    DROP,
    DELAY
  }

  private record Fault(FaultKind kind, int status, Duration delay) {}

  private static final class Job {
    final String id;
    final Instant created;
    final String connectionId;
    final String connectionName;
    final List<String> fields;
    final Long limit;
    final String failure;
    final Map<String, Map<String, String>> edits;

    Job(
        String id,
        Instant created,
        String connectionId,
        String connectionName,
        List<String> fields,
        Long limit,
        String failure,
        Map<String, Map<String, String>> edits) {
      this.id = id;
      this.created = created;
      this.connectionId = connectionId;
      this.connectionName = connectionName;
      this.fields = fields;
      this.limit = limit;
      this.failure = failure;
      this.edits = edits;
    }
  }

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and delayed ACKs add about 40 ms to every exchange. Read once, when the server first starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final String READ_USERS = "read:users";
  private static final String READ_CONNECTIONS = "read:connections";
  private static final int MAX_FIELDS = 30;

  private final String clientId;
  private final String clientSecret;
  private final Set<String> scopes;
  private final Iterable<? extends Map<String, ?>> users;
  private final Map<String, String> connections;
  private final Duration jobDuration;
  private final Duration linkTtl;
  private final Duration tokenTtl;
  private final int rateLimit;
  private final Clock clock;
  private final Sleeper sleeper;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String baseUrl;
  private final byte[] signingKey = new byte[32];
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger jobCounter = new AtomicInteger();
  private final AtomicLong arrivals = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<Long, Request> requests = new ConcurrentSkipListMap<>();
  private final Map<Endpoint, AtomicInteger> calls = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Map<Integer, Fault>> faults = new EnumMap<>(Endpoint.class);
  private final List<String> jobFailures = new CopyOnWriteArrayList<>();
  private final Object editLock = new Object();

  /**
   * The fields {@link #updateUsers} changed, by {@code user_id}: immutable, replaced as a whole and
   * read once by each job, so downloads never see half an update.
   */
  private volatile Map<String, Map<String, String>> edits = Map.of();

  private long windowSecond = Long.MIN_VALUE;
  private int windowCount;

  private Auth0Emulator(Builder b) throws IOException {
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.scopes = Set.copyOf(b.scopes);
    this.users = b.users;
    this.connections = Collections.unmodifiableMap(new LinkedHashMap<>(b.connections));
    this.jobDuration = b.jobDuration;
    this.linkTtl = b.linkTtl;
    this.tokenTtl = b.tokenTtl;
    this.rateLimit = b.rateLimit;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    new SecureRandom().nextBytes(signingKey);
    for (Endpoint e : Endpoint.values()) {
      calls.put(e, new AtomicInteger());
      faults.put(e, new ConcurrentHashMap<>());
    }
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "auth0-emulator");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Starts a builder.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The base URL, {@code http://127.0.0.1:{port}}: pass it as the export job's domain.
   *
   * @return the base URL
   */
  public String domain() {
    return baseUrl;
  }

  /**
   * The audience the token endpoint expects: {@code {domain}/api/v2/}.
   *
   * @return the audience
   */
  public String audience() {
    return baseUrl + "/api/v2/";
  }

  /**
   * The port the server listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The client id the token endpoint accepts.
   *
   * @return the client id
   */
  public String clientId() {
    return clientId;
  }

  /**
   * The client secret the token endpoint accepts.
   *
   * @return the client secret
   */
  public String clientSecret() {
    return clientSecret;
  }

  /**
   * Answers the nth request (1-based, counted from the start) to an endpoint with a status instead
   * of its normal answer. 429 comes with the rate-limit headers, 5xx with an Auth0 error body.
   *
   * @param endpoint the endpoint
   * @param nth which of its requests, 1 for the first
   * @param status the HTTP status to answer
   * @return this emulator
   */
  public Auth0Emulator fail(Endpoint endpoint, int nth, int status) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.STATUS, status, null));
    return this;
  }

  /**
   * Closes the connection of the nth request to an endpoint without answering.
   *
   * @param endpoint the endpoint
   * @param nth which of its requests, 1 for the first
   * @return this emulator
   */
  public Auth0Emulator drop(Endpoint endpoint, int nth) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.DROP, 0, null));
    return this;
  }

  /**
   * Waits through the emulator's {@link Sleeper} before answering the nth request to an endpoint.
   * With a {@link ManualClock}'s sleeper this moves time forward, which can expire a link or a
   * token while the request is in flight.
   *
   * @param endpoint the endpoint
   * @param nth which of its requests, 1 for the first
   * @param delay how long
   * @return this emulator
   */
  public Auth0Emulator delay(Endpoint endpoint, int nth, Duration delay) {
    faults.get(endpoint).put(nth, new Fault(FaultKind.DELAY, 0, delay));
    return this;
  }

  /**
   * Makes the next export job created end as {@code failed} instead of {@code completed}.
   *
   * @param statusDetails the job's {@code status_details}, as the client will see them
   * @return this emulator
   */
  public Auth0Emulator failNextJob(String statusDetails) {
    jobFailures.add(Objects.requireNonNull(statusDetails, "statusDetails"));
    return this;
  }

  /**
   * Changes users the way a profile edit would: picks {@code count} users with an email, gives each
   * a different {@code given_name} and {@code family_name} and sets its {@code updated_at} to the
   * emulator's clock ({@link Instant#toString()} form). Their {@code user_id}, {@code email} and
   * other fields stay as they are, and so do all other users. Export jobs created from now on serve
   * the changed users; a job created before keeps serving what it served.
   *
   * <p>Only users with a non-blank {@code email} and a {@code user_id} that no other user has are
   * picked, spread over the tenant in export order. Successive calls pick users not picked before,
   * and only when too few are left again users picked before (which change once more). The same
   * users, the same clock readings and the same calls pick and change the same users. The users are
   * streamed a few times; only the changed fields are kept.
   *
   * <p>For a sync that looks for {@code updated_at} after the last export, give the emulator a
   * clock later than the users' {@code updated_at}: those of {@link SyntheticUsers} reach into July
   * 2026, after {@link ManualClock#create()}.
   *
   * @param count how many users to change; zero or more
   * @return the {@code user_id}s of the changed users, in export order
   * @throws IllegalArgumentException if {@code count} is negative, or fewer than {@code count}
   *     users have an email and a {@code user_id} of their own
   * @throws IllegalStateException if the users differ from one read to the next; nothing is changed
   *     then
   */
  public List<String> updateUsers(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative.");
    }
    synchronized (editLock) {
      Map<String, Map<String, String>> before = edits;
      String now = clock.instant().toString();
      // users that may change, by whether they were changed before: [0] not yet, [1] already
      long[] editable = new long[2];
      for (Map<String, ?> user : users) {
        String id = editableId(user);
        if (id != null) {
          editable[before.containsKey(id) ? 1 : 0]++;
        }
      }
      Set<String> shared = new HashSet<>(); // user_ids found on more than one user
      while (true) {
        long available = editable[0] + editable[1];
        if (available < count) {
          throw new IllegalArgumentException(
              "Cannot change "
                  + count
                  + " users: only "
                  + available
                  + " users have an email and a user_id that no other user has. Ask for at most "
                  + available
                  + ", or start the emulator with more such users.");
        }
        if (count == 0) {
          return List.of();
        }
        Map<String, Map<String, String>> picked = pick(count, before, shared, editable, now);
        // a user_id on two users would change both: leave such ids out and pick again
        Map<String, long[]> seen = new HashMap<>();
        picked.keySet().forEach(id -> seen.put(id, new long[2]));
        for (Map<String, ?> user : users) {
          long[] n = seen.get(user.get("user_id"));
          if (n != null) {
            n[0]++;
            n[1] += editableId(user) != null ? 1 : 0;
          }
        }
        boolean unique = true;
        for (Map.Entry<String, long[]> e : seen.entrySet()) {
          if (e.getValue()[0] > 1) {
            unique = false;
            shared.add(e.getKey());
            editable[before.containsKey(e.getKey()) ? 1 : 0] -= e.getValue()[1];
          }
        }
        if (unique) {
          if (picked.size() < count) {
            throw new IllegalStateException(
                "Found "
                    + picked.size()
                    + " of "
                    + count
                    + " users to change on a second read of the users: give the emulator users"
                    + " that are the same on every read.");
          }
          Map<String, Map<String, String>> after = new HashMap<>(before);
          after.putAll(picked);
          edits = Map.copyOf(after);
          return List.copyOf(picked.keySet());
        }
      }
    }
  }

  /**
   * Picks users for {@link #updateUsers}: first those not changed before, then those that were,
   * each group at positions spread evenly over its users; returns their new fields by user_id, in
   * export order.
   */
  private Map<String, Map<String, String>> pick(
      int count,
      Map<String, Map<String, String>> before,
      Set<String> shared,
      long[] editable,
      String now) {
    int[] want = {(int) Math.min(count, editable[0]), 0};
    want[1] = count - want[0];
    long[] seen = new long[2];
    int[] took = new int[2];
    Map<String, Map<String, String>> picked = new LinkedHashMap<>();
    for (Iterator<? extends Map<String, ?>> it = users.iterator();
        it.hasNext() && picked.size() < count; ) {
      Map<String, ?> user = it.next();
      String id = editableId(user);
      if (id == null || shared.contains(id)) {
        continue;
      }
      int group = before.containsKey(id) ? 1 : 0;
      long position = seen[group]++;
      if (took[group] == want[group]
          || position < spread(took[group], want[group], editable[group])
          || picked.containsKey(id)) {
        continue;
      }
      took[group]++;
      Map<String, ?> current = group == 1 ? before.get(id) : user; // what exports serve now
      Object given = current.get("given_name");
      Object family = current.get("family_name");
      int hash = id.hashCode();
      picked.put(
          id,
          Map.of(
              "given_name",
              SyntheticUsers.otherGivenName(given, hash),
              "family_name",
              SyntheticUsers.otherFamilyName(family, Integer.rotateLeft(hash, 16)),
              "updated_at",
              now));
    }
    return picked;
  }

  /** The {@code k}th of {@code n} positions spread evenly over {@code total}: its part's middle. */
  private static long spread(int k, int n, long total) {
    return (2L * k + 1) * total / (2L * n);
  }

  /** The user's {@code user_id} if {@link #updateUsers} may change it: it has a non-blank email. */
  private static String editableId(Map<String, ?> user) {
    Object id = user.get("user_id");
    Object email = user.get("email");
    return id instanceof String && email instanceof String && !((String) email).isBlank()
        ? (String) id
        : null;
  }

  /**
   * The requests answered so far, in order of arrival.
   *
   * @return a snapshot of the requests
   */
  public List<Request> requests() {
    // A client can have its whole answer before the server thread has recorded the exchange:
    // wait (briefly, bounded) for exchanges still being recorded, so snapshots are complete.
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return List.copyOf(requests.values());
  }

  /**
   * The requests received so far to one endpoint.
   *
   * @param endpoint the endpoint
   * @return a snapshot of the requests, in order
   */
  public List<Request> requests(Endpoint endpoint) {
    return requests().stream().filter(r -> r.endpoint() == endpoint).collect(Collectors.toList());
  }

  /**
   * The users a job exports, as its download serves them: the users of its connection, up to its
   * limit, each holding only the requested root properties it has, with the changes of {@link
   * #updateUsers} made before the job was created.
   *
   * @param jobId the job id
   * @return a lazy stream of new maps
   * @throws IllegalArgumentException if there is no such job
   */
  public Stream<Map<String, Object>> exportedUsers(String jobId) {
    Job job = jobs.get(jobId);
    if (job == null) {
      throw new IllegalArgumentException("No job " + jobId);
    }
    return exported(job);
  }

  /**
   * The ids of the jobs created so far.
   *
   * @return the job ids, in creation order
   */
  public List<String> jobIds() {
    return jobs.values().stream()
        .sorted((a, b) -> a.id.compareTo(b.id))
        .map(j -> j.id)
        .collect(Collectors.toList());
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "Auth0Emulator[" + baseUrl + "]";
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      handleCounted(ex);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void handleCounted(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String body;
    try (InputStream in = ex.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Endpoint endpoint = classify(method, path);
    Instant received = clock.instant();
    long arrival = arrivals.incrementAndGet();
    int n = calls.get(endpoint).incrementAndGet();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      headers.put(h.getKey().toLowerCase(Locale.ROOT), List.copyOf(h.getValue()));
    }
    Fault fault = faults.get(endpoint).get(n);
    int status = 0;
    try {
      if (fault != null && fault.kind() == FaultKind.DROP) {
        throw new DroppedConnection();
      }
      if (fault != null && fault.kind() == FaultKind.DELAY) {
        try {
          sleeper.sleep(fault.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DroppedConnection();
        }
      }
      if (fault != null && fault.kind() == FaultKind.STATUS) {
        status = injected(ex, fault.status());
      } else {
        status = route(ex, endpoint, path, query, headers, body);
      }
    } finally {
      requests.put(
          arrival, new Request(endpoint, method, path, query, headers, body, status, received));
      if (status != 0) {
        ex.close();
      }
    }
  }

  /** Thrown to make the server close the connection without an answer. */
  private static final class DroppedConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DroppedConnection() {
      super("dropped on purpose", null, false, false);
    }
  }

  private static Endpoint classify(String method, String path) {
    if (method.equals("POST") && path.equals("/oauth/token")) {
      return Endpoint.TOKEN;
    }
    if (method.equals("GET") && path.equals("/api/v2/connections")) {
      return Endpoint.CONNECTIONS;
    }
    if (method.equals("POST") && path.equals("/api/v2/jobs/users-exports")) {
      return Endpoint.CREATE_EXPORT;
    }
    if (method.equals("GET") && path.startsWith("/api/v2/jobs/")) {
      return Endpoint.GET_JOB;
    }
    if (method.equals("GET") && path.startsWith("/exports/")) {
      return Endpoint.DOWNLOAD;
    }
    return Endpoint.OTHER;
  }

  private int injected(HttpExchange ex, int status) throws IOException {
    if (status == 429) {
      long reset = clock.instant().getEpochSecond() + 1;
      Headers h = ex.getResponseHeaders();
      h.set("x-ratelimit-limit", String.valueOf(rateLimit > 0 ? rateLimit : 10));
      h.set("x-ratelimit-remaining", "0");
      h.set("x-ratelimit-reset", String.valueOf(reset));
      return apiError(
          ex, 429, "Too Many Requests", "Global limit has been reached", "too_many_requests");
    }
    if (status >= 500) {
      return apiError(ex, status, "Server Error", "Injected failure", null);
    }
    return apiError(ex, status, "Error", "Injected failure", null);
  }

  private int route(
      HttpExchange ex,
      Endpoint endpoint,
      String path,
      String query,
      Map<String, List<String>> headers,
      String body)
      throws IOException {
    switch (endpoint) {
      case TOKEN:
        return token(ex, headers, body);
      case DOWNLOAD:
        return download(ex, path, query);
      case OTHER:
        return apiError(ex, 404, "Not Found", "Not Found", null);
      default:
        break;
    }
    if (rateLimited(ex)) {
      return apiError(
          ex, 429, "Too Many Requests", "Global limit has been reached", "too_many_requests");
    }
    String needed = endpoint == Endpoint.CONNECTIONS ? READ_CONNECTIONS : READ_USERS;
    List<String> auth = headers.get("authorization");
    String bearer = auth == null || auth.isEmpty() ? null : auth.get(0);
    Instant expiry =
        bearer != null && bearer.startsWith("Bearer ") ? tokens.get(bearer.substring(7)) : null;
    if (expiry == null) {
      return apiError(ex, 401, "Unauthorized", "Invalid token", "invalid_token");
    }
    if (!clock.instant().isBefore(expiry)) {
      return apiError(
          ex,
          401,
          "Unauthorized",
          "Expired token received for JSON Web Token validation",
          "invalid_token");
    }
    if (!scopes.contains(needed)) {
      return apiError(
          ex,
          403,
          "Forbidden",
          "Insufficient scope, expected any of: " + needed,
          "insufficient_scope");
    }
    switch (endpoint) {
      case CONNECTIONS:
        return listConnections(ex, query);
      case CREATE_EXPORT:
        return createExport(ex, body);
      default:
        return getJob(ex, path.substring("/api/v2/jobs/".length()));
    }
  }

  private synchronized boolean rateLimited(HttpExchange ex) {
    if (rateLimit <= 0) {
      return false;
    }
    long second = clock.instant().getEpochSecond();
    if (second != windowSecond) {
      windowSecond = second;
      windowCount = 0;
    }
    windowCount++;
    Headers h = ex.getResponseHeaders();
    h.set("x-ratelimit-limit", String.valueOf(rateLimit));
    h.set("x-ratelimit-remaining", String.valueOf(Math.max(0, rateLimit - windowCount)));
    h.set("x-ratelimit-reset", String.valueOf(second + 1));
    return windowCount > rateLimit;
  }

  private int token(HttpExchange ex, Map<String, List<String>> headers, String body)
      throws IOException {
    List<String> type = headers.get("content-type");
    Map<String, Object> params = new LinkedHashMap<>();
    if (type != null && type.get(0).startsWith("application/json")) {
      Object parsed = JsonValues.parse(body);
      if (parsed instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) parsed).entrySet()) {
          params.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
    } else {
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    if (!"client_credentials".equals(params.get("grant_type"))) {
      return oauthError(ex, 400, "unsupported_grant_type", "Unsupported grant type");
    }
    if (!clientId.equals(params.get("client_id"))
        || !clientSecret.equals(params.get("client_secret"))) {
      return oauthError(ex, 401, "access_denied", "Unauthorized");
    }
    if (!audience().equals(params.get("audience"))) {
      return oauthError(
          ex, 403, "access_denied", "Service not enabled within domain: " + params.get("audience"));
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = "emu." + HexFormat.of().formatHex(random);
    tokens.put(token, clock.instant().plus(tokenTtl));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("scope", String.join(" ", new java.util.TreeSet<>(scopes)));
    answer.put("expires_in", tokenTtl.getSeconds());
    answer.put("token_type", "Bearer");
    return json(ex, 200, answer);
  }

  private int listConnections(HttpExchange ex, String query) throws IOException {
    Map<String, String> q = parseQuery(query);
    String name = q.get("name");
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, String> c : connections.entrySet()) {
      if (name == null || name.equals(c.getValue())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.getKey());
        m.put("name", c.getValue());
        m.put("strategy", strategy(c.getValue()));
        out.add(m);
      }
    }
    return json(ex, 200, out);
  }

  private static String strategy(String connection) {
    switch (connection) {
      case SyntheticUsers.DATABASE:
        return "auth0";
      case "acme-saml":
        return "samlp";
      default:
        return connection;
    }
  }

  private int createExport(HttpExchange ex, String body) throws IOException {
    Object parsed = JsonValues.parse(body);
    if (!(parsed instanceof Map)) {
      return apiError(
          ex, 400, "Bad Request", "Payload validation error: invalid JSON", "invalid_body");
    }
    Map<?, ?> req = (Map<?, ?>) parsed;
    Object format = req.containsKey("format") ? req.get("format") : "csv";
    if (!"json".equals(format) && !"csv".equals(format)) {
      return apiError(
          ex,
          400,
          "Bad Request",
          "Payload validation error: 'No enum match for: " + format + "' on property format",
          "invalid_body");
    }
    if ("csv".equals(format)) {
      return apiError(
          ex, 400, "Bad Request", "The emulator exports format json only", "invalid_body");
    }
    List<String> fields = new ArrayList<>();
    Object rawFields = req.get("fields");
    if (rawFields != null) {
      if (!(rawFields instanceof List)) {
        return apiError(
            ex, 400, "Bad Request", "Payload validation error on property fields", "invalid_body");
      }
      for (Object f : (List<?>) rawFields) {
        Object name = f instanceof Map ? ((Map<?, ?>) f).get("name") : null;
        if (!(name instanceof String) || ((String) name).isEmpty()) {
          return apiError(
              ex,
              400,
              "Bad Request",
              "Payload validation error: 'Missing required property: name' on property fields",
              "invalid_body");
        }
        fields.add((String) name);
      }
      if (fields.size() > MAX_FIELDS) {
        return apiError(
            ex,
            400,
            "Bad Request",
            "Payload validation error: 'Too many items ("
                + fields.size()
                + "), maximum "
                + MAX_FIELDS
                + "' on property fields",
            "invalid_body");
      }
    } else {
      fields.addAll(
          List.of(
              "user_id",
              "email",
              "email_verified",
              "given_name",
              "family_name",
              "name",
              "nickname",
              "picture",
              "created_at",
              "updated_at",
              "identities"));
    }
    Object connectionId = req.get("connection_id");
    String connectionName = null;
    if (connectionId != null) {
      connectionName = connections.get(String.valueOf(connectionId));
      if (connectionName == null) {
        return apiError(
            ex, 400, "Bad Request", "The connection does not exist", "inexistent_connection");
      }
    }
    Long limit = null;
    Object rawLimit = req.get("limit");
    if (rawLimit != null) {
      if (!(rawLimit instanceof Long) || (Long) rawLimit < 1) {
        return apiError(
            ex, 400, "Bad Request", "Payload validation error on property limit", "invalid_body");
      }
      limit = (Long) rawLimit;
    }
    String failure = jobFailures.isEmpty() ? null : jobFailures.remove(0);
    String id = String.format(Locale.ROOT, "job_%016x", 0x5eed0000L + jobCounter.incrementAndGet());
    Job job =
        new Job(
            id,
            clock.instant(),
            connectionId == null ? null : String.valueOf(connectionId),
            connectionName,
            List.copyOf(new LinkedHashSet<>(fields)),
            limit,
            failure,
            edits);
    jobs.put(id, job);
    return json(ex, 201, describe(job));
  }

  private int getJob(HttpExchange ex, String id) throws IOException {
    Job job = jobs.get(id);
    if (job == null) {
      return apiError(ex, 404, "Not Found", "The job does not exist.", "inexistent_job");
    }
    return json(ex, 200, describe(job));
  }

  private Map<String, Object> describe(Job job) {
    Instant now = clock.instant();
    long elapsed = Duration.between(job.created, now).toMillis();
    long total = Math.max(1, jobDuration.toMillis());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "users_export");
    String status;
    if (elapsed >= total + Duration.ofHours(24).toMillis()) {
      status = "expired";
    } else if (elapsed >= total) {
      status = job.failure != null ? "failed" : "completed";
    } else if (elapsed < total / 10) {
      status = "pending";
    } else {
      status = "processing";
    }
    m.put("status", status);
    if (job.connectionId != null) {
      m.put("connection_id", job.connectionId);
      m.put("connection", job.connectionName);
    }
    m.put("format", "json");
    if (job.limit != null) {
      m.put("limit", job.limit);
    }
    List<Object> fields = new ArrayList<>();
    for (String f : job.fields) {
      fields.add(Map.of("name", f));
    }
    m.put("fields", fields);
    m.put("created_at", job.created.toString());
    m.put("id", job.id);
    if (status.equals("processing")) {
      m.put("percentage_done", Math.min(99, elapsed * 100 / total));
      m.put("time_left_seconds", Math.max(1, (total - elapsed + 999) / 1000));
    } else if (status.equals("completed")) {
      m.put("percentage_done", 100L);
      m.put("time_left_seconds", 0L);
      long expires = now.plus(linkTtl).getEpochSecond();
      m.put(
          "location",
          baseUrl
              + "/exports/"
              + job.id
              + ".json.gz?Expires="
              + expires
              + "&Signature="
              + sign(job.id, expires));
    } else if (status.equals("failed")) {
      m.put("status_details", job.failure);
    } else if (status.equals("pending")) {
      m.put("percentage_done", 0L);
    }
    return m;
  }

  private int download(HttpExchange ex, String path, String query) throws IOException {
    String name = path.substring("/exports/".length());
    String id = name.endsWith(".json.gz") ? name.substring(0, name.length() - 8) : name;
    Map<String, String> q = parseQuery(query);
    Job job = jobs.get(id);
    long expires;
    try {
      expires = Long.parseLong(q.getOrDefault("Expires", ""));
    } catch (NumberFormatException e) {
      return s3Error(ex, 403, "AccessDenied", "Query-string authentication requires Expires");
    }
    if (job == null || !sign(id, expires).equals(q.get("Signature"))) {
      return s3Error(
          ex, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match");
    }
    if (clock.instant().getEpochSecond() > expires) {
      return s3Error(ex, 403, "AccessDenied", "Request has expired");
    }
    ex.getResponseHeaders().set("Content-Type", "application/gzip");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody();
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      Iterable<Map<String, Object>> it = () -> exported(job).iterator();
      SyntheticUsers.writeNdjson(it, gz);
    }
    return 200;
  }

  private Stream<Map<String, Object>> exported(Job job) {
    Stream<? extends Map<String, ?>> all = StreamSupport.stream(users.spliterator(), false);
    if (job.connectionName != null) {
      all = all.filter(u -> hasConnection(u, job.connectionName));
    }
    if (job.limit != null) {
      all = all.limit(job.limit);
    }
    return all.map(u -> project(u, job.fields, job.edits));
  }

  private static boolean hasConnection(Map<String, ?> user, String connection) {
    Object identities = user.get("identities");
    if (identities instanceof Iterable) {
      for (Iterator<?> it = ((Iterable<?>) identities).iterator(); it.hasNext(); ) {
        Object i = it.next();
        if (i instanceof Map && connection.equals(((Map<?, ?>) i).get("connection"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Map<String, Object> project(
      Map<String, ?> user, List<String> fields, Map<String, Map<String, String>> edits) {
    Object id = edits.isEmpty() ? null : user.get("user_id");
    Map<String, String> edited = id instanceof String ? edits.get(id) : null;
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : fields) {
      if (edited != null && edited.containsKey(f)) {
        out.put(f, edited.get(f));
      } else if (user.containsKey(f)) {
        out.put(f, user.get(f));
      }
    }
    return out;
  }

  private String sign(String jobId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      byte[] sig = mac.doFinal((jobId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static int apiError(
      HttpExchange ex, int status, String error, String message, String errorCode)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("statusCode", (long) status);
    m.put("error", error);
    m.put("message", message);
    if (errorCode != null) {
      m.put("errorCode", errorCode);
    }
    return json(ex, status, m);
  }

  private static int oauthError(HttpExchange ex, int status, String error, String description)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", error);
    m.put("error_description", description);
    return json(ex, status, m);
  }

  private static int s3Error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    byte[] bytes =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  private static int json(HttpExchange ex, int status, Object value) throws IOException {
    byte[] bytes = JsonValues.write(value).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

  /** Builds and starts an {@link Auth0Emulator}. */
  public static final class Builder {
    private String clientId = "emulator-client-id";
    private String clientSecret = "emulator-client-secret";
    private final Set<String> scopes = new LinkedHashSet<>(List.of(READ_USERS, READ_CONNECTIONS));
    private Iterable<? extends Map<String, ?>> users = SyntheticUsers.builder().count(100).build();
    private final Map<String, String> connections = new LinkedHashMap<>();
    private Duration jobDuration = Duration.ofSeconds(10);
    private Duration linkTtl = Duration.ofSeconds(60);
    private Duration tokenTtl = Duration.ofHours(24);
    private int rateLimit;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder() {
      connections.put("con_db0000000000001", SyntheticUsers.DATABASE);
      connections.put("con_google000000001", "google-oauth2");
      connections.put("con_github000000001", "github");
      connections.put("con_twitter00000001", "twitter");
      connections.put("con_saml00000000001", "acme-saml");
    }

    /**
     * The client id the token endpoint accepts.
     *
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * The client secret the token endpoint accepts.
     *
     * @param clientSecret the client secret
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      return this;
    }

    /**
     * The scopes granted to the client, replacing the default {@code read:users read:connections}.
     *
     * @param scopes the scopes; leave out {@code read:users} to test the 403 path
     * @return this builder
     */
    public Builder scopes(Set<String> scopes) {
      this.scopes.clear();
      this.scopes.addAll(scopes);
      return this;
    }

    /**
     * The tenant's users, read again for each download. 100 {@link SyntheticUsers} by default.
     *
     * @param users the users
     * @return this builder
     */
    public Builder users(Iterable<? extends Map<String, ?>> users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /**
     * Adds a connection, or renames one. By default the tenant has the connections the {@link
     * SyntheticUsers} belong to.
     *
     * @param id the connection id, such as {@code con_abc}
     * @param name the connection name
     * @return this builder
     */
    public Builder connection(String id, String name) {
      connections.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * How long a job takes from creation to completion: pending for the first tenth, then
     * processing.
     *
     * @param jobDuration the duration; 10 seconds by default
     * @return this builder
     */
    public Builder jobDuration(Duration jobDuration) {
      this.jobDuration = Objects.requireNonNull(jobDuration, "jobDuration");
      return this;
    }

    /**
     * How long a download link is valid.
     *
     * @param linkTtl the validity; 60 seconds by default, as in Auth0
     * @return this builder
     */
    public Builder linkTtl(Duration linkTtl) {
      this.linkTtl = Objects.requireNonNull(linkTtl, "linkTtl");
      return this;
    }

    /**
     * How long an access token is valid.
     *
     * @param tokenTtl the validity; 24 hours by default, as in Auth0
     * @return this builder
     */
    public Builder tokenTtl(Duration tokenTtl) {
      this.tokenTtl = Objects.requireNonNull(tokenTtl, "tokenTtl");
      return this;
    }

    /**
     * Management API requests allowed per clock second; above it the emulator answers 429 with
     * {@code x-ratelimit-limit}, {@code x-ratelimit-remaining} and {@code x-ratelimit-reset}.
     *
     * @param requestsPerSecond the limit; 0 (the default) for none
     * @return this builder
     */
    public Builder rateLimit(int requestsPerSecond) {
      if (requestsPerSecond < 0) {
        throw new IllegalArgumentException("rateLimit must not be negative.");
      }
      this.rateLimit = requestsPerSecond;
      return this;
    }

    /**
     * The clock for job progress, rate-limit windows and expiry.
     *
     * @param clock the clock; the system clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What waits for {@link Auth0Emulator#delay injected delays}.
     *
     * @param sleeper the sleeper; {@link Sleeper#system()} by default
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Starts the emulator on a free port of 127.0.0.1.
     *
     * @return the running emulator; close it when done
     * @throws UncheckedIOException if the server cannot start
     */
    public Auth0Emulator start() {
      try {
        return new Auth0Emulator(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the Auth0 emulator", e);
      }
    }
  }
}
