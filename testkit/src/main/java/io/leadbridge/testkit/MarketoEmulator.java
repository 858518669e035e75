package io.leadbridge.testkit;

import io.leadbridge.core.remote.Sleeper;
import io.leadbridge.testkit.internal.EmulatorServer;
import io.leadbridge.testkit.internal.Fault;
import io.leadbridge.testkit.internal.RequestLog;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A loopback HTTP server that behaves like a Marketo instance's Bulk Lead Import API: the identity
 * endpoint with expiring tokens (by GET or POST), Bearer-only authentication (601/602), {@code
 * describe.json} and {@code describe2.json}, multipart uploads parsed for real in the delimiter of
 * {@code format}, headers checked against a lead schema, 413 over 10 MB, 1003 on an empty file, a
 * FIFO queue of at most 10 jobs (1016 beyond) with 2 importing at once at a set rows-per-second,
 * statuses Queued → Importing → Complete or Failed with running counts, failure and warning files,
 * an in-memory lead store upserted by the lookup field, 606 over the rate limit and 615 over the
 * concurrency limit, a daily quota shared with other integrations (607 past it) with {@code
 * /rest/v1/stats/usage.json}, and the Leads API's query by filter type over the lead store (603 for
 * an API user that may not read leads). Like Marketo, it resolves {@code ..} in paths ({@code
 * /rest/../bulk/v1/leads.json}, as node-marketo-rest sends it) and answers an unknown path with
 * HTTP 200 and error 610. {@link Builder#tls} serves HTTPS, and {@link StandaloneEmulators} runs
 * the emulator as a program.
 *
 * <p>Each value of an uploaded row is judged as the rules listed case by case in {@code
 * marketo-value-rules.tsv} (a resource of this package, with the sources it follows) say: a
 * rejection fails the row, a warning imports it truncated or changed. Leadbridge's client predicts
 * with its own implementation of the same rules; both are tested against that table.
 *
 * <p>Time comes from an injectable {@link Clock}: share a {@link ManualClock} with the client so
 * that imports progress only while the client sleeps, and tests never really wait. Faults are
 * injected on the nth call of a kind ({@link #failWithCode}, {@link #failWithStatus}, {@link
 * #drop}, {@link #dropAfterAccept}, {@link #delay}, {@link #failNextBatch}), and every request is
 * recorded.
 *
 * <p>Thread-safe: the server answers requests on threads of its own while a test injects faults and
 * reads the leads and the requests.
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

  /** The kinds of call the emulator answers. Thread-safe. */
  public enum Endpoint {
    /** {@code GET /identity/oauth/token} (or {@code POST}, as Adobe allows). */
    TOKEN,
    /** {@code GET /rest/v1/leads/describe2.json}. */
    DESCRIBE,
    /** {@code GET /rest/v1/leads/describe.json}: Describe Lead, the first version. */
    DESCRIBE_V1,
    /** {@code POST /bulk/v1/leads.json}. */
    UPLOAD,
    /** {@code GET /bulk/v1/leads/batch/{id}.json}. */
    STATUS,
    /** {@code GET /bulk/v1/leads/batch/{id}/failures.json}. */
    FAILURES,
    /** {@code GET /bulk/v1/leads/batch/{id}/warnings.json}. */
    WARNINGS,
    /** {@code GET /rest/v1/stats/usage.json}. */
    USAGE,
    /**
     * {@code GET /rest/v1/leads.json?filterType=…} (Get Leads by Filter Type), or its {@code POST}
     * with {@code _method=GET}.
     */
    LEADS,
    /** {@code GET /rest/asset/v1/program/{id}.json}: a program, 1013 when unknown. */
    PROGRAM,
    /** {@code GET /rest/asset/v1/channels/byName.json?name=…}: a channel's statuses. */
    CHANNEL,
    /** {@code GET /rest/v1/programs/members/describe.json}. */
    PROGRAM_MEMBER_DESCRIBE,
    /** {@code POST /bulk/v1/program/{programId}/members/import.json}. */
    PROGRAM_MEMBER_UPLOAD,
    /** {@code GET /bulk/v1/program/members/batch/{id}.json}. */
    PROGRAM_MEMBER_STATUS,
    /** {@code GET /bulk/v1/program/members/batch/{id}/failures.json}. */
    PROGRAM_MEMBER_FAILURES,
    /** {@code GET /bulk/v1/program/members/batch/{id}/warnings.json}. */
    PROGRAM_MEMBER_WARNINGS,
    /** {@code GET /rest/v1/customobjects/{apiName}/describe.json}. */
    CUSTOM_OBJECT_DESCRIBE,
    /** {@code POST /bulk/v1/customobjects/{apiName}/import.json}. */
    CUSTOM_OBJECT_UPLOAD,
    /** {@code GET /bulk/v1/customobjects/{apiName}/import/{id}/status.json}. */
    CUSTOM_OBJECT_STATUS,
    /** {@code GET /bulk/v1/customobjects/{apiName}/import/{id}/failures.json}. */
    CUSTOM_OBJECT_FAILURES,
    /** {@code GET /bulk/v1/customobjects/{apiName}/import/{id}/warnings.json}. */
    CUSTOM_OBJECT_WARNINGS,
    /** Anything else: HTTP 200 with {@code success: false} and code 610, as Marketo answers. */
    OTHER
  }

  /**
   * A custom object type of the emulated instance. Immutable, so thread-safe.
   *
   * @param apiName the API name, e.g. {@code subscription_c}
   * @param displayName the name people see
   * @param fields the fields an import may name (besides the read-only {@code marketoGUID}, {@code
   *     createdAt} and {@code updatedAt} every type has)
   * @param dedupeFields one to three of the fields, which find the record a row updates
   * @param linkField the field whose value is the email of the lead a record belongs to (a row
   *     whose lead does not exist fails), or {@code null} for a type linked to no lead
   */
  public record CustomObjectType(
      String apiName,
      String displayName,
      List<Field> fields,
      List<String> dedupeFields,
      String linkField) {
    /**
     * Checks the type.
     *
     * @param apiName the API name
     * @param displayName the display name
     * @param fields the fields
     * @param dedupeFields the dedupe fields, each one of the fields
     * @param linkField one of the fields, or {@code null}
     */
    public CustomObjectType {
      Objects.requireNonNull(apiName, "apiName");
      Objects.requireNonNull(displayName, "displayName");
      fields = List.copyOf(fields);
      dedupeFields = List.copyOf(dedupeFields);
      if (dedupeFields.isEmpty() || dedupeFields.size() > 3) {
        throw new IllegalArgumentException("A custom object has one to three dedupe fields.");
      }
      for (String d : dedupeFields) {
        if (fieldOf(fields, d) == null) {
          throw new IllegalArgumentException("Dedupe field " + d + " is not a field.");
        }
      }
      if (linkField != null && fieldOf(fields, linkField) == null) {
        throw new IllegalArgumentException("Link field " + linkField + " is not a field.");
      }
    }

    /**
     * The field with this API name, in any case.
     *
     * @param name the API name
     * @return the field, or {@code null}
     */
    public Field field(String name) {
      return fieldOf(fields, name);
    }

    private static Field fieldOf(List<Field> fields, String name) {
      for (Field f : fields) {
        if (f.name().equalsIgnoreCase(name)) {
          return f;
        }
      }
      return null;
    }
  }

  /**
   * A lead field of the emulated instance. Immutable, so thread-safe.
   *
   * @param name the REST name
   * @param displayName the display name
   * @param dataType the data type
   * @param length the longest value kept (longer values are truncated with a warning), 0 for none
   * @param updateable whether the API may write it
   */
  public record Field(
      String name, String displayName, String dataType, int length, boolean updateable) {

    /** The field as Marketo's describe calls list it; a new map the caller may add to. */
    Map<String, Object> described() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("displayName", displayName);
      m.put("dataType", dataType);
      if (length > 0) {
        m.put("length", length);
      }
      m.put("updateable", updateable);
      return m;
    }
  }

  /**
   * A request the emulator received. Thread-safe: those the emulator records are immutable.
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

  /**
   * The program member fields used by default, as Describe Program Member lists the standard ones:
   * most are read-only; {@code membershipDate} and the like are kept by Marketo.
   */
  public static final List<Field> PROGRAM_MEMBER_FIELDS =
      List.of(
          new Field("leadId", "Lead Id", "integer", 0, false),
          new Field("programId", "Program Id", "integer", 0, false),
          new Field("statusName", "Status", "string", 255, false),
          new Field("membershipDate", "Membership Date", "datetime", 0, false),
          new Field("reachedSuccess", "Success", "boolean", 0, false),
          new Field("acquiredBy", "Acquired By", "boolean", 0, false));

  private final MarketoIdentity identity;
  private final MarketoPrograms programs;
  private final MarketoCustomObjects customObjects;
  private final MarketoQuota quota;
  private final MarketoLeadStore store;
  private final MarketoImportQueue queue;
  private final EmulatorServer<Endpoint> server;

  private MarketoEmulator(Builder b) {
    this.quota = new MarketoQuota(b.dailyQuota, b.usedToday, b.clientId + "@api", b.clock);
    this.identity =
        new MarketoIdentity(
            b.clientId,
            b.clientSecret,
            b.tokenTtl,
            b.rateLimit,
            b.rateWindow,
            b.concurrencyLimit,
            quota,
            b.clock);
    this.store = new MarketoLeadStore(b.fields, b.leadReadAccess);
    this.queue =
        new MarketoImportQueue(b.rowsPerSecond, b.importSlots, b.queueLimit, store, b.clock);
    MarketoUpload upload = new MarketoUpload(store, queue, b.maxFileBytes);
    this.programs =
        new MarketoPrograms(
            b.channels, b.programs, b.programMemberFields, store, upload, b.maxFileBytes);
    this.customObjects = new MarketoCustomObjects(b.customObjects, store, upload, b.maxFileBytes);
    this.server =
        MarketoRoutes.start(
                identity, store, queue, quota, upload, programs, customObjects, b.clock, b.sleeper)
            .port(b.port)
            .tls(b.tls == null ? null : b.tls.serverContext())
            .requestsPath(b.requestsPath)
            .start();
  }

  /**
   * A builder with the defaults: standard lead fields, 1,000 rows per second, 2 import slots, a
   * queue of 10, 100 calls in 20 seconds, 10 at once, a daily quota of 50,000 calls none of which
   * is used, leads readable by the API user, files under 10 MB, the system clock and sleeper.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The REST endpoint to give the client, e.g. {@code http://127.0.0.1:54321} ({@code https://}
   * with {@link Builder#tls}). The identity endpoint is {@code {endpoint}/identity}.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return server.baseUri();
  }

  /**
   * The client id the identity endpoint accepts.
   *
   * @return the client id
   */
  public String clientId() {
    return identity.clientId();
  }

  /**
   * The client secret the identity endpoint accepts.
   *
   * @return the client secret
   */
  public String clientSecret() {
    return identity.clientSecret();
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
    server.faults().add(endpoint, nth, Fault.serviceError(code));
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
    server.faults().add(endpoint, nth, Fault.status(status));
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
    server.faults().add(endpoint, nth, Fault.drop());
    return this;
  }

  /**
   * Accepts the nth upload (the job is queued) and then closes the connection without an answer.
   *
   * @param nth which upload
   * @return this emulator
   */
  public MarketoEmulator dropAfterAccept(int nth) {
    return dropAfterAccept(Endpoint.UPLOAD, nth);
  }

  /**
   * Accepts the nth upload of a kind (the job is queued) and then closes the connection without an
   * answer.
   *
   * @param upload {@link Endpoint#UPLOAD}, {@link Endpoint#PROGRAM_MEMBER_UPLOAD} or {@link
   *     Endpoint#CUSTOM_OBJECT_UPLOAD}
   * @param nth which upload
   * @return this emulator
   * @throws IllegalArgumentException for an endpoint that is not an upload
   */
  public MarketoEmulator dropAfterAccept(Endpoint upload, int nth) {
    if (!isUpload(upload)) {
      throw new IllegalArgumentException("dropAfterAccept is for uploads, not " + upload + ".");
    }
    server.faults().add(upload, nth, Fault.dropAfterAccept());
    return this;
  }

  /** Whether an endpoint is one of the bulk uploads. */
  static boolean isUpload(Endpoint e) {
    return e == Endpoint.UPLOAD
        || e == Endpoint.PROGRAM_MEMBER_UPLOAD
        || e == Endpoint.CUSTOM_OBJECT_UPLOAD;
  }

  /**
   * Waits through the emulator's {@link Builder#sleeper sleeper} before answering the nth call of a
   * kind, then answers it normally. With a {@link ManualClock}'s sleeper the wait takes no real
   * time and moves the emulator's clock forward, so tokens expire and imports progress while the
   * call is in flight. A client's request timeout runs on real time: to exceed it, give the
   * emulator a sleeper that really waits (the default, {@link Sleeper#system()}) or one that blocks
   * until the test lets it go, and give the client a short timeout.
   *
   * @param endpoint the kind of call
   * @param nth which call
   * @param delay how long
   * @return this emulator
   */
  public MarketoEmulator delay(Endpoint endpoint, int nth, Duration delay) {
    server.faults().add(endpoint, nth, Fault.delay(delay));
    return this;
  }

  /**
   * Makes the next accepted batch end {@code Failed} with this message, importing nothing.
   *
   * @param message Marketo's message for the failure
   * @return this emulator
   */
  public MarketoEmulator failNextBatch(String message) {
    queue.failNextBatch(message);
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
    queue.addForeignJobs(count, rowsEach);
    return this;
  }

  /**
   * Whether the API user may read leads: without the permission, the Leads API answers 603.
   *
   * @param allowed true by default
   * @return this emulator
   */
  public MarketoEmulator leadReadAccess(boolean allowed) {
    store.readAccess(allowed);
    return this;
  }

  /**
   * Counts calls of other integrations against today's quota, as they share it.
   *
   * @param calls how many, up to what the quota has left
   * @return this emulator
   */
  public MarketoEmulator addForeignCalls(long calls) {
    quota.addForeign(calls);
    return this;
  }

  /**
   * Makes every token issued so far expired: the next call with one gets 602.
   *
   * @return this emulator
   */
  public MarketoEmulator expireTokens() {
    identity.expireTokens();
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
    queue.advance();
    return store.leads();
  }

  /**
   * How many times imports upserted the lead with this lookup value: 1 means imported once.
   *
   * @param lookupValue the lookup value, any case
   * @return the count
   */
  public int importCount(String lookupValue) {
    queue.advance();
    return store.importCount(lookupValue);
  }

  /**
   * The largest number of times any lead was upserted: 1 when nothing was imported twice.
   *
   * @return the maximum, 0 when nothing was imported
   */
  public int maxImportCount() {
    queue.advance();
    return store.maxImportCount();
  }

  /**
   * The members of a program after the imports that have completed by the emulator's clock: each
   * member's fields (its {@code statusName} and the program member fields imported) by its lead's
   * email in lower case. The leads themselves are in {@link #leads()}.
   *
   * @param programId the program
   * @return a copy, empty for a program without members
   */
  public Map<String, Map<String, String>> programMembers(long programId) {
    queue.advance();
    return programs.members(programId);
  }

  /**
   * The largest number of times any membership of a program was imported: 1 when nothing was
   * imported twice.
   *
   * @param programId the program
   * @return the maximum, 0 when nothing was imported
   */
  public int maxMemberImportCount(long programId) {
    queue.advance();
    return programs.maxImportCount(programId);
  }

  /**
   * The records of a custom object type after the imports that have completed by the emulator's
   * clock, in the order first imported, each with the fields imported.
   *
   * @param apiName the type's API name
   * @return a copy, empty for a type without records
   */
  public List<Map<String, String>> customObjects(String apiName) {
    queue.advance();
    return customObjects.records(apiName);
  }

  /**
   * The largest number of times any record of a custom object type was imported: 1 when nothing was
   * imported twice.
   *
   * @param apiName the type's API name
   * @return the maximum, 0 when nothing was imported
   */
  public int maxCustomObjectImportCount(String apiName) {
    queue.advance();
    return customObjects.maxImportCount(apiName);
  }

  /**
   * The API calls counted against today's quota, of every integration.
   *
   * @return the count
   */
  public long callsToday() {
    return quota.usedToday();
  }

  /**
   * Jobs accepted from clients (foreign jobs not counted).
   *
   * @return the count
   */
  public int acceptedUploads() {
    return queue.acceptedUploads();
  }

  /**
   * Every request received, in order.
   *
   * @return an unmodifiable copy
   */
  public List<Request> requests() {
    return server.log().all().stream().map(MarketoEmulator::request).toList();
  }

  private static Request request(RequestLog.Entry<Endpoint> e) {
    return new Request(
        e.endpoint(), e.method(), e.path(), e.query(), e.headers(), e.bodyBytes(), e.received());
  }

  /**
   * The requests of one kind.
   *
   * @param endpoint the kind
   * @return the requests, in order
   */
  public List<Request> requests(Endpoint endpoint) {
    return requests().stream().filter(r -> r.endpoint() == endpoint).toList();
  }

  /** The fault rules, for the standalone program's fault file. */
  io.leadbridge.testkit.internal.FaultRules<Endpoint> faults() {
    return server.faults();
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "MarketoEmulator[" + endpoint() + "]";
  }

  /** Builds and starts a {@link MarketoEmulator}. Not thread-safe. */
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
    private int dailyQuota = 50_000;
    private long usedToday;
    private boolean leadReadAccess = true;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private int port;
    private EmulatorTls tls;
    private boolean requestsPath;
    private final Map<String, List<String>> channels = new LinkedHashMap<>();
    private final Map<Long, MarketoPrograms.Program> programs = new LinkedHashMap<>();
    private List<Field> programMemberFields = PROGRAM_MEMBER_FIELDS;
    private final List<CustomObjectType> customObjects = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a channel with its progression statuses, the statuses a member of its programs may have.
     *
     * @param name the channel's name, e.g. {@code Webinar}
     * @param statuses the statuses in order of progression, e.g. {@code Invited, Registered,
     *     Attended}
     * @return this builder
     */
    public Builder addChannel(String name, List<String> statuses) {
      Objects.requireNonNull(name, "name");
      if (statuses.isEmpty()) {
        throw new IllegalArgumentException("A channel has at least one status.");
      }
      channels.put(name, List.copyOf(statuses));
      return this;
    }

    /**
     * Adds a program in a channel added with {@link #addChannel}.
     *
     * @param id the program's id
     * @param name the program's name
     * @param channel the channel's name
     * @return this builder
     * @throws IllegalArgumentException if the channel was not added
     */
    public Builder addProgram(long id, String name, String channel) {
      if (!channels.containsKey(channel)) {
        throw new IllegalArgumentException("Add the channel " + channel + " first.");
      }
      programs.put(id, new MarketoPrograms.Program(id, Objects.requireNonNull(name), channel));
      return this;
    }

    /**
     * The program member fields, standard and custom, that Describe Program Member lists and a
     * program member import may name besides lead fields.
     *
     * @param programMemberFields {@link #PROGRAM_MEMBER_FIELDS} by default
     * @return this builder
     */
    public Builder programMemberFields(List<Field> programMemberFields) {
      this.programMemberFields = List.copyOf(programMemberFields);
      return this;
    }

    /**
     * Adds a custom object type.
     *
     * @param type the type
     * @return this builder
     */
    public Builder addCustomObject(CustomObjectType type) {
      customObjects.add(Objects.requireNonNull(type, "type"));
      return this;
    }

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
     * The instance's daily API quota: calls past it get 607 until the next day (UTC, by the
     * emulator's clock).
     *
     * @param dailyQuota 50,000 by default, Marketo's usual quota
     * @param usedToday calls other integrations have made today already; 0 by default
     * @return this builder
     */
    public Builder dailyQuota(int dailyQuota, long usedToday) {
      if (dailyQuota < 0 || usedToday < 0) {
        throw new IllegalArgumentException("dailyQuota and usedToday must not be negative");
      }
      this.dailyQuota = dailyQuota;
      this.usedToday = usedToday;
      return this;
    }

    /**
     * Whether the API user may read leads; without the permission, the Leads API answers 603.
     *
     * @param leadReadAccess true by default
     * @return this builder
     */
    public Builder leadReadAccess(boolean leadReadAccess) {
      this.leadReadAccess = leadReadAccess;
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
     * What waits for {@link MarketoEmulator#delay injected delays}.
     *
     * @param sleeper {@link Sleeper#system()} by default, which really waits; a {@link
     *     ManualClock}'s {@link ManualClock#sleeper() sleeper} moves the clock instead
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
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
    public MarketoEmulator start() {
      return new MarketoEmulator(this);
    }
  }
}
