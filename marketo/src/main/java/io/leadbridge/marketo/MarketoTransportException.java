package io.leadbridge.marketo;

import io.leadbridge.core.remote.RemoteTransportException;

/**
 * Marketo gave no usable answer: the connection failed or dropped, timed out, or the answer was not
 * the JSON Marketo sends. Retryable by nature; thrown once the client's own retries are spent.
 *
 * <p>Messages never hold a secret, a token or a value from a row. Immutable once thrown.
 */
public class MarketoTransportException extends RemoteTransportException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public MarketoTransportException(String message) {
    super(MarketoAnswers.SERVICE, message, null);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem, or {@code null}
   */
  public MarketoTransportException(String message, Throwable cause) {
    super(MarketoAnswers.SERVICE, message, cause);
  }
}
