package io.leadbridge.core.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * Waits for a while: between job status polls, before a retry, until a rate limit resets. Tests
 * inject one that only moves a manual clock forward, so they never really sleep.
 *
 * <p>Implementations must be thread-safe: a shared client may wait on several threads.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for the given duration; returns at once for zero or negative durations.
   *
   * @param duration how long to wait
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * The sleeper that really waits, with {@link Thread#sleep(long)}.
   *
   * @return the system sleeper
   */
  static Sleeper system() {
    return duration -> {
      Objects.requireNonNull(duration, "duration");
      if (!duration.isNegative() && !duration.isZero()) {
        Thread.sleep(Math.max(1, duration.toMillis()));
      }
    };
  }
}
