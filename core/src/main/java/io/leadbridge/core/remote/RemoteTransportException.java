package io.leadbridge.core.remote;

import io.leadbridge.core.LeadbridgeException;
import java.util.Objects;

/**
 * No usable answer came from a remote service: the connection failed or dropped, the request timed
 * out, or the answer was not what the service sends. Thrown once the client's own retries are
 * spent, or at once when retrying could repeat an upload. Each service has its own subclass.
 *
 * <p>Messages never hold a client secret, a token or a signed URL. Immutable once thrown.
 */
public class RemoteTransportException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  private final String service;

  /**
   * Creates the exception.
   *
   * @param service the service that was called, such as {@code Marketo}
   * @param message what went wrong and what to do about it
   * @param cause the underlying problem, or {@code null}
   */
  public RemoteTransportException(String service, String message, Throwable cause) {
    super(message, cause);
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * The service that was called.
   *
   * @return its name, such as {@code Auth0} or {@code Marketo}
   */
  public String service() {
    return service;
  }
}
