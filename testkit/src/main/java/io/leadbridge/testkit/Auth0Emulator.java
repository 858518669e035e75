package io.leadbridge.testkit;

import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.testkit.internal.EmulatorServer;
import io.leadbridge.testkit.internal.Fault;
import io.leadbridge.testkit.internal.RequestLog;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A loopback HTTP server that behaves like the parts of an Auth0 tenant that a users export uses:
 * the client-credentials token endpoint, {@code GET /api/v2/connections}, {@code POST
 * /api/v2/jobs/users-exports} and {@code GET /api/v2/jobs/{id}} with a status that moves from
 * {@code pending} through {@code processing} to {@code completed} over a configurable time, and
 * signed download links that expire, served by the same server as a gzipped file that holds only
 * the requested fields: CSV (Auth0's default format) written by the rules of Auth0's "Bulk User
 * Exports" page, or NDJSON for {@code format: json}. Field names may be paths ({@code
 * identities[0].connection}, {@code user_metadata.plan}) and carry {@code export_as} names, and
 * timestamps have milliseconds, as Auth0's do. The token endpoint accepts the audience SDKs derive
 * from the domain ({@code https://{host}/api/v2/}); {@link Builder#tls} serves HTTPS for SDKs that
 * insist on it, and {@link StandaloneEmulators} runs the emulator as a program.
 *
 * <p>Time comes from an injectable {@link Clock}: share a {@link ManualClock} with the client so
 * that job progress, rate-limit windows, token and link expiry move only when the client sleeps.
 * Tests can inject faults ({@link #fail}, {@link #drop}, {@link #delay}, {@link #failNextJob}),
 * edit users between exports ({@link #updateUsers}) and read the {@link #requests() requests} the
 * emulator saw.
 *
 * <p>Thread-safe: the server answers requests on threads of its own while a test injects faults,
 * edits users and reads requests.
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

  /** The kinds of request the emulator answers, for fault injection and assertions. Thread-safe. */
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
   * A request the emulator received. Thread-safe: those the emulator records are immutable.
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

  private final Auth0Tenant tenant;
  private final Auth0UserEdits userEdits;
  private final Auth0JobStore jobs;
  private final EmulatorServer<Endpoint> server;

  private Auth0Emulator(Builder b) {
    Map<String, String> connections =
        Collections.unmodifiableMap(new LinkedHashMap<>(b.connections));
    this.tenant =
        new Auth0Tenant(
            b.clientId, b.clientSecret, b.scopes, connections, b.tokenTtl, b.rateLimit, b.clock);
    this.userEdits = new Auth0UserEdits(b.users, b.clock);
    this.jobs =
        new Auth0JobStore(b.users, connections, userEdits, b.jobDuration, b.linkTtl, b.clock);
    this.server =
        Auth0Routes.start(tenant, jobs, b.clock, b.sleeper)
            .port(b.port)
            .tls(b.tls == null ? null : b.tls.serverContext())
            .requestsPath(b.requestsPath)
            .start();
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
   * The base URL, {@code http://127.0.0.1:{port}} ({@code https://} with {@link Builder#tls}): pass
   * it as the export job's domain.
   *
   * @return the base URL
   */
  public String domain() {
    return server.baseUri().toString();
  }

  /**
   * The audience to ask a token for: {@code {domain}/api/v2/}. The token endpoint also accepts
   * {@code https://127.0.0.1:{port}/api/v2/}, as SDKs derive it from a domain, and the same for
   * whatever host name the client used ({@code localhost}), in either scheme.
   *
   * @return the audience
   */
  public String audience() {
    return Auth0Tenant.audience(server.baseUri());
  }

  /**
   * The port the server listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * The client id the token endpoint accepts.
   *
   * @return the client id
   */
  public String clientId() {
    return tenant.clientId();
  }

  /**
   * The client secret the token endpoint accepts.
   *
   * @return the client secret
   */
  public String clientSecret() {
    return tenant.clientSecret();
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
    server.faults().add(endpoint, nth, Fault.status(status));
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
    server.faults().add(endpoint, nth, Fault.drop());
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
    server.faults().add(endpoint, nth, Fault.delay(delay));
    return this;
  }

  /**
   * Makes the next export job created end as {@code failed} instead of {@code completed}.
   *
   * @param statusDetails the job's {@code status_details}, as the client will see them
   * @return this emulator
   */
  public Auth0Emulator failNextJob(String statusDetails) {
    jobs.failNextJob(Objects.requireNonNull(statusDetails, "statusDetails"));
    return this;
  }

  /**
   * Changes users the way a profile edit would: picks {@code count} users with an email, gives each
   * a different {@code given_name} and {@code family_name} and sets its {@code updated_at} to the
   * emulator's clock (in Auth0's form, with milliseconds: {@code 2026-01-01T00:00:00.000Z}). Their
   * {@code user_id}, {@code email} and other fields stay as they are, and so do all other users.
   * Export jobs created from now on serve the changed users; a job created before keeps serving
   * what it served.
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
    return userEdits.update(count);
  }

  /**
   * The requests answered so far, in order of arrival.
   *
   * @return a snapshot of the requests
   */
  public List<Request> requests() {
    return server.log().answered().stream()
        .map(Auth0Emulator::request)
        .collect(Collectors.toUnmodifiableList());
  }

  private static Request request(RequestLog.Entry<Endpoint> e) {
    return new Request(
        e.endpoint(),
        e.method(),
        e.path(),
        e.query(),
        e.headers(),
        e.body(),
        e.status(),
        e.received());
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
    return jobs.exportedUsers(jobId);
  }

  /**
   * The ids of the jobs created so far.
   *
   * @return the job ids, in creation order
   */
  public List<String> jobIds() {
    return jobs.jobIds();
  }

  /** The fault rules, for the standalone program's fault file. */
  io.leadbridge.testkit.internal.FaultRules<Endpoint> faults() {
    return server.faults();
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "Auth0Emulator[" + domain() + "]";
  }

  /** Builds and starts an {@link Auth0Emulator}. Not thread-safe. */
  public static final class Builder {
    private String clientId = "emulator-client-id";
    private String clientSecret = "emulator-client-secret";
    private final Set<String> scopes =
        new LinkedHashSet<>(List.of(Auth0Tenant.READ_USERS, Auth0Tenant.READ_CONNECTIONS));
    private Iterable<? extends Map<String, ?>> users = SyntheticUsers.builder().count(100).build();
    private final Map<String, String> connections = new LinkedHashMap<>();
    private Duration jobDuration = Duration.ofSeconds(10);
    private Duration linkTtl = Duration.ofSeconds(60);
    private Duration tokenTtl = Duration.ofHours(24);
    private int rateLimit;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private int port;
    private EmulatorTls tls;
    private boolean requestsPath;

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
     * The port to listen on, on 127.0.0.1.
     *
     * @param port 0 (the default) for a free port
     * @return this builder
     * @throws IllegalArgumentException if outside 0 to 65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("A port is from 0 to 65535, not " + port + ".");
      }
      this.port = port;
      return this;
    }

    /**
     * Serves HTTPS with a self-signed certificate instead of plain HTTP, for clients that insist on
     * {@code https://}; give the client {@link EmulatorTls#sslContext()} or the PEM file of {@link
     * EmulatorTls#writeCertificatePem}.
     *
     * @param tls the certificate and key; one can serve both emulators
     * @return this builder
     */
    public Builder tls(EmulatorTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Whether {@code GET /__admin/requests} lists the requests received so far as a JSON array
     * (endpoint, method, path, query, headers, body size, status, time; credentials, tokens and
     * signatures masked, bodies left out), for tests that drive the emulator from another process.
     * Off by default: the emulator then answers only the service's own paths.
     *
     * @param requestsPath whether to serve the path
     * @return this builder
     */
    public Builder requestsPath(boolean requestsPath) {
      this.requestsPath = requestsPath;
      return this;
    }

    /**
     * Starts the emulator on 127.0.0.1, on a free port unless {@link #port} says otherwise.
     *
     * @return the running emulator; close it when done
     * @throws UncheckedIOException if the server cannot start
     */
    public Auth0Emulator start() {
      return new Auth0Emulator(this);
    }
  }
}
