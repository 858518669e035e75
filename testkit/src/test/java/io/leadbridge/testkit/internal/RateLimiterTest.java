package io.leadbridge.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00.500Z"));

  private static List<Boolean> calls(RateLimiter limiter, int n) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(limiter.call().allowed());
    }
    return out;
  }

  @Test
  void aFixedWindowCountsEveryCallAndRestartsAtTheNextMultipleOfItsLength() {
    RateLimiter limiter = RateLimiter.fixedWindow(2, Duration.ofSeconds(1), clock);
    assertThat(calls(limiter, 3)).containsExactly(true, true, false);
    RateLimiter.Decision refused = limiter.call();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.reset()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));

    clock.advance(Duration.ofMillis(500));
    RateLimiter.Decision first = limiter.call();
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).isEqualTo(1);
    assertThat(first.reset()).isEqualTo(Instant.parse("2026-01-01T00:00:02Z"));
  }

  @Test
  void aSlidingWindowCountsOnlyTheCallsItLetThrough() {
    RateLimiter limiter = RateLimiter.slidingWindow(2, Duration.ofSeconds(20), clock);
    assertThat(calls(limiter, 2)).containsExactly(true, true);
    clock.advance(Duration.ofSeconds(10));
    assertThat(calls(limiter, 5)).containsOnly(false);
    clock.advance(Duration.ofSeconds(10));
    assertThat(calls(limiter, 3)).containsExactly(true, true, false);
  }
}
