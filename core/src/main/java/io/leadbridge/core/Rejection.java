package io.leadbridge.core;

import java.util.Objects;

/**
 * A user that was read but not written, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the line number in the source file, or the 1-based index of an in-memory record
 * @param userId the user's {@code user_id} where known, otherwise {@code null}
 * @param reason the kind of rejection
 * @param detail what exactly is wrong, naming the column or path but never quoting a value
 */
public record Rejection(long position, String userId, Reason reason, String detail) {

  /** Why a user was not written. */
  public enum Reason {
    /** The input could not be read as a user: not JSON, not an object, not valid UTF-8. */
    MALFORMED_INPUT,
    /** A value the mapping requires is missing or empty. */
    MISSING_REQUIRED,
    /** A value could not be formatted, e.g. a date that does not parse. */
    INVALID_VALUE,
    /**
     * The key column (the target's lookup field, e.g. the email) holds an array, an object, or for
     * an email a number or a boolean: not one value a lead can be found by.
     */
    INVALID_KEY,
    /** A character cannot be written in the output's charset. */
    UNENCODABLE,
    /** The row alone, with the header, is larger than the file size limit. */
    ROW_TOO_LARGE,
    /**
     * Other users share the key column value and {@link MergePolicy#REFUSE} is in force; the detail
     * names their {@code user_id}s.
     */
    DUPLICATE_KEY,
    /**
     * The {@code user_id} was read before in the same source (in a sync, or an export that merges);
     * the first one read is kept.
     */
    DUPLICATE_USER_ID
  }

  /**
   * Validates the fields.
   *
   * @param position the position in the source
   * @param userId the user id or {@code null}
   * @param reason the kind of rejection
   * @param detail what is wrong
   */
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
