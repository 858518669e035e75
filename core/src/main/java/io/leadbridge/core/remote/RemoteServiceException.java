package io.leadbridge.core.remote;

import io.leadbridge.core.LeadbridgeException;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote service (Auth0, Marketo) answered a request with an error: refused credentials, a
 * missing permission, a quota, a bad request, or errors that persisted after the allowed retries.
 * Carries the HTTP status, the service's own error code and request id when it gave them, and
 * whether the same request may succeed later. Each service has its own subclass.
 *
 * <p>Messages say what went wrong and what to do; they never hold a client secret, a token or a
 * signed URL. Immutable once thrown.
 */
public class RemoteServiceException extends LeadbridgeException {
  private static final long serialVersionUID = 1L;

  private final String service;
  private final int status;
  private final String serviceCode;
  private final String requestId;
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do about it
   * @param service the service that answered, such as {@code Marketo}
   * @param status the HTTP status of the answer (200 for services that report errors in the body)
   * @param serviceCode the service's own error code, or {@code null} if it gave none
   * @param requestId the service's id for the request, or {@code null} if it gave none
   * @param retryable whether the same request may succeed later
   */
  public RemoteServiceException(
      String message,
      String service,
      int status,
      String serviceCode,
      String requestId,
      boolean retryable) {
    super(message);
    this.service = Objects.requireNonNull(service, "service");
    this.status = status;
    this.serviceCode = serviceCode;
    this.requestId = requestId;
    this.retryable = retryable;
  }

  /**
   * The service that answered.
   *
   * @return its name, such as {@code Auth0} or {@code Marketo}
   */
  public String service() {
    return service;
  }

  /**
   * The HTTP status of the answer. Services that report errors in the body of a successful answer
   * (Marketo) give 200 here and their error in {@link #serviceCode()}.
   *
   * @return the status, such as 200, 401, 413 or 429
   */
  public int status() {
    return status;
  }

  /**
   * The service's own error code: Marketo's {@code 1016}, Auth0's {@code insufficient_scope}.
   *
   * @return the code, or empty if the answer held none
   */
  public Optional<String> serviceCode() {
    return Optional.ofNullable(serviceCode);
  }

  /**
   * The service's id for the request, to quote to its support.
   *
   * @return the id, or empty if the service gave none
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * Whether the same request may succeed if tried later (rate limits, a full queue, a busy or
   * failing server). The client has already retried as its retry policy allows.
   *
   * @return true for transient errors
   */
  public boolean retryable() {
    return retryable;
  }
}
