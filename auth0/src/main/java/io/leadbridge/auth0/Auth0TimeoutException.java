package io.leadbridge.auth0;

import java.util.Optional;

/**
 * The export did not finish within the overall timeout set with {@link
 * Auth0ExportJob.Builder#timeout(java.time.Duration)}. Immutable once thrown.
 */
public class Auth0TimeoutException extends Auth0Exception {
  private static final long serialVersionUID = 1L;

  private final String jobId;

  /**
   * Creates an exception for an export that took too long.
   *
   * @param message what went wrong and what to do about it
   * @param jobId the job's id, or {@code null} if no job was created yet
   */
  public Auth0TimeoutException(String message, String jobId) {
    super(message);
    this.jobId = jobId;
  }

  /**
   * The id of the job that was still running, if one was created.
   *
   * @return the job id, or empty if the export timed out before creating its job
   */
  public Optional<String> jobId() {
    return Optional.ofNullable(jobId);
  }
}
