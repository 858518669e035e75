package io.leadbridge.auth0;

import java.time.Duration;

/**
 * One status reading of an Auth0 users-exports job, as passed to an {@link Auth0JobListener}.
 * Immutable and thread-safe.
 *
 * @param jobId the job's id
 * @param status Auth0's status: {@code pending}, {@code processing}, {@code completed}, {@code
 *     failed} or {@code expired}; empty if the answer held none
 * @param percentageDone Auth0's {@code percentage_done}, 0 to 100; 0 when not reported
 * @param timeLeftSeconds Auth0's {@code time_left_seconds}; -1 when not reported
 * @param elapsed time since the export started
 */
public record Auth0JobProgress(
    String jobId, String status, int percentageDone, long timeLeftSeconds, Duration elapsed) {}
