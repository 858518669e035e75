package io.leadbridge.marketo;

import java.util.Objects;

/**
 * The check of the instance's daily API quota an import makes before its first upload: today's
 * calls of every integration ({@code GET /rest/v1/stats/usage.json}, see Adobe's <a
 * href="https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/usage">Usage</a>
 * page), the quota the options give (Marketo does not report it), and the calls the import is
 * estimated to need. Immutable and thread-safe.
 *
 * <p>The estimate, per kind: 2 tokens (one, and one renewal); 1 field description; 1 usage read;
 * one upload per part to send, plus one per part whose earlier upload is uncertain; 3 status polls
 * per batch to wait on (one to read its progress, one to correct the prediction, the last one); 2
 * files per batch (its failures and its warnings, at most); and, when uncertain uploads are
 * resolved, 3 lead lookups per uncertain part, with room for one more. A queue held by other
 * integrations adds a poll every {@code maxPollInterval} while a batch waits in it.
 *
 * @param dailyQuota the instance's daily quota, from {@link ImportOptions#dailyQuota()}
 * @param usedToday calls of every integration today, or -1 when Marketo did not say
 * @param estimate the calls the whole import is estimated to make
 * @param callsNeeded the calls still to make when today's usage was read
 */
public record QuotaCheck(long dailyQuota, long usedToday, ImportCalls estimate, long callsNeeded) {
  /**
   * Checks the fields.
   *
   * @param dailyQuota the quota
   * @param usedToday today's calls, or -1
   * @param estimate the estimate
   * @param callsNeeded the calls still to make
   */
  public QuotaCheck {
    Objects.requireNonNull(estimate, "estimate");
  }

  /**
   * The calls an import is estimated to make, by the rule above.
   *
   * @param toUpload parts to upload
   * @param waiting batches already accepted, to wait on
   * @param uncertain parts whose upload is uncertain and will be resolved (each may be uploaded
   *     again), or -1 when uncertain uploads are not resolved
   * @param described whether the run described the fields
   */
  static ImportCalls estimate(long toUpload, long waiting, long uncertain, boolean described) {
    boolean resolve = uncertain >= 0;
    long uploads = toUpload + (resolve ? uncertain : 0);
    long batches = uploads + waiting;
    return new ImportCalls(
        2,
        described ? 1 : 0,
        1,
        uploads,
        3 * batches,
        2 * batches,
        resolve ? (long) UncertainPart.MAX_LOOKS * (uncertain + 1) : 0);
  }

  /**
   * The calls left today.
   *
   * @return the quota minus today's calls, never below 0; the quota when today's calls are unknown
   */
  public long remaining() {
    return usedToday < 0 ? dailyQuota : Math.max(0, dailyQuota - usedToday);
  }

  /**
   * Whether the calls left today cover the calls the import still needs.
   *
   * @return true when the import may start
   */
  public boolean sufficient() {
    return usedToday < 0 || callsNeeded <= remaining();
  }
}
