package io.leadbridge.core.sync;

import io.leadbridge.core.LeadbridgeException;

/**
 * A {@link SyncState} could not be read, or could not move forward: its files are damaged, or
 * another run committed since this export was made. The state on disk is left as it was.
 *
 * <p>Immutable once thrown.
 */
public class SyncException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public SyncException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
