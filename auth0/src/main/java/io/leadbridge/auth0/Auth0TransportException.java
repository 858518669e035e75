package io.leadbridge.auth0;

/**
 * No usable answer came from Auth0 or from the download link: the connection failed or was dropped,
 * the request timed out, or the answer could not be read, and retries did not help.
 */
public class Auth0TransportException extends Auth0Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem, or {@code null}
   */
  public Auth0TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
