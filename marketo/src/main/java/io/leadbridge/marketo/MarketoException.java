package io.leadbridge.marketo;

import io.leadbridge.core.LeadbridgeException;

/**
 * The root of the Marketo client's own failures, those not about a remote answer: a header that
 * names unknown fields ({@link MarketoHeaderException}), a file that cannot be read or split, the
 * import journal, an import that did not finish within its timeout, an interrupted wait. Remote
 * failures are {@link io.leadbridge.core.remote.RemoteServiceException}s ({@link
 * MarketoServiceException}: Marketo answered with an error) and {@link
 * io.leadbridge.core.remote.RemoteTransportException}s ({@link MarketoTransportException}: no
 * usable answer); catch {@link io.leadbridge.core.LeadbridgeException} for all of them.
 *
 * <p>Messages never hold a secret, a token or a value from a row. Immutable once thrown.
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
