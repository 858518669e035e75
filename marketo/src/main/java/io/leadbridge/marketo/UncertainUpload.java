package io.leadbridge.marketo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A part whose upload answer was lost (the connection dropped after the file was sent), and what
 * the import decided about it from facts: looking the part's leads up with the Leads API, once
 * every batch accepted after it has completed, and comparing them with the part's values. See
 * {@link ImportOptions.UncertainUploads#RESOLVE}. Immutable and thread-safe.
 *
 * @param file the part
 * @param part the part's name in the journal, e.g. {@code users.tsv#3}
 * @param outcome what was decided
 * @param lookupCalls Leads API calls made for it
 * @param rowsLookedUp rows of the part whose lead was looked up
 * @param rowsMatched of those, rows whose lead holds the part's values
 * @param batchId the batch of its second upload, or 0
 * @param reason why, in a sentence without values
 */
public record UncertainUpload(
    Path file,
    String part,
    Outcome outcome,
    long lookupCalls,
    int rowsLookedUp,
    int rowsMatched,
    long batchId,
    String reason) {

  /** What was decided about an uncertain upload. Immutable and thread-safe. */
  public enum Outcome {
    /** Marketo holds the part's values: it imported the part, which is not uploaded again. */
    CONFIRMED,
    /** Marketo holds none of them although it would have by now: the part was uploaded again. */
    UPLOADED_AGAIN,
    /**
     * Not decided: the leads could not be read (603), or the facts do not settle it yet. The part
     * is not uploaded again and not confirmed; the next run looks again.
     */
    STILL_UNCERTAIN
  }

  /**
   * Checks the fields.
   *
   * @param file the part
   * @param part its name
   * @param outcome the decision
   * @param lookupCalls lookup calls
   * @param rowsLookedUp rows looked up
   * @param rowsMatched rows matched
   * @param batchId the second batch, or 0
   * @param reason why
   */
  public UncertainUpload {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }
}
