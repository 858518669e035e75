package io.leadbridge.marketo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A value of one row that Marketo would refuse or change, found before the upload. It names the
 * row, its user, the column and the rule, never the value: values are personal data. Immutable and
 * thread-safe.
 *
 * @param file the file the row is in, as given to the import
 * @param row the row's 1-based data row number in that file
 * @param userId the row's {@code user_id} from the export's row keys, or empty when unknown
 * @param column the column (a lead field's REST name)
 * @param rule the rule the value breaks
 * @param leftOut whether the row was left out of the upload
 */
public record ValueFinding(
    Path file, long row, String userId, String column, ValueRule rule, boolean leftOut) {
  /**
   * Checks the fields.
   *
   * @param file the file
   * @param row the data row number
   * @param userId the user, or empty
   * @param column the column
   * @param rule the rule
   * @param leftOut whether the row was left out
   */
  public ValueFinding {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(rule, "rule");
  }

  /**
   * Whether the row would fail or be imported with a changed value.
   *
   * @return the rule's severity
   */
  public ValueRule.Severity severity() {
    return rule.severity();
  }

  @Override
  public String toString() {
    return "ValueFinding["
        + file.getFileName()
        + " row "
        + row
        + (userId.isEmpty() ? "" : ", user " + userId)
        + ", "
        + column
        + ": "
        + rule
        + (leftOut ? ", left out" : ", sent")
        + "]";
  }
}
