package io.leadbridge.marketo;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a failed call is tried again: exponential back-off from {@code
 * initialBackoff}, doubling up to {@code maxBackoff}, with random jitter, at most {@code
 * maxRetries} times after the first try.
 *
 * @param maxRetries retries after the first attempt
 * @param initialBackoff the first wait
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
  /**
   * Validates the fields.
   *
   * @param maxRetries retries after the first attempt
   * @param initialBackoff the first wait
   * @param maxBackoff the longest wait
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
   * The default: 8 retries, from 2 seconds up to 60 seconds, which rides out Marketo's 20-second
   * rate-limit window and a full import queue.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofSeconds(60));
  }

  /** The wait before retry number {@code attempt} (1-based), before jitter. */
  Duration backoff(int attempt) {
    long base = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    long wait = base << Math.min(20, attempt - 1);
    return Duration.ofMillis(Math.min(max, wait < 0 ? max : wait));
  }
}
