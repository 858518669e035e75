package io.leadbridge.alterian;

import java.util.Objects;

/**
 * What a column of the package holds. Describes the data without quoting any of it: a column spec
 * is safe to log and share.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the column's name in the packaged file, safe for a database table
 * @param sourceName the column's name in the exported input
 * @param type the type inferred from every value
 * @param maxLength the longest value in characters, as written in the package
 * @param nullCount how many rows have no value in this column
 * @param valueCount how many rows have a value
 * @param storedFormat how dates are written in the package (e.g. {@code CCYYMMDD HHMMSS}), or
 *     {@code null} for other types
 * @param sample a description of the values by type and length only, never a value
 */
public record ColumnSpec(
    String name,
    String sourceName,
    ColumnType type,
    int maxLength,
    long nullCount,
    long valueCount,
    String storedFormat,
    String sample) {
  /**
   * Validates the fields.
   *
   * @param name the packaged name
   * @param sourceName the input name
   * @param type the type
   * @param maxLength the longest value
   * @param nullCount rows without a value
   * @param valueCount rows with a value
   * @param storedFormat date format or null
   * @param sample description
   */
  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sample, "sample");
  }

  /**
   * Whether the column was renamed to be safe for a database table.
   *
   * @return true if {@link #name()} differs from {@link #sourceName()}
   */
  public boolean renamed() {
    return !name.equals(sourceName);
  }
}
