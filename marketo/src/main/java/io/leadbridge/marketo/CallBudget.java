package io.leadbridge.marketo;

import io.leadbridge.core.remote.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;

/**
 * Keeps this client under a share of the instance's limits: at most {@code maxCalls} calls started
 * in any {@code window}, and at most {@code maxConcurrent} at once. Waits through the injected
 * sleeper, so tests do not really sleep.
 */
final class CallBudget {
  private final int maxCalls;
  private final Duration window;
  private final Semaphore concurrent;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ArrayDeque<Instant> starts = new ArrayDeque<>();

  CallBudget(int maxCalls, Duration window, int maxConcurrent, Clock clock, Sleeper sleeper) {
    this.maxCalls = maxCalls;
    this.window = window;
    this.concurrent = new Semaphore(maxConcurrent, true);
    this.clock = clock;
    this.sleeper = sleeper;
  }

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
