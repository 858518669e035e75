package io.leadbridge.testkit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as Auth0 writes them: ISO 8601 in UTC with exactly three digits of milliseconds, such
 * as {@code 2017-11-02T23:34:03.803Z}, never more digits and never none. Thread-safe.
 */
final class Auth0Times {
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Auth0Times() {}

  /** The instant in Auth0's form, cut to the millisecond. */
  static String format(Instant instant) {
    return MILLIS.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }
}
