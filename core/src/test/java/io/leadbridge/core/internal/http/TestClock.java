package io.leadbridge.core.internal.http;

import io.leadbridge.core.remote.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that moves only when the code under test sleeps; records every sleep. */
final class TestClock extends Clock {
  private volatile Instant now = Instant.parse("2026-03-01T10:00:00Z");
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  final Sleeper sleeper =
      d -> {
        sleeps.add(d);
        advance(d);
      };

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
