package io.leadbridge.marketo;

import io.leadbridge.core.sync.ImportConfirmation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link MarketoBulkLeadClient#importAndAwait} did: every batch with its final state and
 * counts, the totals, and every failed or warned row traced back to its user.
 *
 * <p>A report is also the {@link ImportConfirmation} an incremental sync needs: pass it to {@code
 * SyncState.commit(export, report)} so that only rows Marketo took move the state forward.
 *
 * <p>Immutable and thread-safe.
 */
public final class ImportReport implements ImportConfirmation {
  private static final Logger LOG = LoggerFactory.getLogger(MarketoBulkLeadClient.class);

  /** What Marketo confirmed of one given file. */
  record FileOutcome(boolean confirmed, Set<String> failedUserIds) {
    FileOutcome {
      failedUserIds = Set.copyOf(failedUserIds);
    }
  }

  /**
   * One uploaded part and how its batch ended. Immutable and thread-safe.
   *
   * @param file the part that was uploaded
   * @param batchId Marketo's batch id
   * @param state the final state
   * @param message Marketo's message, e.g. why the batch failed; may be empty
   * @param leadsProcessed leads processed
   * @param rowsFailed rows that failed
   * @param rowsWithWarning rows imported with a warning
   * @param resumed true when the batch was uploaded by an earlier run and found in the journal
   */
  public record Batch(
      Path file,
      long batchId,
      BatchStatus.State state,
      String message,
      long leadsProcessed,
      long rowsFailed,
      long rowsWithWarning,
      boolean resumed) {}

  /**
   * A row that Marketo failed or imported with a warning. Immutable and thread-safe.
   *
   * @param file the part it was in
   * @param batchId the batch
   * @param lookupValue the row's lookup field value as uploaded (e.g. the email), possibly empty
   * @param userIds the {@code user_id}s whose rows had this lookup value, from the export's row
   *     keys; empty when they cannot be traced
   * @param reason Marketo's reason
   */
  public record RowIssue(
      Path file, long batchId, String lookupValue, List<String> userIds, String reason) {
    /**
     * Copies the list.
     *
     * @param file the part
     * @param batchId the batch
     * @param lookupValue the lookup value
     * @param userIds the users
     * @param reason the reason
     */
    public RowIssue {
      userIds = List.copyOf(userIds);
    }

    /**
     * Shows ids and the reason, not the lookup value (often an email).
     *
     * @return a description without personal values
     */
    @Override
    public String toString() {
      return "RowIssue[batch=" + batchId + ", users=" + userIds + ", reason=" + reason + "]";
    }
  }

  private final List<Batch> batches;
  private final List<Path> uncertainParts;
  private final List<RowIssue> failures;
  private final List<RowIssue> warnings;
  private final Duration elapsed;
  private final long calls;
  private final Map<Path, FileOutcome> outcomes;
  private final ValueReport valueCheck;
  private final ImportCalls callsByKind;
  private final QuotaCheck quota;
  private final List<UncertainUpload> uncertainUploads;
  private Looked lastLooked;

  ImportReport(
      List<Batch> batches,
      List<Path> uncertainParts,
      List<RowIssue> failures,
      List<RowIssue> warnings,
      Duration elapsed,
      long calls,
      Map<Path, FileOutcome> outcomes,
      ValueReport valueCheck,
      ImportCalls callsByKind,
      QuotaCheck quota,
      List<UncertainUpload> uncertainUploads) {
    this.batches = List.copyOf(batches);
    this.uncertainParts = List.copyOf(uncertainParts);
    this.failures = List.copyOf(failures);
    this.warnings = List.copyOf(warnings);
    this.elapsed = Objects.requireNonNull(elapsed);
    this.calls = calls;
    this.outcomes = Map.copyOf(outcomes);
    this.valueCheck = Objects.requireNonNull(valueCheck);
    this.callsByKind = Objects.requireNonNull(callsByKind);
    this.quota = quota;
    this.uncertainUploads = List.copyOf(uncertainUploads);
  }

  /** The report of an import with nothing to send: no call was made. */
  static ImportReport nothingToImport() {
    LOG.info("The export has no rows: nothing to import");
    return new ImportReport(
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Duration.ZERO,
        0,
        Map.of(),
        ValueReport.none(),
        ImportCalls.NONE,
        null,
        List.of());
  }

  /** How files are compared: absolute and normalized. */
  static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /**
   * Whether Marketo took one row of a file given to {@code importAndAwait}: every batch of the file
   * completed or was {@link UncertainUpload.Outcome#CONFIRMED confirmed by a lookup}, and the row
   * is not among the failed rows nor the sampled rows a lookup found different. When a failed row
   * cannot be traced to its user (the lookup field is not the export's key column, or the batch was
   * finished by an earlier run), no row of its file is confirmed. Rows of uncertain uploads, failed
   * batches and files not in this import are not confirmed, nor rows the value check left out of
   * the upload. Rows with a warning are confirmed: Marketo imported them.
   *
   * @param file a file given to the import, as in {@code ExportResult.paths()}
   * @param userId the row's {@code user_id}
   * @return true if Marketo imported the row
   */
  @Override
  public boolean confirmed(Path file, String userId) {
    Looked l = lastLooked; // a commit asks about the rows of one file after another
    if (l == null || l.file() != file) {
      l = new Looked(file, outcomes.get(key(file)));
      lastLooked = l;
    }
    FileOutcome outcome = l.outcome();
    return outcome != null
        && outcome.confirmed()
        && !outcome.failedUserIds().contains(userId)
        && !valueCheck.leftOut(file, userId);
  }

  /** The last file looked up; immutable, so sharing it between threads is harmless. */
  private record Looked(Path file, FileOutcome outcome) {}

  /**
   * Every batch, in the order of the parts.
   *
   * @return an unmodifiable list
   */
  public List<Batch> batches() {
    return batches;
  }

  /**
   * Parts whose upload answer was lost and that are still uncertain: not confirmed as imported by a
   * lookup and not uploaded again (see {@link ImportOptions.UncertainUploads}). The next run looks
   * them up again; with {@link ImportOptions.UncertainUploads#REPORT}, check Marketo before
   * importing them again.
   *
   * @return an unmodifiable list, usually empty
   */
  public List<Path> uncertainParts() {
    return uncertainParts;
  }

  /**
   * Every part whose upload answer was lost, in this run or an earlier one, and what was decided
   * about it from a lookup of its leads: confirmed as imported, uploaded again, or still uncertain
   * and why, with the lookups it took.
   *
   * @return an unmodifiable list, usually empty
   */
  public List<UncertainUpload> uncertainUploads() {
    return uncertainUploads;
  }

  /**
   * Leads processed in all batches.
   *
   * @return the total
   */
  public long leadsProcessed() {
    return batches.stream().mapToLong(Batch::leadsProcessed).sum();
  }

  /**
   * Rows failed in all batches.
   *
   * @return the total
   */
  public long rowsFailed() {
    return batches.stream().mapToLong(Batch::rowsFailed).sum();
  }

  /**
   * Rows imported with a warning in all batches.
   *
   * @return the total
   */
  public long rowsWithWarning() {
    return batches.stream().mapToLong(Batch::rowsWithWarning).sum();
  }

  /**
   * Every failed row, traced back to its users.
   *
   * @return an unmodifiable list
   */
  public List<RowIssue> failures() {
    return failures;
  }

  /**
   * Every row imported with a warning, traced back to its users.
   *
   * @return an unmodifiable list
   */
  public List<RowIssue> warnings() {
    return warnings;
  }

  /**
   * What the check of every value before the upload found, and which rows it left out.
   *
   * @return the check; {@link ValueReport#checked()} is false when the check was off, and an import
   *     that only waited on batches of an earlier run reports the rows that run left out
   */
  public ValueReport valueCheck() {
    return valueCheck;
  }

  /**
   * Whether every batch completed, no row failed or was left out, and no part is uncertain.
   *
   * @return true when everything was imported
   */
  public boolean allImported() {
    return uncertainParts.isEmpty()
        && valueCheck.rowsLeftOut() == 0
        && batches.stream()
            .allMatch(b -> b.state() == BatchStatus.State.COMPLETE && b.rowsFailed() == 0);
  }

  /**
   * How long the import took.
   *
   * @return the wall time, by the client's clock
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Marketo API calls this import made (token, uploads, polls, files), each counted against the
   * instance's daily quota.
   *
   * @return the count
   */
  public long calls() {
    return calls;
  }

  /**
   * The API calls this import made, by kind; their {@link ImportCalls#total() total} is {@link
   * #calls()}. Counts the client's calls during the import: imports running at once on one client
   * count each other's calls.
   *
   * @return the counts
   */
  public ImportCalls callsByKind() {
    return callsByKind;
  }

  /**
   * The check of the daily quota made before the first upload: today's usage, the quota and the
   * estimate of the calls the import needs.
   *
   * @return the check, or empty when nothing was uploaded (a finished import run again)
   */
  public Optional<QuotaCheck> quota() {
    return Optional.ofNullable(quota);
  }

  @Override
  public String toString() {
    return "ImportReport[batches="
        + batches.size()
        + ", processed="
        + leadsProcessed()
        + ", failed="
        + rowsFailed()
        + ", warned="
        + rowsWithWarning()
        + (valueCheck.rowsLeftOut() > 0 ? ", leftOut=" + valueCheck.rowsLeftOut() : "")
        + ", uncertain="
        + uncertainParts.size()
        + ", calls="
        + calls
        + "]";
  }
}
