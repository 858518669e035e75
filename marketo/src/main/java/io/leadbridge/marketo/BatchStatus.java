package io.leadbridge.marketo;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a bulk import batch stands, as {@code GET /bulk/v1/leads/batch/{batchId}.json} reports it.
 * Immutable and thread-safe.
 *
 * @param batchId Marketo's id for the batch, readable for 7 days
 * @param importId Marketo's import id, or empty when not given
 * @param state the batch's state
 * @param leadsProcessed leads processed so far
 * @param rowsFailed rows that failed so far
 * @param rowsWithWarning rows imported with a warning so far
 * @param message Marketo's message, e.g. why a batch failed; may be empty
 */
public record BatchStatus(
    long batchId,
    Optional<String> importId,
    State state,
    long leadsProcessed,
    long rowsFailed,
    long rowsWithWarning,
    String message) {

  /**
   * Checks the fields.
   *
   * @param batchId Marketo's id for the batch
   * @param importId Marketo's import id, or empty
   * @param state the batch's state
   * @param leadsProcessed leads processed so far
   * @param rowsFailed rows that failed so far
   * @param rowsWithWarning rows imported with a warning so far
   * @param message Marketo's message; may be empty
   */
  public BatchStatus {
    Objects.requireNonNull(importId, "importId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
  }

  /** The states of a batch. Immutable and thread-safe. */
  public enum State {
    /** Waiting in the instance's import queue. */
    QUEUED,
    /** Being imported. */
    IMPORTING,
    /** Done; failed and warned rows may still exist. */
    COMPLETE,
    /** The whole batch failed; see the message. */
    FAILED;

    static State parse(String s) {
      if (s == null) {
        return QUEUED;
      }
      switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "importing":
          return IMPORTING;
        case "complete":
          return COMPLETE;
        case "failed":
          return FAILED;
        default:
          return QUEUED;
      }
    }
  }

  /**
   * Whether the batch will not change any more.
   *
   * @return true for {@link State#COMPLETE} and {@link State#FAILED}
   */
  public boolean finished() {
    return state == State.COMPLETE || state == State.FAILED;
  }
}
