package io.leadbridge.marketo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MarketoBulkLeadClient#importAndAwait} did: every batch with its final state and
 * counts, the totals, and every failed or warned row traced back to its user.
 */
public final class ImportReport {

  /**
   * One uploaded part and how its batch ended.
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
   * A row that Marketo failed or imported with a warning.
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

  ImportReport(
      List<Batch> batches,
      List<Path> uncertainParts,
      List<RowIssue> failures,
      List<RowIssue> warnings,
      Duration elapsed,
      long calls) {
    this.batches = List.copyOf(batches);
    this.uncertainParts = List.copyOf(uncertainParts);
    this.failures = List.copyOf(failures);
    this.warnings = List.copyOf(warnings);
    this.elapsed = Objects.requireNonNull(elapsed);
    this.calls = calls;
  }

  /**
   * Every batch, in the order of the parts.
   *
   * @return an unmodifiable list
   */
  public List<Batch> batches() {
    return batches;
  }

  /**
   * Parts whose upload answer was lost and that were not uploaded again (see {@link
   * ImportOptions.UncertainUploads}): check Marketo before importing them again.
   *
   * @return an unmodifiable list, usually empty
   */
  public List<Path> uncertainParts() {
    return uncertainParts;
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
   * Whether every batch completed, no row failed and no part is uncertain.
   *
   * @return true when everything was imported
   */
  public boolean allImported() {
    return uncertainParts.isEmpty()
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
        + ", uncertain="
        + uncertainParts.size()
        + ", calls="
        + calls
        + "]";
  }
}
