package io.leadbridge.marketo;

/**
 * Marketo gave no usable answer: the connection failed or dropped, timed out, or the answer was not
 * the JSON Marketo sends. Retryable by nature; thrown once the client's own retries are spent.
 */
public class MarketoTransportException extends MarketoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public MarketoTransportException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public MarketoTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
