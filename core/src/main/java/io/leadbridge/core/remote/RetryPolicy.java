package io.leadbridge.core.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a failed call to a remote service is tried again: exponential
 * back-off from {@code initialBackoff}, doubling up to {@code maxBackoff}, at most {@code
 * maxRetries} times after the first try. Each wait is drawn at random from the upper half of its
 * back-off (between half and all of it), so that clients that failed together do not retry
 * together. Rate-limited answers (HTTP 429) do not count against {@code maxRetries}: they are
 * waited out until the reset they name ({@code Retry-After}, {@code x-ratelimit-reset}), or with
 * this back-off when they name none.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxRetries retries after the first attempt
 * @param initialBackoff the back-off before the first retry
 * @param maxBackoff the longest back-off
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
  /**
   * Validates the fields.
   *
   * @param maxRetries retries after the first attempt, 0 or more
   * @param initialBackoff the back-off before the first retry, not negative
   * @param maxBackoff the longest back-off, not shorter than {@code initialBackoff}
   * @throws IllegalArgumentException if a value is out of range
   */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxRetries < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "A retry policy needs maxRetries >= 0 and 0 <= initialBackoff <= maxBackoff.");
    }
  }

  /**
   * 8 retries, from 2 seconds up to 60 seconds, which rides out Marketo's 20-second rate-limit
   * window and a full import queue: the Marketo client's default. The Auth0 export job defaults to
   * a shorter policy; see its builder.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofSeconds(60));
  }
}
