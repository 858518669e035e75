package io.leadbridge.marketo;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.RowKeys;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.http.Deadline;
import io.leadbridge.core.internal.http.HttpEngine;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.remote.Sleeper;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A client of Marketo's Bulk Lead Import API: upload, batch status, failure and warning files,
 * header checks against the instance's lead fields, and {@link #importAndAwait} that does the whole
 * cycle; the same cycle imports program members and custom object records ({@link BulkTarget}).
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
 * <p>Every answer's body is read (Marketo reports most errors as HTTP 200 with {@code success:
 * false}); transient errors are retried as the {@link RetryPolicy} allows, the daily quota and the
 * caller's mistakes stop at once, and the client keeps within its {@link CallBudget}. All waiting
 * goes through the injected {@link Clock} and {@link Sleeper}; see the {@link io.leadbridge.marketo
 * package} for the details of tokens, errors, limits and polling.
 *
 * <p>Immutable and thread-safe once built; one client is meant to be shared, and each import may
 * bring its own {@link ImportOptions.Builder#listener listener}.
 */
public final class MarketoBulkLeadClient {
  private final URI endpoint;
  private final String clientId;
  private final MarketoTransport transport;
  private final ImportSettings runSettings;
  private final ImportListener listener;
  private final Builder settings;

  private MarketoBulkLeadClient(Builder b) {
    if (b.endpoint == null || b.clientId == null || b.clientSecret == null) {
      throw new IllegalArgumentException(
          "A Marketo client needs endpoint(...), clientId(...) and clientSecret(...): find them in"
              + " Marketo under Admin > Integration > Web Services and LaunchPoint.");
    }
    this.runSettings =
        new ImportSettings(
            b.clock,
            b.minPollInterval,
            b.maxPollInterval,
            b.maxQueuedBatches,
            b.maxFileBytes,
            b.timeout,
            b.headerCheck,
            b.valueCheck);
    this.endpoint = MarketoTransport.endpoint(b.endpoint);
    this.clientId = b.clientId;
    this.transport =
        new MarketoTransport(
            endpoint,
            b.clientId,
            b.clientSecret,
            b.httpClient != null ? b.httpClient : HttpEngine.defaultClient(b.connectTimeout),
            b.requestTimeout,
            b.retryPolicy,
            b.callBudget,
            b.clock,
            b.sleeper);
    this.listener = b.listener;
    this.settings = b.copy();
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
    return transport.calls();
  }

  URI endpoint() {
    return endpoint;
  }

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
    return transport.uploadOne(file, options, runSettings.headerCheck());
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
    return status(BulkTarget.leads(), batchId);
  }

  /**
   * Reads the status of a batch of a target: a program member batch or a custom object import has
   * its own status path.
   *
   * @param target the target the batch was uploaded to
   * @param batchId the batch
   * @return its status; {@link BatchStatus#leadsProcessed()} counts members or records
   * @throws MarketoServiceException if Marketo does not know the batch
   * @throws MarketoTransportException if Marketo could not be reached
   */
  public BatchStatus status(BulkTarget target, long batchId) {
    Objects.requireNonNull(target, "target");
    return transport.status(target, batchId, Deadline.none());
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
    return failures(BulkTarget.leads(), batchId, format);
  }

  /**
   * Reads the rows of a batch of a target that failed, with Marketo's reason for each: a program
   * member batch or a custom object import has its own path. A batch without failed rows has no
   * file (Marketo answers 404), read as no rows.
   *
   * @param target the target the batch was uploaded to
   * @param batchId the batch
   * @param format the format the batch's file was uploaded in
   * @return the rows, streamed from a temporary file; close them
   * @throws MarketoServiceException if Marketo refuses
   */
  public BatchRows failures(BulkTarget target, long batchId, CsvFormat format) {
    Objects.requireNonNull(target, "target");
    return transport.failures(target, batchId, format, Deadline.none());
  }

  /**
   * Reads the rows of a batch of a target imported with a warning, with Marketo's reason for each.
   *
   * @param target the target the batch was uploaded to
   * @param batchId the batch
   * @param format the format the batch's file was uploaded in
   * @return the rows, streamed from a temporary file; close them
   * @throws MarketoServiceException if Marketo refuses
   */
  public BatchRows warnings(BulkTarget target, long batchId, CsvFormat format) {
    Objects.requireNonNull(target, "target");
    return transport.warnings(target, batchId, format, Deadline.none());
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
    return warnings(BulkTarget.leads(), batchId, format);
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

  /**
   * The instance's lead fields, read once from {@code describe2.json} and cached for the client's
   * life.
   *
   * @return the fields
   * @throws MarketoServiceException if Marketo refuses
   */
  public List<LeadField> describeLeadFields() {
    return transport.describeLeadFields(Deadline.none());
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
    transport.checkHeader(header, Deadline.none());
  }

  /**
   * Checks every value of every row of an export against its lead field's type and length, as
   * {@code importAndAwait} does before its first upload, and uploads nothing: the prediction of
   * which rows Marketo would fail ({@link ValueRule.Severity#REJECTION}) or import with a value
   * truncated or changed ({@link ValueRule.Severity#WARNING}), each traced to its user, and which
   * the options' {@link ImportOptions.RowPolicy policies} would leave out. For a dry run. Reads the
   * instance's lead fields (one call, cached for the client's life) and every file once.
   *
   * <pre>{@code
   * ValueReport check = marketo.checkValues(export, options);
   * check.summary().forEach(System.out::println);
   * }</pre>
   *
   * @param export the exported files
   * @param options the lookup field and the row policies
   * @return the findings
   * @throws MarketoHeaderException if the header names fields the instance does not have
   * @throws MarketoServiceException if Marketo refuses to describe the lead fields
   * @throws MarketoException if a file cannot be read or lacks the lookup column
   */
  public ValueReport checkValues(ExportResult export, ImportOptions options) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(options, "options");
    if (export.rowsWritten() == 0) {
      return ValueReport.none();
    }
    return checkValues(export, BulkTarget.leads(), options);
  }

  /**
   * Checks every value of an export against the fields of a target, as {@link
   * #importAndAwait(ExportResult, BulkTarget, ImportOptions)} does before its first upload, and
   * uploads nothing. For program members and custom objects it first checks the target (the program
   * and the status, the object) as the import does.
   *
   * @param export the exported files
   * @param target leads, program members or a custom object
   * @param options the lookup field and the row policies
   * @return the findings
   * @throws MarketoTargetException if the program, the status or the custom object is unknown
   * @throws MarketoHeaderException if the header names fields the target does not have
   * @throws MarketoServiceException if Marketo refuses to describe the fields
   * @throws MarketoException if a file cannot be read or lacks a column every row must fill
   */
  public ValueReport checkValues(ExportResult export, BulkTarget target, ImportOptions options) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    if (export.rowsWritten() == 0) {
      return ValueReport.none();
    }
    return ImportRun.checkValues(
        transport, export.paths(), export.format(), export.rowKeys().orElse(null), target, options);
  }

  /**
   * Imports an export and waits for Marketo to finish. Before the first upload it checks the header
   * and every value against the instance's lead fields, leaving out or reporting the rows Marketo
   * would fail or change as the options' {@link ImportOptions.RowPolicy policies} say (see {@link
   * #checkValues}), and reads today's API usage to refuse a run the daily quota cannot cover
   * ({@link QuotaCheck}). Then it splits parts over the size limit, keeps at most {@code
   * maxQueuedBatches} of its batches in the queue, polls each batch near its predicted end until it
   * is complete or failed, reads failure and warning files, and traces every such row back to its
   * user through the export's row keys. An upload whose answer was lost is settled by looking its
   * leads up ({@link ImportOptions.UncertainUploads#RESOLVE}). Resumable: see the journal note in
   * the README. An export that wrote no row (an incremental sync in which nothing changed) is not
   * uploaded: the report is empty and no call is made. Progress goes to the options' listener if
   * they have one, else to the client's.
   *
   * @param export the exported files
   * @param options the lookup field, list, partition, row policies, daily quota and listener
   * @return the report
   * @throws MarketoServiceException if Marketo refuses (daily quota, refused credentials)
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoQuotaException if the calls left of the daily quota cannot cover the import;
   *     nothing was uploaded
   * @throws MarketoValueException if a row policy is {@link ImportOptions.RowPolicy#STOP} and rows
   *     break it; nothing was uploaded
   * @throws MarketoException if the import cannot go on for a local reason (bad header, timeout,
   *     unreadable files); batches already accepted are in the journal for the next run
   */
  public ImportReport importAndAwait(ExportResult export, ImportOptions options) {
    return importAndAwait(export, BulkTarget.leads(), options);
  }

  /**
   * Imports an export into a target and waits for Marketo to finish: leads as {@link
   * #importAndAwait(ExportResult, ImportOptions)} does, or the members of a program, or the records
   * of a custom object, through the same machinery (splitting, the queue limit, the call budget,
   * retries, the value checks, the journal, failed and warned rows traced to their users).
   *
   * <pre>{@code
   * ImportReport members = marketo.importAndAwait(
   *     export, BulkTarget.programMembers(1234, "Registered"), ImportOptions.defaults());
   * }</pre>
   *
   * <p>Before the first upload of program members, the program is looked up and the status checked
   * against its channel's statuses; the header may name lead fields and program member fields, and
   * must have an {@code email} column, by which Marketo finds each row's lead (creating it when
   * missing). Before the first upload of custom object records, the object is described: the header
   * may name only its fields and must have its dedupe fields. Each target keeps its own journal
   * beside the files. A lost upload answer of members or records is reported, never looked up
   * ({@link ImportOptions.UncertainUploads#RESOLVE} acts as {@link
   * ImportOptions.UncertainUploads#REPORT}). In the report, {@link ImportReport#leadsProcessed()}
   * counts the members or records processed.
   *
   * @param export the exported files
   * @param target leads, program members or a custom object
   * @param options the lookup field (for leads; for custom objects the column that traces rows to
   *     users), row policies, daily quota and listener; list and partition apply to leads only
   * @return the report
   * @throws MarketoTargetException if the program, the status or the custom object is unknown;
   *     nothing was uploaded
   * @throws MarketoHeaderException if the header names fields the target does not have; nothing was
   *     uploaded
   * @throws MarketoServiceException if Marketo refuses
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoQuotaException if the calls left of the daily quota cannot cover the import
   * @throws MarketoValueException if a row policy is STOP and rows break it
   * @throws MarketoException if the import cannot go on for a local reason
   */
  public ImportReport importAndAwait(
      ExportResult export, BulkTarget target, ImportOptions options) {
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    if (export.rowsWritten() == 0) {
      return ImportReport.nothingToImport();
    }
    RowKeys keys = export.rowKeys().orElse(null);
    StateJournal journal = StateJournal.of(export, target).orElse(null);
    return run(export.paths(), export.format(), keys, target, options, journal);
  }

  /**
   * Imports one file in {@link ImportOptions#format()} and waits for Marketo to finish.
   *
   * @param file the file
   * @param options the options
   * @return the report
   * @throws MarketoServiceException if Marketo refuses
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoException if the import cannot go on for a local reason
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
   * @throws MarketoServiceException if Marketo refuses
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoException if the import cannot go on for a local reason
   */
  public ImportReport importAndAwait(List<Path> files, ImportOptions options) {
    return importAndAwait(files, BulkTarget.leads(), options);
  }

  /**
   * Imports files in {@link ImportOptions#format()} into a target and waits for Marketo to finish;
   * see {@link #importAndAwait(ExportResult, BulkTarget, ImportOptions)}. Without the export's row
   * keys, failed rows are not traced to users.
   *
   * @param files the files, each with a header row
   * @param target leads, program members or a custom object
   * @param options the options
   * @return the report
   * @throws MarketoTargetException if the program, the status or the custom object is unknown
   * @throws MarketoServiceException if Marketo refuses
   * @throws MarketoTransportException if Marketo could not be reached
   * @throws MarketoException if the import cannot go on for a local reason
   */
  public ImportReport importAndAwait(List<Path> files, BulkTarget target, ImportOptions options) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    return run(files, options.format(), null, target, options, null);
  }

  private ImportReport run(
      List<Path> files,
      CsvFormat f,
      RowKeys keys,
      BulkTarget target,
      ImportOptions options,
      StateJournal journal) {
    ImportListener l = options.listener().orElse(listener);
    return new ImportRun(transport, runSettings, l, files, f, keys, target, options, journal).run();
  }

  @Override
  public String toString() {
    return "MarketoBulkLeadClient[" + endpoint + ", clientId=" + mask(clientId) + "]";
  }

  private static String mask(String s) {
    return s.length() <= 4 ? "****" : s.substring(0, 4) + "****";
  }

  /**
   * Builds a {@link MarketoBulkLeadClient}. Every setting but the endpoint and the credentials has
   * a default. Not thread-safe: fill it on one thread.
   */
  public static final class Builder {
    private URI endpoint;
    private String clientId;
    private String clientSecret;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private CallBudget callBudget = CallBudget.defaults();
    private Duration minPollInterval = Duration.ofSeconds(5);
    private Duration maxPollInterval = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private boolean headerCheck = true;
    private boolean valueCheck = true;
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
      b.callBudget = callBudget;
      b.minPollInterval = minPollInterval;
      b.maxPollInterval = maxPollInterval;
      b.clock = clock;
      b.sleeper = sleeper;
      b.headerCheck = headerCheck;
      b.valueCheck = valueCheck;
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
     * This client's share of the instance's limits.
     *
     * @param callBudget {@link CallBudget#defaults()} by default
     * @return this builder
     */
    public Builder callBudget(CallBudget callBudget) {
      this.callBudget = Objects.requireNonNull(callBudget, "callBudget");
      return this;
    }

    /**
     * The wait before the first poll of a batch while the import rate is not known yet, and the
     * first wait between polls of a batch still queued. Once a batch imports, it is polled near its
     * predicted end instead (see the {@link io.leadbridge.marketo package} notes on waiting).
     *
     * @param minPollInterval 5 seconds by default
     * @return this builder
     */
    public Builder minPollInterval(Duration minPollInterval) {
      this.minPollInterval = Objects.requireNonNull(minPollInterval, "minPollInterval");
      return this;
    }

    /**
     * The longest wait between polls of a batch still queued: the wait grows by half up to it while
     * the batch does not move. A batch importing is polled near its predicted end, at most ten
     * times this interval later.
     *
     * @param maxPollInterval 30 seconds by default
     * @return this builder
     */
    public Builder maxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = Objects.requireNonNull(maxPollInterval, "maxPollInterval");
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
     * Whether {@code importAndAwait} checks every value against its lead field's type and length
     * before the first upload, and leaves out or reports the rows Marketo would fail or change, as
     * the import's {@link ImportOptions.Builder#rejectedRows row policies} say. See {@link
     * #checkValues}.
     *
     * @param valueCheck true by default
     * @return this builder
     */
    public Builder valueCheck(boolean valueCheck) {
      this.valueCheck = valueCheck;
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
     * The longest {@code importAndAwait} may take: no poll, back-off or rate-limit wait passes it.
     *
     * @param timeout 6 hours by default
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The default listener: receives the progress of every {@code importAndAwait} whose options
     * bring no listener of their own (an {@link ImportOptions.Builder#listener options' listener}
     * replaces it for that import). Shared by every thread that uses the client, so it must be
     * thread-safe. A listener that throws is logged and ignored: it never stops an import.
     *
     * @param listener {@link ImportListener#none()} by default
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
     * @throws IllegalArgumentException if the endpoint or credentials are missing or unsafe, or the
     *     poll intervals or file size are out of range
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
