package io.leadbridge.auth0;

/**
 * Receives the progress of an Auth0 users-exports job: once per status reading, from the job's
 * creation to its completion. Called on the thread that runs {@link Auth0ExportJob#open()}.
 */
@FunctionalInterface
public interface Auth0JobListener {

  /** A listener that ignores everything. */
  Auth0JobListener NONE = progress -> {};

  /**
   * Called after each status reading of the job.
   *
   * @param progress the job's status, percentage done and estimated time left
   */
  void progress(Auth0JobProgress progress);
}
