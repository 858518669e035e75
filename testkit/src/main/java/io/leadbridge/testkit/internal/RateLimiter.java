package io.leadbridge.testkit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A limit on calls per window of the emulator's clock, in one of the two shapes services use: a
 * {@linkplain #fixedWindow fixed window} that restarts at each multiple of its length and counts
 * every call, or a {@linkplain #slidingWindow sliding window} over the calls it let through.
 * Thread-safe.
 */
public final class RateLimiter {

  /**
   * The outcome of one call.
   *
   * @param allowed whether the call is within the limit
   * @param limit the limit
   * @param remaining calls left in the window, never below 0
   * @param reset when the window restarts; for a sliding window, when the oldest counted call
   *     leaves it
   */
  public record Decision(boolean allowed, int limit, int remaining, Instant reset) {}

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final boolean sliding;
  private long windowIndex = Long.MIN_VALUE;
  private int windowCount;
  private final ArrayDeque<Instant> admitted = new ArrayDeque<>();

  private RateLimiter(int limit, Duration window, Clock clock, boolean sliding) {
    Objects.requireNonNull(window, "window");
    if (!sliding && (window.isNegative() || window.isZero())) {
      throw new IllegalArgumentException("A fixed window must be positive.");
    }
    this.limit = limit;
    this.window = window;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sliding = sliding;
  }

  /**
   * Windows of a fixed length starting at the epoch; every call counts, allowed or not.
   *
   * @param limit calls allowed per window
   * @param window the length of a window; positive
   * @param clock the emulator's clock
   * @return the limiter
   * @throws IllegalArgumentException if the window is zero or negative
   */
  public static RateLimiter fixedWindow(int limit, Duration window, Clock clock) {
    return new RateLimiter(limit, window, clock, false);
  }

  /**
   * A window ending now; only calls let through count.
   *
   * @param limit calls allowed in any window
   * @param window the length of the window; zero or less counts no call for long
   * @param clock the emulator's clock
   * @return the limiter
   */
  public static RateLimiter slidingWindow(int limit, Duration window, Clock clock) {
    return new RateLimiter(limit, window, clock, true);
  }

  /**
   * Counts a call, if the shape counts it, and says whether it is within the limit.
   *
   * @return the decision
   */
  public synchronized Decision call() {
    Instant now = clock.instant();
    return sliding ? slide(now) : fix(now);
  }

  private Decision fix(Instant now) {
    long length = window.toMillis();
    long index = Math.floorDiv(now.toEpochMilli(), length);
    if (index != windowIndex) {
      windowIndex = index;
      windowCount = 0;
    }
    windowCount++;
    Instant reset = Instant.ofEpochMilli((index + 1) * length);
    return new Decision(windowCount <= limit, limit, Math.max(0, limit - windowCount), reset);
  }

  private Decision slide(Instant now) {
    while (!admitted.isEmpty() && !admitted.peekFirst().plus(window).isAfter(now)) {
      admitted.pollFirst();
    }
    boolean allowed = admitted.size() < limit;
    if (allowed) {
      admitted.addLast(now);
    }
    Instant reset = admitted.isEmpty() ? now : admitted.peekFirst().plus(window);
    return new Decision(allowed, limit, Math.max(0, limit - admitted.size()), reset);
  }
}
