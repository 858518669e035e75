package io.leadbridge.auth0;

import io.leadbridge.core.LeadbridgeException;

/**
 * The root of the exceptions the Auth0 source throws. Subclasses say whether Auth0 answered with an
 * error ({@link Auth0ServiceException}), gave no usable answer ({@link Auth0TransportException}),
 * ran a job that did not complete ({@link Auth0JobException}) or took too long ({@link
 * Auth0TimeoutException}).
 *
 * <p>Messages never contain the client secret, tokens or signed download links.
 */
public class Auth0Exception extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what to do about it
   */
  public Auth0Exception(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem
   */
  public Auth0Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
