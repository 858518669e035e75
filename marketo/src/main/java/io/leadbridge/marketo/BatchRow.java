package io.leadbridge.marketo;

import java.util.List;

/**
 * A row of a batch's failure or warning file: the values as uploaded and Marketo's reason.
 * Immutable and thread-safe.
 *
 * @param values the row's values, in the order of the file's header
 * @param reason Marketo's {@code Import Failure Reason} or {@code Import Warning Reason}
 */
public record BatchRow(List<String> values, String reason) {
  /**
   * Copies the values.
   *
   * @param values the values
   * @param reason the reason
   */
  public BatchRow {
    values = List.copyOf(values);
  }

  /**
   * Shows the reason only: values are personal data.
   *
   * @return a description without values
   */
  @Override
  public String toString() {
    return "BatchRow[" + values.size() + " values, reason=" + reason + "]";
  }
}
