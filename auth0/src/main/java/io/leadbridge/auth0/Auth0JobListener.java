package io.leadbridge.auth0;

/**
 * Receives the progress of an Auth0 users-exports job: once per status reading, from the job's
 * creation to its completion. Called on the thread that runs {@link Auth0ExportJob#open()}; keep it
 * quick. A listener that throws is logged and ignored: it never stops the export. An instance used
 * by a job that is opened on several threads at once must be thread-safe.
 */
@FunctionalInterface
public interface Auth0JobListener {

  /**
   * Called after each status reading of the job.
   *
   * @param progress the job's status, percentage done and estimated time left
   */
  void onProgress(Auth0JobProgress progress);

  /**
   * A listener that ignores every report.
   *
   * @return a no-op listener
   */
  static Auth0JobListener none() {
    return progress -> {};
  }
}
