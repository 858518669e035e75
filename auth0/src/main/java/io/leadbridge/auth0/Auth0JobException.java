package io.leadbridge.auth0;

/**
 * An Auth0 users-exports job ended without a usable result: it failed or expired. Immutable once
 * thrown.
 */
public class Auth0JobException extends Auth0Exception {
  private static final long serialVersionUID = 1L;

  private final String jobId;
  private final String status;

  /**
   * Creates an exception for a job that ended badly.
   *
   * @param message what went wrong and what to do about it
   * @param jobId the job's id, such as {@code job_abc123}
   * @param status the job's last status, such as {@code failed} or {@code expired}
   */
  public Auth0JobException(String message, String jobId, String status) {
    super(message);
    this.jobId = jobId;
    this.status = status;
  }

  /**
   * The id of the job.
   *
   * @return the job id
   */
  public String jobId() {
    return jobId;
  }

  /**
   * The job's last status as Auth0 reported it.
   *
   * @return the status, such as {@code failed} or {@code expired}
   */
  public String status() {
    return status;
  }
}
