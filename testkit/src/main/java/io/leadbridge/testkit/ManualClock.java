package io.leadbridge.testkit;

import io.leadbridge.core.remote.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that moves only when told to, shared by a client and an emulator so that waiting for
 * a job, a rate limit or a link expiry takes no real time. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.create();
 * Auth0Emulator auth0 = Auth0Emulator.builder().clock(clock).sleeper(clock.sleeper()).start();
 * Auth0ExportJob job = Auth0ExportJob.builder()...clock(clock).sleeper(clock.sleeper()).build();
 * }</pre>
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;

  private ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /**
   * A clock at 2026-01-01T00:00:00Z.
   *
   * @return a new clock
   */
  public static ManualClock create() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * A clock at the given instant.
   *
   * @param start the clock's first reading
   * @return a new clock
   */
  public static ManualClock at(Instant start) {
    return new ManualClock(Objects.requireNonNull(start, "start"));
  }

  /**
   * Moves the clock forward.
   *
   * @param duration how far; zero or positive
   * @throws IllegalArgumentException if the duration is negative
   */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("A clock does not go backwards.");
    }
    now.updateAndGet(t -> t.plus(duration));
  }

  /**
   * A sleeper that advances this clock instead of waiting.
   *
   * @return the sleeper
   */
  public Sleeper sleeper() {
    return this::advance;
  }

  /**
   * {@inheritDoc}
   *
   * @return UTC
   */
  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /**
   * {@inheritDoc}
   *
   * @return this clock: it always reads UTC
   */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  /**
   * {@inheritDoc}
   *
   * @return the current reading
   */
  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
