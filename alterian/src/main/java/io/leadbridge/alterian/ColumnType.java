package io.leadbridge.alterian;

/**
 * The type inferred for a column from every value in it.
 *
 * <p>An enum: immutable and thread-safe.
 */
public enum ColumnType {
  /** Whole numbers without leading zeros, up to 18 digits. */
  INTEGER("Integer"),
  /** Numbers with a decimal point, or a mix of whole and decimal numbers. */
  DECIMAL("Decimal"),
  /** {@code true} and {@code false}, in any case. */
  BOOLEAN("Boolean"),
  /** Dates written {@code yyyy-MM-dd}. */
  DATE("Date"),
  /** ISO-8601 date-times, with or without fractions of a second and offset. */
  DATE_TIME("Date/Time"),
  /** Anything else, and columns with no value at all. */
  TEXT("Text");

  private final String label;

  ColumnType(String label) {
    this.label = label;
  }

  /**
   * The word a person sees for this type on the settings sheet.
   *
   * @return for example {@code Date/Time}
   */
  public String label() {
    return label;
  }
}
