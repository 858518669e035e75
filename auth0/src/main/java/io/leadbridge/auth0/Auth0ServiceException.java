package io.leadbridge.auth0;

/**
 * Auth0 answered a request with an error: refused credentials, a missing scope, a bad request, or
 * errors that persisted after the allowed retries.
 */
public class Auth0ServiceException extends Auth0Exception {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;
  private final boolean retryable;

  /**
   * Creates an exception for an error answer.
   *
   * @param message what went wrong and what to do about it
   * @param statusCode the HTTP status code of the answer
   * @param errorCode Auth0's error code ({@code errorCode} or {@code error} of the body), or {@code
   *     null} if the answer had none
   * @param retryable whether trying again later may succeed
   */
  public Auth0ServiceException(
      String message, int statusCode, String errorCode, boolean retryable) {
    super(message);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.retryable = retryable;
  }

  /**
   * The HTTP status code of Auth0's answer.
   *
   * @return the status code, such as 401, 403 or 429
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * Auth0's error code, such as {@code insufficient_scope} or {@code access_denied}.
   *
   * @return the error code, or {@code null} if the answer had none
   */
  public String errorCode() {
    return errorCode;
  }

  /**
   * Whether the same request may succeed later (rate limits, server errors).
   *
   * @return true if retrying later makes sense
   */
  public boolean retryable() {
    return retryable;
  }
}
