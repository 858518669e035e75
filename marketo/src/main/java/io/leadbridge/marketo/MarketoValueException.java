package io.leadbridge.marketo;

import java.util.Objects;

/**
 * An import that stopped before any upload because rows have values Marketo would refuse or change
 * and the {@link ImportOptions.RowPolicy policy} for them is {@link ImportOptions.RowPolicy#STOP}.
 * The message counts the rows by column and rule; {@link #report()} lists them with their users.
 */
public class MarketoValueException extends MarketoException {
  private static final long serialVersionUID = 1L;

  private final transient ValueReport report;

  /**
   * An exception for a check that stopped the import.
   *
   * @param message what was found, without values
   * @param report the check
   */
  public MarketoValueException(String message, ValueReport report) {
    super(message);
    this.report = Objects.requireNonNull(report, "report");
  }

  /**
   * The check that stopped the import.
   *
   * @return the report, or {@code null} after deserialization
   */
  public ValueReport report() {
    return report;
  }
}
