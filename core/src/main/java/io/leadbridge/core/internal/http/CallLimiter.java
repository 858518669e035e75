package io.leadbridge.core.internal.http;

import io.leadbridge.core.remote.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;

/**
 * Keeps a client under its share of a service's limits: at most {@code maxCalls} calls started in
 * any {@code window}, and at most {@code maxConcurrent} at once. Waits through the injected
 * sleeper, so tests do not really sleep. Thread-safe.
 */
final class CallLimiter {
  private final int maxCalls;
  private final Duration window;
  private final Semaphore concurrent;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ArrayDeque<Instant> starts = new ArrayDeque<>();

  CallLimiter(int maxCalls, Duration window, int maxConcurrent, Clock clock, Sleeper sleeper) {
    if (maxCalls < 1 || maxConcurrent < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("A call budget needs positive numbers.");
    }
    this.maxCalls = maxCalls;
    this.window = window;
    this.concurrent = new Semaphore(maxConcurrent, true);
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Waits for a free slot; {@link #release()} it after the call. */
  void acquire() throws InterruptedException {
    concurrent.acquire();
    try {
      while (true) {
        Duration wait;
        synchronized (starts) {
          Instant now = clock.instant();
          while (!starts.isEmpty() && !starts.peekFirst().plus(window).isAfter(now)) {
            starts.pollFirst();
          }
          if (starts.size() < maxCalls) {
            starts.addLast(now);
            return;
          }
          wait = Duration.between(now, starts.peekFirst().plus(window));
        }
        sleeper.sleep(wait.isZero() ? Duration.ofMillis(1) : wait);
      }
    } catch (InterruptedException | RuntimeException e) {
      concurrent.release();
      throw e;
    }
  }

  void release() {
    concurrent.release();
  }
}
