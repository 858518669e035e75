package io.leadbridge.marketo;

import java.util.Objects;

/**
 * An import that did not start because the instance's daily API quota has fewer calls left than the
 * import is estimated to need: started anyway, it would stop midway with 607. The message names
 * both numbers. Nothing was uploaded.
 */
public class MarketoQuotaException extends MarketoException {
  private static final long serialVersionUID = 1L;

  private final transient QuotaCheck quota;

  /**
   * An exception for a quota too low to start.
   *
   * @param message the calls needed and the calls left
   * @param quota the check
   */
  public MarketoQuotaException(String message, QuotaCheck quota) {
    super(message);
    this.quota = Objects.requireNonNull(quota, "quota");
  }

  /**
   * The check that refused the import.
   *
   * @return the check, or {@code null} after deserialization
   */
  public QuotaCheck quota() {
    return quota;
  }
}
