package io.leadbridge.core.mapping;

import io.leadbridge.core.internal.JsonTrees;
import io.leadbridge.core.source.UserRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a value from a user record becomes the text of a cell. One method, so a lambda will do:
 *
 * <pre>{@code
 * ValueFormat upper = value -> value == null ? "" : value.toString().toUpperCase(Locale.ROOT);
 * }</pre>
 *
 * <p>The value is one of the types a {@link UserRecord} holds, or {@code null} for a missing value.
 * A format that cannot handle a value throws {@link ValueFormatException}, and the export rejects
 * that user with the message as the reason.
 *
 * <p>The formats made here are immutable and thread-safe; an exporter may call one from any thread,
 * so implementations should be too.
 */
@FunctionalInterface
public interface ValueFormat {

  /**
   * Turns a value into text.
   *
   * @param value the value, {@code null} when missing
   * @return the text to write; {@code null} is written as an empty cell
   * @throws ValueFormatException if the value cannot be formatted
   */
  String format(Object value);

  /**
   * The default: strings as they are, numbers in plain notation (no exponent), booleans as {@code
   * true}/{@code false}, missing or {@code null} as empty, arrays and objects as compact JSON.
   *
   * @return the default format
   */
  static ValueFormat defaults() {
    return ValueFormats.TEXT;
  }

  /**
   * An ISO-8601 instant in UTC, such as {@code 2024-03-01T09:30:00.125Z}. Accepts ISO-8601
   * date-times with an offset or {@code Z} (Auth0's {@code created_at}) and numbers as epoch
   * milliseconds from the years 1900 to 2200 (a number outside them, often seconds or microseconds,
   * is refused rather than written as a far-off year); empty stays empty.
   *
   * @return the format
   */
  static ValueFormat isoInstant() {
    return ValueFormats.ISO;
  }

  /**
   * A date-time written with a pattern in a time zone, for example {@code datePattern("yyyy-MM-dd
   * HH:mm:ss", ZoneId.of("Europe/Paris"))}. Accepts what {@link #isoInstant()} accepts.
   *
   * @param pattern a {@link DateTimeFormatter} pattern
   * @param zone the zone to show the instant in
   * @return the format
   * @throws IllegalArgumentException if the pattern is invalid
   */
  static ValueFormat datePattern(String pattern, ZoneId zone) {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(zone, "zone");
    DateTimeFormatter formatter = DateTimeFormatter.ofPattern(pattern).withZone(zone);
    return new ValueFormats.Named(
        "date:" + pattern + "@" + zone.getId(),
        value -> {
          Instant instant = ValueFormats.instant(value);
          return instant == null ? "" : formatter.format(instant);
        });
  }

  /**
   * Milliseconds since 1970-01-01T00:00:00Z. Accepts what {@link #isoInstant()} accepts.
   *
   * @return the format
   */
  static ValueFormat epochMillis() {
    return ValueFormats.EPOCH_MILLIS;
  }

  /**
   * Joins the elements of an array with a separator, each formatted by {@link #defaults()}; a value
   * that is not an array is formatted by {@link #defaults()}.
   *
   * @param separator between elements, for example {@code ";"}
   * @return the format
   */
  static ValueFormat join(String separator) {
    Objects.requireNonNull(separator, "separator");
    return new ValueFormats.Named(
        "join:" + separator,
        value -> {
          if (!(value instanceof List)) {
            return ValueFormats.DEFAULT.format(value);
          }
          StringBuilder out = new StringBuilder();
          for (Object item : (List<?>) value) {
            if (out.length() > 0) {
              out.append(separator);
            }
            out.append(ValueFormats.DEFAULT.format(item));
          }
          return out.toString();
        });
  }

  /**
   * A format by the name mapping files use: {@code text} (or empty), {@code isoInstant}, {@code
   * epochMillis}, {@code date:PATTERN} or {@code date:PATTERN@ZONE} (UTC when no zone), {@code
   * join:SEPARATOR}. For tools that read mappings from their own files, as the command line does
   * from its YAML configuration.
   *
   * <pre>{@code
   * ValueFormat day = ValueFormat.parse("date:yyyy-MM-dd@Europe/Paris");
   * }</pre>
   *
   * @param spec the name
   * @return the format
   * @throws MappingException if the name is unknown or its pattern or zone is invalid
   */
  static ValueFormat parse(String spec) {
    return FieldMapping.parseFormat(spec);
  }
}

/** The ready-made formats. */
final class ValueFormats {
  private ValueFormats() {}

  /**
   * A ready-made format and the name {@link ValueFormat#parse} reads it from, which is also what
   * its {@code toString()} shows: a mapping made only of these can be written out as text that
   * fixes its rows ({@link FieldMapping#definition()}).
   */
  record Named(String spec, ValueFormat format) implements ValueFormat {
    @Override
    public String format(Object value) {
      return format.format(value);
    }

    @Override
    public String toString() {
      return spec;
    }
  }

  static final ValueFormat DEFAULT =
      value -> {
        if (value == null) {
          return "";
        }
        if (value instanceof String) {
          return (String) value;
        }
        if (value instanceof Long || value instanceof BigInteger || value instanceof Boolean) {
          return value.toString();
        }
        if (value instanceof BigDecimal) {
          return ((BigDecimal) value).toPlainString();
        }
        if (value instanceof Map || value instanceof List) {
          return JsonTrees.toJson(value);
        }
        return value.toString();
      };

  static final ValueFormat ISO_INSTANT =
      value -> {
        Instant instant = instant(value);
        return instant == null ? "" : DateTimeFormatter.ISO_INSTANT.format(instant);
      };

  static final Named TEXT = new Named("text", DEFAULT);

  static final Named ISO = new Named("isoInstant", ISO_INSTANT);

  static final Named EPOCH_MILLIS =
      new Named(
          "epochMillis",
          value -> {
            Instant instant = instant(value);
            return instant == null ? "" : Long.toString(instant.toEpochMilli());
          });

  /** 1900-01-01T00:00:00Z and 2200-01-01T00:00:00Z: the dates a user record plausibly holds. */
  static final long MIN_EPOCH_MILLIS = -2_208_988_800_000L;

  static final long MAX_EPOCH_MILLIS = 7_258_118_400_000L;

  static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      String s = ((String) value).strip();
      if (s.isEmpty()) {
        return null;
      }
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        throw new ValueFormatException(
            "not an ISO-8601 date-time with an offset (expected e.g. 2024-03-01T09:30:00Z)");
      }
    }
    if (value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal) {
      long millis;
      try {
        millis =
            value instanceof BigDecimal
                ? ((BigDecimal) value).longValueExact()
                : value instanceof BigInteger
                    ? ((BigInteger) value).longValueExact()
                    : (Long) value;
      } catch (ArithmeticException e) {
        throw new ValueFormatException("not a whole number of epoch milliseconds");
      }
      if (millis < MIN_EPOCH_MILLIS || millis > MAX_EPOCH_MILLIS) {
        throw new ValueFormatException(
            "a number that as epoch milliseconds is outside the years 1900 to 2200 (is it in"
                + " seconds or microseconds?)");
      }
      return Instant.ofEpochMilli(millis);
    }
    throw new ValueFormatException(
        "expected a date-time string or epoch milliseconds, found "
            + (value instanceof Map
                ? "an object"
                : value instanceof List
                    ? "an array"
                    : "a " + value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)));
  }
}
