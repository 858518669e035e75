package io.leadbridge.core;

/**
 * What an export does when it has to reject a user.
 *
 * <p>An enum: immutable and thread-safe.
 */
public enum RejectionPolicy {
  /** Record the rejection in the result and go on: the default. */
  REPORT,
  /**
   * Stop the export with an {@link ExportException} at the first rejection; no output file is left
   * in place.
   */
  FAIL
}
