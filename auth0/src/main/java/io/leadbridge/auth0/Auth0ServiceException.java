package io.leadbridge.auth0;

import io.leadbridge.core.remote.RemoteServiceException;

/**
 * Auth0 answered a request with an error: refused credentials, a missing scope, a bad request, or
 * errors that persisted after the allowed retries. {@link #status()} is the HTTP status, {@link
 * #serviceCode()} Auth0's {@code errorCode} (or {@code error}) such as {@code insufficient_scope},
 * {@link #requestId()} Auth0's {@code x-auth0-requestid} when it sent one.
 *
 * <p>Messages never contain the client secret, tokens or signed download links. Immutable once
 * thrown.
 */
public class Auth0ServiceException extends RemoteServiceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for an error answer.
   *
   * @param message what went wrong and what to do about it
   * @param status the HTTP status of the answer
   * @param errorCode Auth0's error code ({@code errorCode} or {@code error} of the body), or {@code
   *     null} if the answer had none
   * @param requestId Auth0's id for the request, or {@code null} if it gave none
   * @param retryable whether trying again later may succeed
   */
  public Auth0ServiceException(
      String message, int status, String errorCode, String requestId, boolean retryable) {
    super(message, ManagementApi.SERVICE, status, errorCode, requestId, retryable);
  }
}
