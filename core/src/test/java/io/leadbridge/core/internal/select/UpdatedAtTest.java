package io.leadbridge.core.internal.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UpdatedAtTest {
  private static final long NO_TIME = Long.MIN_VALUE;

  private static long reference(String s) {
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return NO_TIME;
    }
  }

  @Test
  void givesWhatInstantParseGivesForAuth0TimestampsAndOddShapes() {
    String[] texts = {
      "2024-05-01T12:34:56.789Z",
      "2024-05-01T12:34:56Z",
      "2024-05-01T12:34:56.7Z",
      "2024-05-01T12:34:56.123456789Z",
      "2024-05-01T12:34:56.1234567891Z",
      "1969-12-31T23:59:59.999Z",
      "0000-01-01T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "2000-02-29T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-13-01T00:00:00Z",
      "2024-05-01T24:00:00Z",
      "2024-05-01T23:59:60Z",
      "2024-05-01t12:34:56z",
      "2024-05-01T12:34:56.Z",
      "2024-05-01T12:34:56+02:00",
      "2024-05-01T12:34Z",
      "+12024-05-01T12:34:56Z",
      "2024-05-01 12:34:56Z",
      "2024-05-01T12:34:5xZ",
      "not a time",
      ""
    };
    for (String t : texts) {
      assertThat(UpdatedAt.parse(t, NO_TIME)).as(t).isEqualTo(reference(t));
    }
  }

  @Test
  void agreesWithInstantParseOnManyRandomInstants() {
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      long seconds = r.nextLong() % 40_000_000_000L;
      Instant instant = Instant.ofEpochSecond(seconds, r.nextInt(1_000_000_000));
      String text = instant.toString();
      assertThat(UpdatedAt.parse(text, NO_TIME)).as(text).isEqualTo(reference(text));
    }
  }
}
