package io.leadbridge.core.mapping;

import io.leadbridge.core.LeadbridgeException;
import io.leadbridge.core.source.UserRecord;
import java.util.Objects;

/**
 * A user record cannot become a row: a required value is missing or a value cannot be formatted.
 * Thrown by {@link FieldMapping#apply(UserRecord)}; during an export it becomes a {@code Rejection}
 * with the matching reason. The message names the column or path, never the value.
 *
 * <p>Immutable once thrown.
 */
public final class RecordRejectedException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /** Why a record cannot become a row. */
  public enum Reason {
    /** A value named in {@link FieldMapping.Builder#required(String...)} is missing or empty. */
    MISSING_REQUIRED,
    /** A value cannot be formatted, e.g. a date that does not parse. */
    INVALID_VALUE
  }

  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason the kind of rejection
   * @param message what is wrong, without the value
   */
  public RecordRejectedException(Reason reason, String message) {
    super(message, null, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * The kind of rejection.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
