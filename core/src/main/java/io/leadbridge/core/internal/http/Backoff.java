package io.leadbridge.core.internal.http;

import io.leadbridge.core.remote.RetryPolicy;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one back-off of every remote call. Retry number {@code n} (1-based) backs off {@code
 * initialBackoff * 2^(n-1)}, capped at {@code maxBackoff}, and waits a random time between half and
 * all of it. A rate-limited answer waits until the reset it names ({@code x-ratelimit-reset} in
 * epoch seconds, as Auth0 sends it, or {@code Retry-After} in seconds or as an HTTP date), at most
 * {@link #MAX_RATE_LIMIT_WAIT}, plus 50 to 250 ms so that the retry lands after the reset.
 */
public final class Backoff {
  /** The longest a rate limit's reset is waited for in one go. */
  public static final Duration MAX_RATE_LIMIT_WAIT = Duration.ofMinutes(10);

  private Backoff() {}

  /**
   * The back-off before a retry, before jitter.
   *
   * @param policy the retry policy
   * @param retry the retry's number, from 1
   * @return the back-off, at most {@code policy.maxBackoff()}
   */
  public static Duration ceiling(RetryPolicy policy, int retry) {
    long max = policy.maxBackoff().toMillis();
    long wait = policy.initialBackoff().toMillis();
    for (int i = 1; i < retry && wait < max; i++) {
      wait *= 2;
    }
    return Duration.ofMillis(Math.min(wait, max));
  }

  /**
   * The wait before a retry: between half and all of its {@link #ceiling back-off}.
   *
   * @param policy the retry policy
   * @param retry the retry's number, from 1
   * @return the wait
   */
  public static Duration delay(RetryPolicy policy, int retry) {
    long ceiling = ceiling(policy, retry).toMillis();
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }

  /**
   * The wait a rate-limited answer asks for.
   *
   * @param headers the answer's headers
   * @param now the current instant
   * @return the wait, or empty if the answer names no reset
   */
  public static Optional<Duration> rateLimitWait(HttpHeaders headers, Instant now) {
    Duration wait = resetHeader(headers, now);
    if (wait == null) {
      wait = retryAfter(headers, now);
    }
    if (wait == null) {
      return Optional.empty();
    }
    if (wait.compareTo(MAX_RATE_LIMIT_WAIT) > 0) {
      wait = MAX_RATE_LIMIT_WAIT;
    }
    return Optional.of(wait.plusMillis(ThreadLocalRandom.current().nextLong(50, 251)));
  }

  private static Duration resetHeader(HttpHeaders headers, Instant now) {
    Optional<String> reset = headers.firstValue("x-ratelimit-reset");
    if (reset.isEmpty()) {
      return null;
    }
    try {
      Instant at = Instant.ofEpochSecond(Long.parseLong(reset.get().trim()));
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }

  private static Duration retryAfter(HttpHeaders headers, Instant now) {
    Optional<String> value = headers.firstValue("Retry-After");
    if (value.isEmpty()) {
      return null;
    }
    String v = value.get().trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      // not seconds: an HTTP date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
