package io.leadbridge.marketo;

import java.time.Duration;
import java.util.Objects;

/**
 * A client's share of a Marketo instance's limits. Marketo allows 100 calls in 20 seconds and 10 at
 * once per instance, shared by every integration; the client keeps under this budget, waiting
 * (through its sleeper) for a free slot rather than getting 606 or 615. Immutable and thread-safe.
 *
 * @param maxCalls calls started within any {@code window}
 * @param window the window
 * @param maxConcurrentCalls calls at once
 */
public record CallBudget(int maxCalls, Duration window, int maxConcurrentCalls) {
  /**
   * Validates the fields.
   *
   * @param maxCalls calls started within any {@code window}, at least 1
   * @param window the window, positive
   * @param maxConcurrentCalls calls at once, at least 1
   * @throws IllegalArgumentException if a value is not positive
   */
  public CallBudget {
    Objects.requireNonNull(window, "window");
    if (maxCalls < 1 || maxConcurrentCalls < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("A call budget needs positive numbers.");
    }
  }

  /**
   * Half of an instance's limits: 50 calls in 20 seconds, 5 at once.
   *
   * @return the default budget
   */
  public static CallBudget defaults() {
    return new CallBudget(50, Duration.ofSeconds(20), 5);
  }
}
