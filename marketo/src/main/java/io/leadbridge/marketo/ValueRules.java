package io.leadbridge.marketo;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Locale;

/**
 * The client's model of what Marketo does with one value of a lead field: the rules of {@link
 * ValueRule}, hand-written for the import's hot path (every value of every row). Stateless.
 */
final class ValueRules {
  /** The longest text area value, in UTF-8 bytes (Adobe's Field Types). */
  static final int TEXT_AREA_BYTES = 30_000;

  /** The longest string when {@code describe2.json} gives no length (Adobe's Field Types). */
  static final int STRING_LENGTH = 255;

  private ValueRules() {}

  /**
   * The rule a value breaks, or {@code null} when Marketo takes it as it is.
   *
   * @param dataType the field's {@code dataType} from {@code describe2.json}, in lower case
   * @param length the field's length, 0 when not given
   * @param value the value as in the file
   * @param lookup whether the field is the import's lookup field
   */
  static ValueRule check(String dataType, int length, String value, boolean lookup) {
    if (value.isEmpty()) {
      return lookup ? ValueRule.LOOKUP_EMPTY : null;
    }
    switch (dataType) {
      case "email":
        return email(value) && (length <= 0 || characters(value) <= length)
            ? null
            : ValueRule.INVALID_EMAIL;
      case "integer":
      case "score":
      case "percent":
        return integer(value);
      case "float":
      case "currency":
        return number(value) ? null : ValueRule.NOT_A_NUMBER;
      case "boolean":
        return bool(value) ? null : ValueRule.NOT_A_BOOLEAN;
      case "date":
        return date(value);
      case "datetime":
        return datetime(value);
      case "url":
        if (!url(value)) {
          return ValueRule.NOT_A_URL;
        }
        return tooLong(value, length > 0 ? length : STRING_LENGTH) ? ValueRule.TRUNCATED : null;
      case "text":
      case "textarea":
        return value.getBytes(StandardCharsets.UTF_8).length > TEXT_AREA_BYTES
                || (length > 0 && tooLong(value, length))
            ? ValueRule.TRUNCATED
            : null;
      case "string":
      case "phone":
      case "reference":
        return tooLong(value, length > 0 ? length : STRING_LENGTH) ? ValueRule.TRUNCATED : null;
      default:
        return length > 0 && tooLong(value, length) ? ValueRule.TRUNCATED : null;
    }
  }

  /**
   * Whether a lead's value, as the Leads API returns it, is the one a row sent, as Marketo would
   * have stored it: truncated to the field, numbers and booleans by value, emails in any case,
   * dates by day, datetimes with an offset by instant. An empty value sent, and a datetime sent
   * without an offset (read in the instance's time zone), say nothing and match.
   *
   * @param dataType the field's data type, in lower case
   * @param length the field's length, 0 when not given
   * @param sent the value as in the file
   * @param stored the lead's value: a string, number or boolean, or {@code null} when it has none
   */
  static boolean same(String dataType, int length, String sent, Object stored) {
    if (sent.isEmpty()) {
      return true;
    }
    if (stored == null) {
      return false;
    }
    String kept = String.valueOf(stored);
    try {
      switch (dataType) {
        case "email":
          return sent.strip().equalsIgnoreCase(kept.strip());
        case "integer":
        case "score":
        case "percent":
          return new java.math.BigDecimal(sent.startsWith("+") ? sent.substring(1) : sent)
                  .compareTo(new java.math.BigDecimal(kept))
              == 0;
        case "float":
        case "currency":
          return Double.parseDouble(sent) == Double.parseDouble(kept);
        case "boolean":
          return boolValue(sent) == (kept.equalsIgnoreCase("true") || kept.equals("1"));
        case "date":
          return kept.length() >= 10
              && sent.length() >= 10
              && sent.substring(0, 10).equals(kept.substring(0, 10));
        case "datetime":
          if (w3cDateTime(sent) != Precision.WITH_OFFSET) {
            return true;
          }
          return java.time.OffsetDateTime.parse(sent)
              .toInstant()
              .equals(java.time.OffsetDateTime.parse(kept).toInstant());
        default:
          String limited = sent;
          int limit = length > 0 ? length : (dataType.startsWith("text") ? 0 : STRING_LENGTH);
          if (limit > 0) {
            limited = truncate(sent, limit);
          }
          return limited.strip().equals(kept.strip());
      }
    } catch (RuntimeException e) {
      return sent.strip().equals(kept.strip()); // a value of another shape: compare as text
    }
  }

  /** The value as Marketo keeps it after {@link ValueRule#TRUNCATED}: its first characters. */
  static String truncate(String value, int characters) {
    if (characters(value) <= characters) {
      return value;
    }
    return value.substring(0, value.offsetByCodePoints(0, characters));
  }

  static int characters(String value) {
    return value.codePointCount(0, value.length());
  }

  private static boolean tooLong(String value, int length) {
    // a string has at least as many UTF-16 units as characters: count only when it may matter
    return value.length() > length && characters(value) > length;
  }

  /** {@code local@domain.tld}: one {@code @}, no white space, a domain of non-empty labels. */
  static boolean email(String v) {
    int at = v.indexOf('@');
    if (at <= 0 || at != v.lastIndexOf('@') || at == v.length() - 1) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    String domain = v.substring(at + 1);
    if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
      return false;
    }
    return domain.indexOf('.') > 0;
  }

  private static ValueRule integer(String v) {
    int i = v.charAt(0) == '+' || v.charAt(0) == '-' ? 1 : 0;
    if (i == v.length()) {
      return ValueRule.NOT_AN_INTEGER;
    }
    for (int j = i; j < v.length(); j++) {
      if (!digit(v.charAt(j))) {
        return ValueRule.NOT_AN_INTEGER;
      }
    }
    try {
      Long.parseLong(v.charAt(0) == '+' ? v.substring(1) : v);
      return null;
    } catch (NumberFormatException e) {
      return ValueRule.INTEGER_OUT_OF_RANGE;
    }
  }

  /** {@code [+-]digits[.digits]} or {@code [+-].digits}, with an optional exponent; finite. */
  static boolean number(String v) {
    int i = 0;
    int n = v.length();
    if (v.charAt(0) == '+' || v.charAt(0) == '-') {
      i++;
    }
    int digits = 0;
    while (i < n && digit(v.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && v.charAt(i) == '.') {
      i++;
      while (i < n && digit(v.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
      i++;
      if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && digit(v.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n && Double.isFinite(Double.parseDouble(v));
  }

  static boolean bool(String v) {
    return v.equalsIgnoreCase("true")
        || v.equalsIgnoreCase("false")
        || v.equals("1")
        || v.equals("0");
  }

  /** The boolean a valid value stands for. */
  static boolean boolValue(String v) {
    return v.equalsIgnoreCase("true") || v.equals("1");
  }

  private static ValueRule date(String v) {
    if (v.length() == 10 && localDate(v) != null) {
      return null;
    }
    return w3cDateTime(v) != Precision.NONE ? ValueRule.DATE_TIME_DROPPED : ValueRule.NOT_A_DATE;
  }

  private static ValueRule datetime(String v) {
    switch (w3cDateTime(v)) {
      case WITH_OFFSET:
        return null;
      case WITHOUT_OFFSET:
        return ValueRule.DATETIME_WITHOUT_OFFSET;
      default:
        return v.length() == 10 && localDate(v) != null
            ? ValueRule.DATETIME_WITHOUT_OFFSET
            : ValueRule.NOT_A_DATETIME;
    }
  }

  /** What a W3C date and time holds. */
  enum Precision {
    NONE,
    WITHOUT_OFFSET,
    WITH_OFFSET
  }

  /**
   * Reads {@code YYYY-MM-DDThh:mm[:ss[.s+]][TZD]}, TZD being {@code Z} or {@code +hh:mm} / {@code
   * -hh:mm}, as the W3C note on date and time formats writes them.
   */
  static Precision w3cDateTime(String v) {
    int n = v.length();
    if (n < 16 || v.charAt(10) != 'T' || localDate(v.substring(0, 10)) == null) {
      return Precision.NONE;
    }
    if (!twoDigits(v, 11) || v.charAt(13) != ':' || !twoDigits(v, 14)) {
      return Precision.NONE;
    }
    int hour = Integer.parseInt(v.substring(11, 13));
    int minute = Integer.parseInt(v.substring(14, 16));
    int second = 0;
    int i = 16;
    if (i < n && v.charAt(i) == ':') {
      if (!twoDigits(v, i + 1)) {
        return Precision.NONE;
      }
      second = Integer.parseInt(v.substring(i + 1, i + 3));
      i += 3;
      if (i < n && v.charAt(i) == '.') {
        int start = ++i;
        while (i < n && digit(v.charAt(i))) {
          i++;
        }
        if (i == start || i - start > 9) {
          return Precision.NONE; // no digit, or finer than nanoseconds
        }
      }
    }
    try {
      LocalTime.of(hour, minute, second);
    } catch (DateTimeException e) {
      return Precision.NONE;
    }
    if (i == n) {
      return Precision.WITHOUT_OFFSET;
    }
    if (v.charAt(i) == 'Z' && i == n - 1) {
      return Precision.WITH_OFFSET;
    }
    if ((v.charAt(i) == '+' || v.charAt(i) == '-')
        && i + 6 == n
        && twoDigits(v, i + 1)
        && v.charAt(i + 3) == ':'
        && twoDigits(v, i + 4)
        && offsetMinutes(v.substring(i + 1, i + 3), v.substring(i + 4, i + 6)) <= 18 * 60) {
      return Precision.WITH_OFFSET;
    }
    return Precision.NONE;
  }

  /** An offset's minutes, or more than any offset has when the minutes are not 00 to 59. */
  private static int offsetMinutes(String hours, String minutes) {
    int m = Integer.parseInt(minutes);
    return m > 59 ? Integer.MAX_VALUE : Integer.parseInt(hours) * 60 + m;
  }

  /** {@code YYYY-MM-DD}, a real calendar date, or {@code null}. */
  static LocalDate localDate(String v) {
    if (v.length() != 10
        || !twoDigits(v, 0)
        || !twoDigits(v, 2)
        || v.charAt(4) != '-'
        || !twoDigits(v, 5)
        || v.charAt(7) != '-'
        || !twoDigits(v, 8)) {
      return null;
    }
    try {
      return LocalDate.of(
          Integer.parseInt(v.substring(0, 4)),
          Integer.parseInt(v.substring(5, 7)),
          Integer.parseInt(v.substring(8, 10)));
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** {@code scheme:rest} without white space; http and https need {@code //host}. */
  static boolean url(String v) {
    int colon = v.indexOf(':');
    if (colon <= 0 || colon == v.length() - 1 || !letter(v.charAt(0))) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = v.charAt(i);
      if (!letter(c) && !digit(c) && c != '+' && c != '.' && c != '-') {
        return false;
      }
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return false;
      }
    }
    String scheme = v.substring(0, colon).toLowerCase(Locale.ROOT);
    if (scheme.equals("http") || scheme.equals("https")) {
      return v.startsWith("//", colon + 1) && v.length() > colon + 3 && v.charAt(colon + 3) != '/';
    }
    return true;
  }

  private static boolean twoDigits(String v, int at) {
    return at + 1 < v.length() && digit(v.charAt(at)) && digit(v.charAt(at + 1));
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
