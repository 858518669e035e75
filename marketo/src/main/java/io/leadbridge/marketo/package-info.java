/**
 * Marketo as a destination: {@link io.leadbridge.marketo.MarketoBulkLeadClient} imports exported
 * users with the Bulk Lead Import API, waits for the batches and traces failed rows back to their
 * users.
 *
 * <p><b>Calls.</b> The access token goes only in the {@code Authorization: Bearer} header; it is
 * fetched from {@code /identity/oauth/token}, reused until a tenth of its lifetime (at most a
 * minute) is left, and renewed once when Marketo answers 601/602. Marketo reports most errors as
 * HTTP 200 with {@code success: false}, so every answer's body is read. Rate limits (606, 615), a
 * full import queue (1016, 1019), busy-server codes (502, 604, 608, 611, 713, 719) and 5xx answers
 * are retried with jittered exponential back-off ({@link io.leadbridge.core.remote.RetryPolicy});
 * an HTTP 429 waits for its {@code Retry-After}. 607 (daily quota) and the caller's mistakes stop
 * at once with a {@link io.leadbridge.marketo.MarketoServiceException}; HTTP 413 means a file too
 * large. An upload whose connection drops after the file went out is never sent again on its own:
 * Marketo may have accepted it ({@link io.leadbridge.marketo.MarketoUncertainUploadException}).
 *
 * <p><b>Limits.</b> A client keeps its own {@link io.leadbridge.marketo.CallBudget share} of the
 * instance's limits (Marketo allows 100 calls in 20 seconds and 10 at once per instance, shared by
 * every integration): by default at most 50 calls in 20 seconds and 5 at once.
 *
 * <p><b>Waiting.</b> Every poll counts against the instance's daily quota, so each batch is polled
 * near the moment it should end, predicted from its own progress and the import rate its earlier
 * batches showed ({@code BatchPolls}): once a rate is known a batch costs about one poll, and its
 * end is passed by at most one short poll (1 second by default). A batch still queued is polled
 * every 5 seconds, the interval growing to 30 seconds while it does not move. All waiting goes
 * through the client's clock and sleeper, and no wait of an import passes its timeout.
 *
 * <p><b>Before the first upload</b> an import checks the header and every value against the
 * instance's lead fields ({@link io.leadbridge.marketo.ValueRule}), and reads today's API usage to
 * refuse a run the daily quota cannot cover ({@link io.leadbridge.marketo.QuotaCheck}).
 */
package io.leadbridge.marketo;
