package io.leadbridge.marketo;

import io.leadbridge.core.LeadbridgeException;

/**
 * The root of every exception the Marketo client throws. Messages never hold a secret, a token or a
 * value from a row.
 */
public class MarketoException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public MarketoException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public MarketoException(String message, Throwable cause) {
    super(message, cause);
  }
}
