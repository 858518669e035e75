package io.leadbridge.marketo;

/**
 * Marketo answered with an error: one of its codes (606 rate limit, 1016 import queue full, 607
 * daily quota, 1003 empty file…) or an HTTP status such as 413. Carries the code, Marketo's message
 * and the request id to quote to Adobe support, and says whether trying again later can succeed.
 */
public class MarketoServiceException extends MarketoException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final String requestId;
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param code Marketo's error code, or {@code HTTP 413} and the like
   * @param marketoMessage Marketo's message for it
   * @param requestId Marketo's request id, or {@code null}
   * @param retryable whether the same call can succeed later
   * @param advice what the caller should do, appended to the message
   */
  public MarketoServiceException(
      String code, String marketoMessage, String requestId, boolean retryable, String advice) {
    super(
        "Marketo error "
            + code
            + (marketoMessage == null || marketoMessage.isBlank()
                ? ""
                : " (" + marketoMessage + ")")
            + (requestId == null ? "" : " [request " + requestId + "]")
            + (advice == null || advice.isBlank() ? "" : ": " + advice));
    this.code = code;
    this.requestId = requestId;
    this.retryable = retryable;
  }

  /**
   * Marketo's error code, e.g. {@code 1016}, or {@code HTTP 413} for an HTTP status.
   *
   * @return the code
   */
  public String code() {
    return code;
  }

  /**
   * Marketo's request id, for support.
   *
   * @return the id, or {@code null} when Marketo gave none
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Whether the same call can succeed if tried later (rate limits, a full queue, a busy server).
   *
   * @return true for transient errors
   */
  public boolean retryable() {
    return retryable;
  }
}
