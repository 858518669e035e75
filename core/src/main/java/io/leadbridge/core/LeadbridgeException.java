package io.leadbridge.core;

/**
 * The root of every exception Leadbridge throws. Unchecked: catch it where a run can be reported or
 * retried as a whole.
 *
 * <p>Messages say what went wrong and what to do about it. They never contain secrets (client
 * secrets, tokens, signed URLs) or values from user records.
 *
 * <p>Immutable once thrown, like every Leadbridge exception.
 */
public class LeadbridgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public LeadbridgeException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public LeadbridgeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip its stack trace, for rejections that are part of normal flow
   * and happen once per bad record.
   *
   * @param message what went wrong
   * @param cause the underlying problem, or {@code null}
   * @param writableStackTrace whether to record the stack trace
   */
  protected LeadbridgeException(String message, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
  }
}
