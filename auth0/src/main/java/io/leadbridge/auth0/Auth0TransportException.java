package io.leadbridge.auth0;

import io.leadbridge.core.remote.RemoteTransportException;

/**
 * No usable answer came from Auth0 or from the download link: the connection failed or was dropped,
 * the request timed out, or the answer could not be read, and retries did not help.
 *
 * <p>Messages never contain the client secret, tokens or signed download links. Immutable once
 * thrown.
 */
public class Auth0TransportException extends RemoteTransportException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem, or {@code null}
   */
  public Auth0TransportException(String message, Throwable cause) {
    super(ManagementApi.SERVICE, message, cause);
  }
}
