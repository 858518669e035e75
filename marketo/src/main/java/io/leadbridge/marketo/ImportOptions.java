package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * How files are imported: the lookup field that decides which lead a row updates, an optional
 * static list and partition, the format of files passed by path, what to do with rows whose values
 * Marketo would refuse or change, and optionally a listener for this import alone.
 *
 * <pre>{@code
 * ImportOptions options = ImportOptions.builder().lookupField("email").listId(1234).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe (as far as its listener is).
 */
public final class ImportOptions {

  /**
   * What to do about an upload whose answer was lost (the connection dropped mid-call). Immutable
   * and thread-safe.
   */
  public enum UncertainUploads {
    /**
     * Settle it from facts, the default. Once every batch of ours that was ahead of the part in
     * Marketo's queue and the first accepted after it have finished (the queue is first in, first
     * out), and the time the part's rows take at the run's import rate has passed, up to 300 of its
     * rows (its first and last, and rows evenly between) are looked up in one call of the Leads API
     * by the lookup field (<a
     * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads">Get
     * Leads by Filter Type</a>) and compared with the part's values as Marketo would have stored
     * them. Then:
     *
     * <ul>
     *   <li>every sampled lead holds the part's values, or the part's last row does (Marketo ran
     *       its import to the end): the part is confirmed as imported and not uploaded again;
     *       sampled rows that differ are not confirmed to a sync state;
     *   <li>none does, and a batch accepted after it has completed (or the answer was lost more
     *       than 6 hours ago): Marketo never took it, and it is uploaded again, once;
     *   <li>otherwise the rows not yet matched are looked up again when the rest of the part should
     *       be in, up to 3 lookups in all; then the part stays uncertain, is not uploaded again or
     *       confirmed, and the next run looks again.
     * </ul>
     *
     * <p>Cost: at most 3 lookup calls and one upload per uncertain part and run. An API user that
     * may not read leads (Marketo answers 603; the role needs Read-Only Lead) falls back to {@link
     * #REPORT}, and the report says why. Outcomes are in {@link ImportReport#uncertainUploads()}.
     */
    RESOLVE,
    /**
     * Do not upload the part again and do not look it up: Marketo may have accepted it, and a
     * second import of the same rows duplicates lead activity. The part is reported as uncertain
     * and recorded in the journal so that a later run does not upload it either until told to.
     */
    REPORT,
    /**
     * Upload the part again, and retry an upload whose answer is lost like any failed call, as the
     * client's retry policy allows. Choose this after checking in Marketo (Admin &gt; Integration
     * &gt; Web Services or the import history) that the first upload was not imported.
     */
    UPLOAD_AGAIN
  }

  /**
   * What an import does with a row whose values break a {@link ValueRule}, found before the upload.
   * Immutable and thread-safe.
   */
  public enum RowPolicy {
    /** Report the row and upload it anyway: Marketo decides. The default for warnings. */
    SEND,
    /**
     * Report the row and leave it out of the upload; it is not confirmed to a sync state, so a
     * later sync sends it again once it is fixed. The default for rejections.
     */
    LEAVE_OUT,
    /** Upload nothing: the import stops with a {@link MarketoValueException} listing the rows. */
    STOP
  }

  private final String lookupField;
  private final Integer listId;
  private final String partitionName;
  private final CsvFormat format;
  private final UncertainUploads uncertainUploads;
  private final RowPolicy rejectedRows;
  private final RowPolicy warnedRows;
  private final int dailyQuota;
  private final ImportListener listener;

  private ImportOptions(Builder b) {
    if (b.lookupField.isBlank()) {
      throw new IllegalArgumentException("The lookup field is empty; Marketo's default is email.");
    }
    this.lookupField = b.lookupField;
    this.listId = b.listId;
    this.partitionName = b.partitionName;
    this.format = b.format;
    this.uncertainUploads = b.uncertainUploads;
    this.rejectedRows = b.rejectedRows;
    this.warnedRows = b.warnedRows;
    this.dailyQuota = b.dailyQuota;
    this.listener = b.listener;
  }

  /**
   * A builder: lookup field {@code email}, no list, no partition, CSV.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The defaults: lookup field {@code email}, CSV.
   *
   * @return options with every default
   */
  public static ImportOptions defaults() {
    return builder().build();
  }

  /**
   * A builder holding these options.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.lookupField = lookupField;
    b.listId = listId;
    b.partitionName = partitionName;
    b.format = format;
    b.uncertainUploads = uncertainUploads;
    b.rejectedRows = rejectedRows;
    b.warnedRows = warnedRows;
    b.dailyQuota = dailyQuota;
    b.listener = listener;
    return b;
  }

  /**
   * The REST name of the field that finds the lead a row updates.
   *
   * @return e.g. {@code email}
   */
  public String lookupField() {
    return lookupField;
  }

  /**
   * The static list that imported leads are added to.
   *
   * @return the list id, or empty
   */
  public Optional<Integer> listId() {
    return Optional.ofNullable(listId);
  }

  /**
   * The lead partition.
   *
   * @return the partition name, or empty
   */
  public Optional<String> partitionName() {
    return Optional.ofNullable(partitionName);
  }

  /**
   * The format of files passed by path; an {@code ExportResult} brings its own.
   *
   * @return the format
   */
  public CsvFormat format() {
    return format;
  }

  /**
   * What happens to a part whose upload answer was lost.
   *
   * @return the policy
   */
  public UncertainUploads uncertainUploads() {
    return uncertainUploads;
  }

  /**
   * What happens to a row with a value Marketo would refuse (the row would fail).
   *
   * @return the policy
   */
  public RowPolicy rejectedRows() {
    return rejectedRows;
  }

  /**
   * What happens to a row with a value Marketo would truncate or change, and none it would refuse.
   *
   * @return the policy
   */
  public RowPolicy warnedRows() {
    return warnedRows;
  }

  /**
   * The instance's daily API quota, which Marketo does not report: an import reads today's usage
   * and does not start when the calls left would not cover it (see {@link QuotaCheck}).
   *
   * @return the quota, shared by every integration of the instance
   */
  public int dailyQuota() {
    return dailyQuota;
  }

  /** The policy for a row whose worst finding has this severity. */
  RowPolicy policy(ValueRule.Severity severity) {
    return severity == ValueRule.Severity.REJECTION ? rejectedRows : warnedRows;
  }

  /**
   * The listener of the imports made with these options, which replaces the client's listener for
   * them.
   *
   * @return the listener, or empty when the client's listener hears the import
   */
  public Optional<ImportListener> listener() {
    return Optional.ofNullable(listener);
  }

  @Override
  public String toString() {
    return "ImportOptions[lookupField="
        + lookupField
        + (listId == null ? "" : ", listId=" + listId)
        + (partitionName == null ? "" : ", partition=" + partitionName)
        + ", format="
        + format
        + ", uncertainUploads="
        + uncertainUploads
        + ", rejectedRows="
        + rejectedRows
        + ", warnedRows="
        + warnedRows
        + ", dailyQuota="
        + dailyQuota
        + "]";
  }

  /** Builds {@link ImportOptions}. Not thread-safe: fill it on one thread. */
  public static final class Builder {
    private String lookupField = "email";
    private Integer listId;
    private String partitionName;
    private CsvFormat format = CsvFormat.CSV;
    private UncertainUploads uncertainUploads = UncertainUploads.RESOLVE;
    private RowPolicy rejectedRows = RowPolicy.LEAVE_OUT;
    private RowPolicy warnedRows = RowPolicy.SEND;
    private int dailyQuota = 50_000;
    private ImportListener listener;

    private Builder() {}

    /**
     * The REST name of the lookup field.
     *
     * @param lookupField {@code email} by default
     * @return this builder
     */
    public Builder lookupField(String lookupField) {
      this.lookupField = Objects.requireNonNull(lookupField, "lookupField");
      return this;
    }

    /**
     * A static list to add the imported leads to.
     *
     * @param listId the list's id
     * @return this builder
     */
    public Builder listId(int listId) {
      if (listId <= 0) {
        throw new IllegalArgumentException("A list id is a positive number.");
      }
      this.listId = listId;
      return this;
    }

    /**
     * The lead partition to import into.
     *
     * @param partitionName the partition's name
     * @return this builder
     */
    public Builder partitionName(String partitionName) {
      this.partitionName = Objects.requireNonNull(partitionName, "partitionName");
      return this;
    }

    /**
     * The format of files passed by path: its delimiter picks Marketo's {@code csv}, {@code tsv} or
     * {@code ssv}.
     *
     * @param format {@link CsvFormat#CSV} by default
     * @return this builder
     */
    public Builder format(CsvFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * What to do about a part whose upload answer was lost.
     *
     * @param uncertainUploads {@link UncertainUploads#RESOLVE} by default
     * @return this builder
     */
    public Builder uncertainUploads(UncertainUploads uncertainUploads) {
      this.uncertainUploads = Objects.requireNonNull(uncertainUploads, "uncertainUploads");
      return this;
    }

    /**
     * What to do with a row that has a value Marketo would refuse ({@link
     * ValueRule.Severity#REJECTION}): Marketo would fail the row.
     *
     * @param rejectedRows {@link RowPolicy#LEAVE_OUT} by default
     * @return this builder
     */
    public Builder rejectedRows(RowPolicy rejectedRows) {
      this.rejectedRows = Objects.requireNonNull(rejectedRows, "rejectedRows");
      return this;
    }

    /**
     * What to do with a row that has a value Marketo would truncate or change ({@link
     * ValueRule.Severity#WARNING}) and none it would refuse.
     *
     * @param warnedRows {@link RowPolicy#SEND} by default
     * @return this builder
     */
    public Builder warnedRows(RowPolicy warnedRows) {
      this.warnedRows = Objects.requireNonNull(warnedRows, "warnedRows");
      return this;
    }

    /**
     * The instance's daily API quota, shared by every integration: 50,000 calls unless Adobe set
     * another (Admin &gt; Web Services shows it). Before its first upload an import reads today's
     * calls and refuses to start with a {@link MarketoQuotaException} when the calls left would not
     * cover its estimate.
     *
     * @param dailyQuota 50,000 by default
     * @return this builder
     */
    public Builder dailyQuota(int dailyQuota) {
      if (dailyQuota <= 0) {
        throw new IllegalArgumentException("The daily quota is a positive number of calls.");
      }
      this.dailyQuota = dailyQuota;
      return this;
    }

    /**
     * Receives the progress of the imports made with these options, instead of the client's
     * listener: a client is meant to be shared, and each caller can follow its own import this way.
     * Without it, the client's listener (set with {@link
     * MarketoBulkLeadClient.Builder#listener(ImportListener)}) hears the import. A listener that
     * throws is logged and ignored: it never stops the import.
     *
     * @param listener the listener for these imports
     * @return this builder
     */
    public Builder listener(ImportListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public ImportOptions build() {
      return new ImportOptions(this);
    }
  }

  static String marketoFormat(CsvFormat format) {
    switch (format.delimiter()) {
      case ',':
        return "csv";
      case '\t':
        return "tsv";
      case ';':
        return "ssv";
      default:
        throw new IllegalArgumentException(
            "Marketo reads comma, tab or semicolon separated files, not '"
                + format.delimiter()
                + "'.");
    }
  }
}
