package io.leadbridge.core;

import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.source.UserRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Checks the value of an export's key column (the Marketo lookup field, by default the email)
 * before a row is written: a lead key must be one plausible value. Surrounding white space is
 * trimmed, so that {@code " a@x.com\t"} is written, merged and traced as {@code a@x.com}; an array,
 * an object, or (for an email column) a number or a boolean rejects the user with the reason. An
 * empty value is left to {@link FieldMapping.Builder#required(String...)}, and whether a text is a
 * valid value to the target's own checks.
 */
final class KeyValues {
  private final int index;
  private final String column;
  private final FieldPath path;
  private final boolean email;

  KeyValues(FieldMapping mapping, String keyColumn) {
    this.index = keyColumn == null ? -1 : mapping.indexOf(keyColumn);
    this.column = keyColumn;
    FieldMapping.Column c = index < 0 ? null : mapping.columns().get(index);
    this.path = c == null ? null : c.path().orElse(null);
    this.email =
        c != null
            && (keyColumn.equalsIgnoreCase("email")
                || (path != null && path.toString().equalsIgnoreCase("email")));
  }

  /** The key column's index in the row, or -1 when the export has no key column. */
  int index() {
    return index;
  }

  /**
   * Checks and trims the key value of a mapped row.
   *
   * @return the row to write: {@code values} itself, or a copy with the key trimmed
   * @throws KeyRejected if the value cannot be a lead key
   */
  List<String> check(UserRecord user, List<String> values) {
    if (index < 0) {
      return values;
    }
    if (path != null) {
      Object raw = user.get(path);
      if (raw instanceof List || raw instanceof Map) {
        throw new KeyRejected(
            "the key column '"
                + column
                + "' holds "
                + (raw instanceof List ? "an array" : "an object")
                + " at '"
                + path
                + "', not one value");
      }
      if (email && (raw instanceof Boolean || isNumber(raw))) {
        throw new KeyRejected(
            "the key column '"
                + column
                + "' holds "
                + (raw instanceof Boolean ? "a boolean" : "a number")
                + " at '"
                + path
                + "', not an email address");
      }
    }
    String value = values.get(index);
    String trimmed = value.strip();
    if (trimmed.length() == value.length()) {
      return values;
    }
    String[] copy = values.toArray(new String[0]);
    copy[index] = trimmed;
    return List.of(copy);
  }

  private static boolean isNumber(Object raw) {
    return raw instanceof Long || raw instanceof BigInteger || raw instanceof BigDecimal;
  }

  /** A key value that cannot be a lead key; the message names the column, never the value. */
  static final class KeyRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyRejected(String detail) {
      super(detail, null, false, false);
    }
  }
}
