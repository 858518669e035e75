package io.leadbridge.core.internal.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * The end of a whole run (an export, an import): no wait of the engine, whether a back-off, a rate
 * limit or a poll, may pass it. Immutable.
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(null, what -> null);

  private final Instant at;
  private final Function<String, ? extends RuntimeException> expired;

  private Deadline(Instant at, Function<String, ? extends RuntimeException> expired) {
    this.at = at;
    this.expired = expired;
  }

  /**
   * No deadline: for single calls outside a run.
   *
   * @return the deadline that never passes
   */
  public static Deadline none() {
    return NONE;
  }

  /**
   * A deadline at an instant.
   *
   * @param at the instant, by the engine's clock
   * @param expired builds the exception thrown instead of a wait that would pass it, given what the
   *     run was doing
   * @return the deadline
   */
  public static Deadline at(Instant at, Function<String, ? extends RuntimeException> expired) {
    return new Deadline(Objects.requireNonNull(at, "at"), Objects.requireNonNull(expired));
  }

  /**
   * Whether a wait starting now ends by the deadline.
   *
   * @param now the current instant
   * @param wait the wait
   * @return true if the wait may be made
   */
  boolean allows(Instant now, Duration wait) {
    return at == null || !now.plus(wait).isAfter(at);
  }

  /**
   * The exception for a wait that would pass the deadline.
   *
   * @param what what the run was doing
   * @return the exception to throw
   */
  RuntimeException expired(String what) {
    return expired.apply(what);
  }

  @Override
  public String toString() {
    return at == null ? "Deadline[none]" : "Deadline[" + at + "]";
  }
}
