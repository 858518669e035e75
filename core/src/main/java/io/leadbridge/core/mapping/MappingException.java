package io.leadbridge.core.mapping;

import io.leadbridge.core.LeadbridgeException;

/**
 * A field mapping is invalid: a bad path, a duplicate column name, an unknown value format, or a
 * mapping file that cannot be read. The message names the line or column concerned.
 *
 * <p>Immutable once thrown.
 */
public class MappingException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public MappingException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public MappingException(String message, Throwable cause) {
    super(message, cause);
  }
}
