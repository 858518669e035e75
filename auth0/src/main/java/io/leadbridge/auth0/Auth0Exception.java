package io.leadbridge.auth0;

import io.leadbridge.core.LeadbridgeException;

/**
 * The root of the Auth0 source's own failures, those not about a remote answer: a job that did not
 * complete ({@link Auth0JobException}), an export that took too long ({@link
 * Auth0TimeoutException}), an unknown connection name, a download link that is not https, a
 * temporary file that cannot be written. Remote failures are {@link
 * io.leadbridge.core.remote.RemoteServiceException}s ({@link Auth0ServiceException}: Auth0 answered
 * with an error) and {@link io.leadbridge.core.remote.RemoteTransportException}s ({@link
 * Auth0TransportException}: no usable answer); catch {@link io.leadbridge.core.LeadbridgeException}
 * for all of them.
 *
 * <p>Messages never contain the client secret, tokens or signed download links. Immutable once
 * thrown.
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
