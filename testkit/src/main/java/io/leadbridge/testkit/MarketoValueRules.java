package io.leadbridge.testkit;

import io.leadbridge.testkit.MarketoEmulator.Field;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/**
 * What the emulated Marketo does with one value of an imported row: fail the row, import it with
 * the value truncated or changed (a warning), or take it. An independent model of the rules listed
 * case by case in {@code marketo-value-rules.tsv} beside this class, which cites Adobe's pages; the
 * client's prediction is tested against the same table and shares no code with this class.
 * Stateless.
 */
final class MarketoValueRules {
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s\\p{Cntrl}]+@[^@.\\s\\p{Cntrl}]+(\\.[^@.\\s\\p{Cntrl}]+)+");
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern REAL =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern BOOL = Pattern.compile("(?i)true|false|1|0");
  private static final Pattern DAY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern LOCAL_TIME =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?");
  private static final Pattern ZONED_TIME =
      Pattern.compile(LOCAL_TIME.pattern() + "(Z|[+-][0-9]{2}:[0-9]{2})");
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\p{Cntrl}]+");
  private static final Pattern WEB =
      Pattern.compile("(?i)https?://[^/\\s\\p{Cntrl}][^\\s\\p{Cntrl}]*");
  private static final Pattern WEB_SCHEME = Pattern.compile("(?i)https?:.*");
  private static final java.util.Set<String> LIMITED =
      java.util.Set.of("string", "phone", "reference", "url");
  private static final DateTimeFormatter STRICT_DAY =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  /**
   * The outcome for one value.
   *
   * @param rule the rule's name in the table, {@code OK} when the value is taken
   * @param fails whether the row fails
   * @param reason Marketo's reason for the failure or warning file, or empty
   */
  record Outcome(String rule, boolean fails, String reason) {
    static final Outcome OK = new Outcome("OK", false, "");

    boolean ok() {
      return rule.equals("OK");
    }
  }

  private MarketoValueRules() {}

  /** The outcome of a value of a field, the lookup field or not. */
  static Outcome of(Field field, String value, boolean lookup) {
    String name = field.name();
    if (value.isEmpty()) {
      return lookup ? fail("LOOKUP_EMPTY", "Lookup field '" + name + "' is empty") : Outcome.OK;
    }
    String type = field.dataType();
    int length = field.length();
    switch (type) {
      case "email":
        if (!EMAIL.matcher(value).matches() || (length > 0 && chars(value) > length)) {
          return fail("INVALID_EMAIL", "Invalid email address");
        }
        return Outcome.OK;
      case "integer":
      case "score":
      case "percent":
        if (!WHOLE.matcher(value).matches()) {
          return fail("NOT_AN_INTEGER", "Invalid integer value for field '" + name + "'");
        }
        try {
          Long.valueOf(value);
          return Outcome.OK;
        } catch (NumberFormatException e) {
          return fail("INTEGER_OUT_OF_RANGE", "Integer out of range for field '" + name + "'");
        }
      case "float":
      case "currency":
        if (!REAL.matcher(value).matches() || Double.isInfinite(Double.parseDouble(value))) {
          return fail("NOT_A_NUMBER", "Invalid number value for field '" + name + "'");
        }
        return Outcome.OK;
      case "boolean":
        return BOOL.matcher(value).matches()
            ? Outcome.OK
            : fail("NOT_A_BOOLEAN", "Invalid boolean value for field '" + name + "'");
      case "date":
        if (DAY.matcher(value).matches() && day(value)) {
          return Outcome.OK;
        }
        if (dateTime(value, LOCAL_TIME) || dateTime(value, ZONED_TIME)) {
          return warn("DATE_TIME_DROPPED", "Time dropped from date field '" + name + "'");
        }
        return fail("NOT_A_DATE", "Invalid date value for field '" + name + "'");
      case "datetime":
        if (dateTime(value, ZONED_TIME)) {
          return Outcome.OK;
        }
        if (dateTime(value, LOCAL_TIME) || (DAY.matcher(value).matches() && day(value))) {
          return warn(
              "DATETIME_WITHOUT_OFFSET",
              "No time zone for field '" + name + "': the instance's time zone was used");
        }
        return fail("NOT_A_DATETIME", "Invalid datetime value for field '" + name + "'");
      case "url":
        if (!URL.matcher(value).matches()
            || (WEB_SCHEME.matcher(value).matches() && !WEB.matcher(value).matches())) {
          return fail("NOT_A_URL", "Invalid URL for field '" + name + "'");
        }
        return longer(field, value, length > 0 ? length : 255);
      case "text":
      case "textarea":
        if (value.getBytes(StandardCharsets.UTF_8).length > 30_000) {
          return warn("TRUNCATED", "Value for field '" + name + "' truncated to 30000 bytes");
        }
        return length > 0 ? longer(field, value, length) : Outcome.OK;
      case "string":
      case "phone":
      case "reference":
        return longer(field, value, length > 0 ? length : 255);
      default:
        return length > 0 ? longer(field, value, length) : Outcome.OK;
    }
  }

  /** The value the lead keeps: truncated to the field's length in characters where too long. */
  static String stored(Field field, String value) {
    String type = field.dataType();
    boolean text = type.equals("text") || type.equals("textarea");
    if (text && value.length() > 10_000 && value.getBytes(StandardCharsets.UTF_8).length > 30_000) {
      StringBuilder kept = new StringBuilder();
      int bytes = 0;
      for (int cp : value.codePoints().toArray()) {
        String c = new String(Character.toChars(cp));
        bytes += c.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 30_000) {
          break;
        }
        kept.append(c);
      }
      value = kept.toString();
    }
    int limit = field.length() > 0 ? field.length() : (text || !LIMITED.contains(type) ? 0 : 255);
    if (limit > 0 && value.length() > limit && chars(value) > limit) {
      value = value.substring(0, value.offsetByCodePoints(0, limit));
    }
    return value;
  }

  private static Outcome longer(Field field, String value, int limit) {
    return chars(value) > limit
        ? warn(
            "TRUNCATED",
            "Value for field '" + field.name() + "' truncated to " + limit + " characters")
        : Outcome.OK;
  }

  private static boolean day(String value) {
    try {
      LocalDate.parse(value, STRICT_DAY);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean dateTime(String value, Pattern shape) {
    if (!shape.matcher(value).matches() || !day(value.substring(0, 10))) {
      return false;
    }
    try {
      if (shape == ZONED_TIME) {
        OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      } else {
        LocalDateTime.parse(value, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      }
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static int chars(String value) {
    return value.codePointCount(0, value.length());
  }

  private static Outcome fail(String rule, String reason) {
    return new Outcome(rule, true, reason);
  }

  private static Outcome warn(String rule, String reason) {
    return new Outcome(rule, false, reason);
  }
}
