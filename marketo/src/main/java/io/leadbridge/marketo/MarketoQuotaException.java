package io.leadbridge.marketo;

import java.util.Locale;
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

  /** The refusal of a check whose quota left cannot cover the calls needed: both numbers. */
  static MarketoQuotaException refused(QuotaCheck q) {
    return new MarketoQuotaException(
        String.format(
            Locale.ROOT,
            "Not starting the import: it needs about %,d more API calls (%s), and the instance"
                + " has %,d left of its daily quota of %,d (%,d used today by every"
                + " integration). Nothing was uploaded. Run it after midnight in the instance's"
                + " time zone, or, if Adobe set a larger quota, give it with"
                + " ImportOptions.dailyQuota(...).",
            q.callsNeeded(),
            q.estimate(),
            q.remaining(),
            q.dailyQuota(),
            q.usedToday()),
        q);
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
