package io.leadbridge.marketo;

/**
 * Where an import stands, given to an {@link ImportListener}. Immutable and thread-safe.
 *
 * @param parts parts to import in all
 * @param uploaded parts uploaded so far (including those found in the journal)
 * @param queued our batches waiting in Marketo's queue
 * @param importing our batches being imported
 * @param finished our batches complete or failed
 * @param rowsProcessed rows Marketo has processed so far in our batches
 * @param rowsTotal rows in all parts, or -1 when unknown
 */
public record ImportProgress(
    int parts,
    int uploaded,
    int queued,
    int importing,
    int finished,
    long rowsProcessed,
    long rowsTotal) {}
