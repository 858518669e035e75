package io.leadbridge.testkit.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * What an emulator does instead of, or before, its normal answer to one request. Plain data, so
 * that faults can also be read from a file: a kind and the one value that kind needs. Immutable.
 *
 * @param kind what happens
 * @param status the HTTP status, for {@link Kind#STATUS}; 0 otherwise
 * @param code the service's error code, for {@link Kind#SERVICE_ERROR}; {@code null} otherwise
 * @param delay how long to wait, for {@link Kind#DELAY}; {@code null} otherwise
 */
public record Fault(Kind kind, int status, String code, Duration delay) {

  /** The kinds of fault. */
  public enum Kind {
    /** Answer with an HTTP status, in the service's way (see {@code EmulatorServer}). */
    STATUS,
    /** Answer with one of the service's own error codes, in the service's way. */
    SERVICE_ERROR,
    /** Close the connection without an answer and without acting on the request. */
    DROP,
    /**
     * Act on the request and then close the connection without an answer: the handler marks the
     * point with {@link Exchange#accepted()}; a handler that never marks it answers normally.
     */
    DROP_AFTER_ACCEPT,
    /** Wait through the emulator's sleeper, then answer normally. */
    DELAY
  }

  /**
   * Checks that the fault holds what its kind needs.
   *
   * @param kind what happens
   * @param status the HTTP status, for {@link Kind#STATUS}
   * @param code the service's error code, for {@link Kind#SERVICE_ERROR}
   * @param delay how long to wait, for {@link Kind#DELAY}
   */
  public Fault {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.SERVICE_ERROR) {
      Objects.requireNonNull(code, "code");
    }
    if (kind == Kind.DELAY) {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /**
   * An answer with an HTTP status.
   *
   * @param status the status
   * @return the fault
   */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, null, null);
  }

  /**
   * An answer with one of the service's error codes.
   *
   * @param code the code, such as {@code "606"}
   * @return the fault
   */
  public static Fault serviceError(String code) {
    return new Fault(Kind.SERVICE_ERROR, 0, code, null);
  }

  /**
   * A dropped connection.
   *
   * @return the fault
   */
  public static Fault drop() {
    return new Fault(Kind.DROP, 0, null, null);
  }

  /**
   * A connection dropped once the request was acted on.
   *
   * @return the fault
   */
  public static Fault dropAfterAccept() {
    return new Fault(Kind.DROP_AFTER_ACCEPT, 0, null, null);
  }

  /**
   * A wait before the normal answer.
   *
   * @param delay how long, by the emulator's sleeper
   * @return the fault
   */
  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, 0, null, delay);
  }
}
