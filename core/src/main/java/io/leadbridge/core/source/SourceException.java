package io.leadbridge.core.source;

import io.leadbridge.core.LeadbridgeException;

/**
 * A {@link UserSource} cannot go on: the file cannot be read, is truncated, or is so broken that no
 * later record can be trusted (a JSON array with a syntax error, a cut-off gzip stream).
 *
 * <p>A single bad line of an NDJSON file is not an exception: it is a {@link MalformedEntry} and
 * reading goes on.
 *
 * <p>Immutable once thrown.
 */
public class SourceException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public SourceException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
