package io.leadbridge.marketo;

import java.time.Clock;
import java.time.Duration;

/**
 * The client's settings for its import runs ({@link ImportRun}).
 *
 * @param clock the client's clock
 * @param minPollInterval the first wait between polls, and the wait after a change
 * @param maxPollInterval the longest wait between polls
 * @param maxQueuedBatches how many of the run's batches may be unfinished at once
 * @param maxFileBytes the largest part uploaded; larger files are split
 * @param timeout the longest a run may take
 * @param headerCheck whether the header is checked before the first upload
 * @param valueCheck whether every value is checked against its field before the first upload
 */
record ImportSettings(
    Clock clock,
    Duration minPollInterval,
    Duration maxPollInterval,
    int maxQueuedBatches,
    long maxFileBytes,
    Duration timeout,
    boolean headerCheck,
    boolean valueCheck) {
  ImportSettings {
    if (minPollInterval.compareTo(maxPollInterval) > 0) {
      throw new IllegalArgumentException("minPollInterval must not be above maxPollInterval.");
    }
    if (maxFileBytes <= 1024 || maxFileBytes > 10_000_000) {
      throw new IllegalArgumentException(
          "maxFileBytes must be above 1 KB and at most 10,000,000: Marketo refuses files of 10"
              + " MB.");
    }
  }
}
