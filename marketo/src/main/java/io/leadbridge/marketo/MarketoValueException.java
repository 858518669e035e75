package io.leadbridge.marketo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  /** The failure of a check whose policy is to stop: counts by column and rule, no values. */
  static MarketoValueException stopped(ValueReport report, long rows) {
    List<String> lines = new ArrayList<>();
    report
        .counts()
        .forEach(
            (column, rules) ->
                rules.forEach(
                    (rule, n) ->
                        lines.add(
                            column
                                + ": "
                                + n
                                + (n == 1 ? " row " : " rows ")
                                + rule
                                + " ("
                                + rule.severity().name().toLowerCase(Locale.ROOT)
                                + ": "
                                + rule.description()
                                + ")")));
    return new MarketoValueException(
        "Nothing was uploaded: "
            + rows
            + " row"
            + (rows == 1 ? " has values" : "s have values")
            + " Marketo would refuse or change, and the policy for them is STOP:\n  "
            + String.join("\n  ", lines)
            + "\nFix the source, or choose RowPolicy.LEAVE_OUT or SEND for these rows;"
            + " exception.report() names each row's user.",
        report);
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
