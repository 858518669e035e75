package io.leadbridge.core.mapping;

import io.leadbridge.core.LeadbridgeException;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.source.UserRecord;
import java.util.Objects;

/**
 * A user record cannot become a row: a required value is missing or a value cannot be formatted.
 * Thrown by {@link FieldMapping#apply(UserRecord)}; during an export it becomes a {@link
 * Rejection}. The message names the column or path, never the value.
 *
 * <p>Immutable once thrown.
 */
public final class RecordRejectedException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  private final Rejection.Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason the kind of rejection
   * @param message what is wrong, without the value
   */
  public RecordRejectedException(Rejection.Reason reason, String message) {
    super(message, null, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * The kind of rejection.
   *
   * @return the reason
   */
  public Rejection.Reason reason() {
    return reason;
  }
}
