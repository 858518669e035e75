package io.leadbridge.marketo;

import io.leadbridge.core.remote.RemoteServiceException;

/**
 * Marketo answered with an error. Marketo reports most errors in the body of an HTTP 200 answer:
 * then {@link #status()} is 200 and {@link #serviceCode()} Marketo's code (606 rate limit, 1016
 * import queue full, 607 daily quota, 1003 empty file…). Errors Marketo reports by HTTP status
 * alone, such as 413 for a file too large, have no service code. {@link #requestId()} is the id to
 * quote to Adobe support; {@link #retryable()} says whether trying again later can succeed.
 *
 * <p>Messages never hold a secret, a token or a value from a row. Immutable once thrown.
 */
public class MarketoServiceException extends RemoteServiceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param status the HTTP status of the answer
   * @param code Marketo's error code, such as {@code 1016}, or {@code null} for an error reported
   *     by HTTP status alone
   * @param marketoMessage Marketo's message for it, or {@code null}
   * @param requestId Marketo's request id, or {@code null}
   * @param retryable whether the same call can succeed later
   * @param advice what the caller should do, appended to the message
   */
  public MarketoServiceException(
      int status,
      String code,
      String marketoMessage,
      String requestId,
      boolean retryable,
      String advice) {
    this(
        message(status, code, marketoMessage, requestId, advice),
        status,
        code,
        requestId,
        retryable);
  }

  MarketoServiceException(
      String message, int status, String code, String requestId, boolean retryable) {
    super(message, MarketoAnswers.SERVICE, status, code, requestId, retryable);
  }

  private static String message(
      int status, String code, String marketoMessage, String requestId, String advice) {
    return (code != null ? "Marketo error " + code : "Marketo answered HTTP " + status)
        + (marketoMessage == null || marketoMessage.isBlank() ? "" : " (" + marketoMessage + ")")
        + (requestId == null ? "" : " [request " + requestId + "]")
        + (advice == null || advice.isBlank() ? "" : ": " + advice);
  }
}
