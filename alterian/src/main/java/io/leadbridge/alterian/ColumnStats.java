package io.leadbridge.alterian;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Infers a column's type from its values, one value at a time. */
final class ColumnStats {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern DATE_TIME_SHAPE =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?");

  boolean integer = true;
  boolean decimal = true;
  boolean bool = true;
  boolean date = true;
  boolean dateTime = true;
  long values;
  long nulls;
  int minLength = Integer.MAX_VALUE;
  int maxLength;

  void add(String value) {
    if (value.isEmpty()) {
      nulls++;
      return;
    }
    values++;
    int length = value.codePointCount(0, value.length());
    minLength = Math.min(minLength, length);
    maxLength = Math.max(maxLength, length);
    if (integer && !INTEGER.matcher(value).matches()) {
      integer = false;
    }
    if (decimal && !INTEGER.matcher(value).matches() && !DECIMAL.matcher(value).matches()) {
      decimal = false;
    }
    if (bool && !(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))) {
      bool = false;
    }
    if (date && !isDate(value)) {
      date = false;
    }
    if (dateTime && !isDateTime(value)) {
      dateTime = false;
    }
  }

  ColumnType type() {
    if (values == 0) {
      return ColumnType.TEXT;
    }
    if (bool) {
      return ColumnType.BOOLEAN;
    }
    if (integer) {
      return ColumnType.INTEGER;
    }
    if (decimal) {
      return ColumnType.DECIMAL;
    }
    if (date) {
      return ColumnType.DATE;
    }
    if (dateTime) {
      return ColumnType.DATE_TIME;
    }
    return ColumnType.TEXT;
  }

  /**
   * Describes the values by type and length only.
   *
   * @param storedLength the fixed length dates are rewritten to, or -1 to use the input lengths
   */
  String sample(ColumnType type, int storedLength) {
    if (values == 0) {
      return "no values";
    }
    String lengths =
        storedLength >= 0 || minLength == maxLength
            ? (storedLength >= 0 ? storedLength : maxLength) + " characters"
            : minLength + " to " + maxLength + " characters";
    return type.label().toLowerCase(java.util.Locale.ROOT) + ", " + lengths;
  }

  static boolean isDate(String value) {
    if (!DATE.matcher(value).matches()) {
      return false;
    }
    try {
      LocalDate.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  static boolean isDateTime(String value) {
    if (!DATE_TIME_SHAPE.matcher(value).matches()) {
      return false;
    }
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      try {
        LocalDateTime.parse(value);
        return true;
      } catch (DateTimeParseException e2) {
        return false;
      }
    }
  }
}
