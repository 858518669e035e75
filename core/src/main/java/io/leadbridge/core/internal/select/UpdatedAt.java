package io.leadbridge.core.internal.select;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A user's {@code updated_at} as epoch milliseconds, for merging by recency. Auth0 writes it as
 * {@code 2024-05-01T12:34:56.789Z}; that shape is read here digit by digit, since {@link
 * Instant#parse} costs more than the rest of a user's comparison with the state. Anything else (an
 * offset, no seconds, a leap second, a year beyond four digits) goes to {@link Instant#parse}, so
 * both give the same result for every text.
 */
final class UpdatedAt {
  private UpdatedAt() {}

  /** The epoch milliseconds of an ISO-8601 instant, or {@code noTime} if it is not one. */
  static long parse(String s, long noTime) {
    long fast = fast(s);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return noTime;
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields, or {@link Long#MIN_VALUE}. */
  static long fast(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
      return Long.MIN_VALUE;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || month < 1
        || month > 12
        || day < 1
        || day > monthLength(year, month)
        || hour > 23
        || minute > 59
        || second > 59) {
      return Long.MIN_VALUE;
    }
    int millis = 0;
    if (n > 20) {
      // a fraction: '.', then 1 to 9 digits before the 'Z'
      int fractionDigits = n - 21;
      if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return Long.MIN_VALUE;
      }
      int f = digits(s, 20, fractionDigits);
      if (f < 0) {
        return Long.MIN_VALUE;
      }
      for (int i = fractionDigits; i < 3; i++) {
        f *= 10;
      }
      for (int i = 3; i < fractionDigits; i++) {
        f /= 10;
      }
      millis = f;
    }
    long days = daysFromCivil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }
}
