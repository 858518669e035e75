package io.leadbridge.auth0;

import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.core.source.UserSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An export of a tenant's users through Auth0's Management API users-exports job, read as a {@link
 * UserSource}. This is the bulk path: {@code GET /api/v2/users} stops at 1000 users.
 *
 * <p>{@link #open()} gets a client-credentials token, creates the job ({@code format: json}, with
 * the {@code fields} the mapping needs), polls it until it completes, downloads the gzipped NDJSON
 * at once to an owner-only temporary file and streams it from there; closing the source deletes the
 * file. Rate limits (HTTP 429) are waited out until {@code x-ratelimit-reset}, server errors and
 * dropped connections retried as the {@link Builder#retryPolicy(RetryPolicy) retry policy} allows,
 * a refused token renewed once, and an expired download link replaced by a fresh one. The token is
 * reused until a tenth of its lifetime, at most a minute, is left.
 *
 * <pre>{@code
 * Auth0ExportJob job = Auth0ExportJob.builder()
 *     .domain("tenant.eu.auth0.com")
 *     .clientId(clientId)
 *     .clientSecret(clientSecret)          // a Machine-to-Machine app with read:users
 *     .mapping(mapping)        // exports user_id, updated_at and what the mapping reads
 *     .build();
 * try (UserSource users = job.open()) {
 *   ExportResult result = exporter.export(users, Path.of("out/users.tsv"));
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe: instances can be shared and opened more than once, also at once;
 * each {@link #open()} runs a new job with its own token. {@link #toString()} never shows the
 * client secret.
 */
public final class Auth0ExportJob {
  /** The most fields Auth0 accepts in one export job. */
  public static final int MAX_FIELDS = 30;

  private static final RetryPolicy DEFAULT_RETRY_POLICY =
      new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(30));

  private final String domain;
  private final URI base;
  private final String audience;
  private final String clientId;
  private final String clientSecret;
  private final String connectionId;
  private final String connectionName;
  private final Long limit;
  private final FieldMapping mapping;
  private final List<String> extraFields;
  private final List<String> fields;
  private final Auth0JobListener listener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final Duration pollInterval;
  private final Duration maxPollInterval;
  private final Duration requestTimeout;
  private final RetryPolicy retryPolicy;
  private final HttpClient httpClient;
  private final Path tempDirectory;

  private Auth0ExportJob(Builder b) {
    if (b.domain == null || b.domain.isBlank()) {
      throw new IllegalArgumentException(
          "Set the tenant's domain with domain(\"tenant.eu.auth0.com\").");
    }
    this.domain = b.domain.trim();
    this.base = ManagementApi.tenantBase(domain);
    this.audience = b.audience != null ? b.audience : base.toString() + "/api/v2/";
    if (b.clientId == null || b.clientId.isBlank()) {
      throw new IllegalArgumentException(
          "Set the client id of a Machine-to-Machine application with clientId(...).");
    }
    if (b.clientSecret == null || b.clientSecret.isEmpty()) {
      throw new IllegalArgumentException(
          "Set the client secret of the Machine-to-Machine application with clientSecret(...).");
    }
    this.clientId = b.clientId.trim();
    this.clientSecret = b.clientSecret;
    if (b.connectionId != null && b.connectionName != null) {
      throw new IllegalArgumentException(
          "Set either connectionId(...) or connectionName(...), not both.");
    }
    this.connectionId = b.connectionId;
    this.connectionName = b.connectionName;
    this.limit = b.limit;
    this.mapping = b.mapping;
    this.extraFields = List.copyOf(b.fields);
    this.fields = fields(b.mapping, extraFields);
    this.listener = b.listener;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.timeout = positive(b.timeout, "timeout");
    this.pollInterval = positive(b.pollInterval, "pollInterval");
    this.maxPollInterval = positive(b.maxPollInterval, "maxPollInterval");
    if (maxPollInterval.compareTo(pollInterval) < 0) {
      throw new IllegalArgumentException("maxPollInterval must not be shorter than pollInterval.");
    }
    this.requestTimeout = positive(b.requestTimeout, "requestTimeout");
    this.retryPolicy = b.retryPolicy;
    this.httpClient = b.httpClient;
    this.tempDirectory = b.tempDirectory;
  }

  private static Duration positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive.");
    }
    return d;
  }

  private static List<String> fields(FieldMapping mapping, List<String> extra) {
    if (mapping == null && extra.isEmpty()) {
      throw new IllegalArgumentException(
          "Name the fields to export with mapping(...) or fields(...): without them Auth0 exports"
              + " only a predefined set of fields.");
    }
    if (mapping != null && mapping.hasComputedColumns() && extra.isEmpty()) {
      throw new IllegalArgumentException(
          "The mapping has computed columns, which may read any property: name the root"
              + " properties they read with fields(...) so the export includes them.");
    }
    Set<String> names = new LinkedHashSet<>();
    names.add("user_id");
    names.add("updated_at"); // lets a sync keep the most recently updated of users sharing a key
    if (mapping != null) {
      names.addAll(mapping.rootProperties());
    }
    names.addAll(extra);
    if (names.size() > MAX_FIELDS) {
      throw new IllegalArgumentException(
          "Auth0's export job accepts at most "
              + MAX_FIELDS
              + " fields, but "
              + names.size()
              + " are needed (user_id, updated_at and the root properties the mapping reads: "
              + String.join(", ", names)
              + "). Map fewer root properties, or split the export into two mappings.");
    }
    return List.copyOf(names);
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
   * A builder with this job's settings, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The fields the job asks Auth0 for: {@code user_id}, {@code updated_at} (which {@link
   * io.leadbridge.core.MergePolicy#MOST_RECENTLY_UPDATED} reads), the root properties of the
   * mapping, and the fields named with {@link Builder#fields(Collection)}.
   *
   * @return the field names, in request order, at most {@value #MAX_FIELDS}
   */
  public List<String> fields() {
    return fields;
  }

  /**
   * The audience of the token: by default {@code https://{domain}/api/v2/}.
   *
   * @return the audience
   */
  public String audience() {
    return audience;
  }

  /**
   * Runs an export job and opens its result. Blocks until the job completes and its file is
   * downloaded, or the {@link Builder#timeout(Duration) timeout} passes.
   *
   * @return a source over the exported users; close it to delete the downloaded file
   * @throws Auth0ServiceException if Auth0 refuses a request (bad credentials, missing scope,
   *     unknown connection, persistent errors)
   * @throws Auth0TransportException if Auth0 or the download link gives no usable answer
   * @throws Auth0JobException if the job fails or expires
   * @throws Auth0TimeoutException if the export does not finish within the timeout
   * @throws Auth0Exception if the connection name is unknown, the download link is not https or the
   *     temporary file cannot be written
   */
  public Auth0ExportSource open() {
    return new ExportJobRun(this).run();
  }

  URI base() {
    return base;
  }

  String connectionId() {
    return connectionId;
  }

  String connectionName() {
    return connectionName;
  }

  Long limit() {
    return limit;
  }

  Auth0JobListener listener() {
    return listener;
  }

  Duration pollInterval() {
    return pollInterval;
  }

  Duration maxPollInterval() {
    return maxPollInterval;
  }

  HttpClient httpClient() {
    return httpClient;
  }

  Path tempDirectory() {
    return tempDirectory;
  }

  String clientId() {
    return clientId;
  }

  String clientSecret() {
    return clientSecret;
  }

  Clock clock() {
    return clock;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  Duration timeout() {
    return timeout;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  public String toString() {
    return "Auth0ExportJob[domain="
        + domain
        + ", clientId="
        + clientId
        + (connectionId != null ? ", connectionId=" + connectionId : "")
        + (connectionName != null ? ", connectionName=" + connectionName : "")
        + (limit != null ? ", limit=" + limit : "")
        + ", fields="
        + fields
        + "]";
  }

  /**
   * Builds an {@link Auth0ExportJob}. Only the domain, the credentials and the fields are required.
   * Not thread-safe: fill it on one thread.
   */
  public static final class Builder {
    private String domain;
    private String audience;
    private String clientId;
    private String clientSecret;
    private String connectionId;
    private String connectionName;
    private Long limit;
    private FieldMapping mapping;
    private final List<String> fields = new ArrayList<>();
    private Auth0JobListener listener = Auth0JobListener.none();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration timeout = Duration.ofHours(2);
    private Duration pollInterval = Duration.ofSeconds(2);
    private Duration maxPollInterval = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private RetryPolicy retryPolicy = DEFAULT_RETRY_POLICY;
    private HttpClient httpClient;
    private Path tempDirectory;

    private Builder() {}

    private Builder(Auth0ExportJob j) {
      domain = j.domain;
      audience = j.audience;
      clientId = j.clientId;
      clientSecret = j.clientSecret;
      connectionId = j.connectionId;
      connectionName = j.connectionName;
      limit = j.limit;
      mapping = j.mapping;
      fields.addAll(j.extraFields);
      listener = j.listener;
      clock = j.clock;
      sleeper = j.sleeper;
      timeout = j.timeout;
      pollInterval = j.pollInterval;
      maxPollInterval = j.maxPollInterval;
      requestTimeout = j.requestTimeout;
      retryPolicy = j.retryPolicy;
      httpClient = j.httpClient;
      tempDirectory = j.tempDirectory;
    }

    /**
     * The tenant's domain, such as {@code tenant.eu.auth0.com} or a custom domain. A full URL is
     * accepted; plain {@code http://} only for a loopback host (an emulator in tests).
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = Objects.requireNonNull(domain, "domain");
      return this;
    }

    /**
     * The token's audience. Defaults to {@code https://{domain}/api/v2/}; set it when {@link
     * #domain(String)} is a custom domain, since the Management API audience is always the tenant's
     * own domain.
     *
     * @param audience the Management API identifier
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * The client id of a Machine-to-Machine application authorized for the Management API.
     *
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    /**
     * The application's client secret. Never logged or shown.
     *
     * @param clientSecret the client secret
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Exports only the users of one connection, by id ({@code con_…}).
     *
     * @param connectionId the connection id, or {@code null} for all users
     * @return this builder
     */
    public Builder connectionId(String connectionId) {
      this.connectionId = blankToNull(connectionId);
      return this;
    }

    /**
     * Exports only the users of one connection, by name ({@code Username-Password-Authentication}),
     * resolved through {@code GET /api/v2/connections}; needs the {@code read:connections} scope.
     *
     * @param connectionName the connection name, or {@code null} for all users
     * @return this builder
     */
    public Builder connectionName(String connectionName) {
      this.connectionName = blankToNull(connectionName);
      return this;
    }

    /**
     * Exports at most this many users.
     *
     * @param limit a positive number of users
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public Builder limit(long limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be positive.");
      }
      this.limit = limit;
      return this;
    }

    /**
     * The mapping the export feeds: the job asks for {@code user_id}, {@code updated_at} and the
     * root property of each path the mapping reads ({@code user_metadata} for {@code
     * user_metadata.plan}).
     *
     * @param mapping the field mapping
     * @return this builder
     */
    public Builder mapping(FieldMapping mapping) {
      this.mapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /**
     * More root properties to export, replacing any named before: for computed columns, or without
     * a mapping. Any name is accepted, for custom attributes of external identity providers.
     *
     * @param fields root property names
     * @return this builder
     */
    public Builder fields(Collection<String> fields) {
      this.fields.clear();
      for (String f : fields) {
        addField(f);
      }
      return this;
    }

    /**
     * One more root property to export.
     *
     * @param field a root property name, such as {@code app_metadata}
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or is a path
     */
    public Builder addField(String field) {
      Objects.requireNonNull(field, "field");
      String f = field.trim();
      if (f.isEmpty() || f.contains(".") || f.contains("[")) {
        throw new IllegalArgumentException(
            "Export fields are root property names such as user_metadata, not paths or blanks.");
      }
      if (!fields.contains(f)) {
        fields.add(f);
      }
      return this;
    }

    /**
     * Receives the job's progress. A listener that throws is logged and ignored: it never stops the
     * export.
     *
     * @param listener the listener; {@link Auth0JobListener#none()} by default
     * @return this builder
     */
    public Builder listener(Auth0JobListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The clock that measures token expiry, rate-limit resets and the timeout.
     *
     * @param clock the clock; the system UTC clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What waits between polls and before retries.
     *
     * @param sleeper the sleeper; {@link Sleeper#system()} by default
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * The longest the whole export may take, from the token to the downloaded file.
     *
     * @param timeout the overall timeout; 2 hours by default
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The first wait between status polls; later waits grow by half up to {@link
     * #maxPollInterval(Duration)}, and are shortened when Auth0 expects the job to end sooner.
     *
     * @param pollInterval the first wait; 2 seconds by default
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
      return this;
    }

    /**
     * The longest wait between status polls.
     *
     * @param maxPollInterval the longest wait; 30 seconds by default
     * @return this builder
     */
    public Builder maxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = Objects.requireNonNull(maxPollInterval, "maxPollInterval");
      return this;
    }

    /**
     * The longest a single HTTP request may take, including a download.
     *
     * @param requestTimeout the request timeout; 60 seconds by default
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * How server errors (5xx) and dropped connections are retried: the back-off doubles per retry
     * up to the policy's maximum, each wait drawn between half and all of it. Rate limits (HTTP
     * 429) are waited out until they reset and do not count as retries; a refused token is renewed
     * once.
     *
     * @param retryPolicy the policy; 4 retries from 500 ms up to 30 seconds by default
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The HTTP client to use, for proxies or custom TLS. It should not follow redirects.
     *
     * @param httpClient the client; a new one by default
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Where the downloaded export is kept while it is read.
     *
     * @param tempDirectory a writable directory; {@code java.io.tmpdir} by default
     * @return this builder
     */
    public Builder tempDirectory(Path tempDirectory) {
      this.tempDirectory = Objects.requireNonNull(tempDirectory, "tempDirectory");
      return this;
    }

    /**
     * Builds the job settings.
     *
     * @return the export job, ready to {@link Auth0ExportJob#open() open}
     * @throws IllegalArgumentException if a required setting is missing, the domain uses plain http
     *     to a host that is not loopback, or more than {@value Auth0ExportJob#MAX_FIELDS} fields
     *     would be requested
     */
    public Auth0ExportJob build() {
      return new Auth0ExportJob(this);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }
  }
}
