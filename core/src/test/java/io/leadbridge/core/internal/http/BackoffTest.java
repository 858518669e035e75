package io.leadbridge.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.remote.RetryPolicy;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
  }

  @Test
  void theBackOffDoublesFromTheInitialUpToTheMaximum() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(30));
    assertThat(Backoff.ceiling(p, 1)).isEqualTo(Duration.ofMillis(500));
    assertThat(Backoff.ceiling(p, 2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.ceiling(p, 3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.ceiling(p, 7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Backoff.ceiling(p, 1_000)).isEqualTo(Duration.ofSeconds(30));
    RetryPolicy zero = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);
    assertThat(Backoff.delay(zero, 3)).isEqualTo(Duration.ZERO);
  }

  @Test
  void eachWaitIsBetweenHalfAndAllOfItsBackOff() {
    RetryPolicy p = RetryPolicy.defaults();
    for (int retry = 1; retry <= 8; retry++) {
      Duration ceiling = Backoff.ceiling(p, retry);
      Duration min = Duration.ofMillis(Long.MAX_VALUE);
      Duration max = Duration.ZERO;
      for (int i = 0; i < 2_000; i++) {
        Duration d = Backoff.delay(p, retry);
        assertThat(d).isBetween(ceiling.dividedBy(2), ceiling);
        min = d.compareTo(min) < 0 ? d : min;
        max = d.compareTo(max) > 0 ? d : max;
      }
      // jittered: the draws spread over the range
      assertThat(Duration.between(Instant.EPOCH.plus(min), Instant.EPOCH.plus(max)))
          .isGreaterThan(ceiling.dividedBy(4));
    }
  }

  @Test
  void rateLimitResetsAreReadFromXRateLimitResetOrRetryAfter() {
    assertThat(
            Backoff.rateLimitWait(
                headers("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() + 3)), NOW))
        .hasValueSatisfying(
            d -> assertThat(d).isBetween(Duration.ofMillis(3_050), Duration.ofMillis(3_250)));
    assertThat(Backoff.rateLimitWait(headers("Retry-After", "7"), NOW))
        .hasValueSatisfying(
            d -> assertThat(d).isBetween(Duration.ofMillis(7_050), Duration.ofMillis(7_250)));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(20).atOffset(ZoneOffset.UTC));
    assertThat(Backoff.rateLimitWait(headers("Retry-After", date), NOW))
        .hasValueSatisfying(
            d -> assertThat(d).isBetween(Duration.ofMillis(20_050), Duration.ofMillis(20_250)));
    // a reset in the past: retry at once (after the small margin)
    assertThat(
            Backoff.rateLimitWait(
                headers("x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() - 5)), NOW))
        .hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(250)));
  }

  @Test
  void aFarOffResetIsCappedAndAMissingOneIsEmpty() {
    assertThat(Backoff.rateLimitWait(headers("Retry-After", "86400"), NOW))
        .hasValueSatisfying(
            d ->
                assertThat(d)
                    .isBetween(
                        Backoff.MAX_RATE_LIMIT_WAIT, Backoff.MAX_RATE_LIMIT_WAIT.plusMillis(250)));
    assertThat(Backoff.rateLimitWait(headers("Retry-After", "soon"), NOW)).isEmpty();
    assertThat(Backoff.rateLimitWait(headers("X-Other", "1"), NOW)).isEmpty();
  }
}
