package io.leadbridge.alterian;

import io.leadbridge.core.LeadbridgeException;

/**
 * A package could not be built: the input does not match its header, cannot be decoded, holds
 * characters the chosen code page cannot, or the output directory is not empty. Nothing is left in
 * the output directory when this is thrown.
 *
 * <p>Immutable once thrown.
 */
public class AlterianException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public AlterianException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public AlterianException(String message, Throwable cause) {
    super(message, cause);
  }
}
