package io.leadbridge.marketo;

/**
 * Marketo API calls by kind, each counted against the instance's daily quota: what an import made
 * ({@link ImportReport#callsByKind()}) or was estimated to need ({@link QuotaCheck#estimate()}).
 * Retries count, as Marketo counts them. Immutable and thread-safe.
 *
 * @param tokens calls to the identity endpoint
 * @param fieldDescriptions {@code describe2.json}
 * @param usage {@code stats/usage.json}
 * @param uploads uploads of parts
 * @param statusPolls batch status polls
 * @param files failure and warning files
 * @param leadLookups Leads API queries, to resolve uploads whose answer was lost
 */
public record ImportCalls(
    long tokens,
    long fieldDescriptions,
    long usage,
    long uploads,
    long statusPolls,
    long files,
    long leadLookups) {

  /** No call. */
  static final ImportCalls NONE = new ImportCalls(0, 0, 0, 0, 0, 0, 0);

  /**
   * Every call.
   *
   * @return the sum of the kinds
   */
  public long total() {
    return tokens + fieldDescriptions + usage + uploads + statusPolls + files + leadLookups;
  }

  @Override
  public String toString() {
    return total()
        + " calls (tokens "
        + tokens
        + ", field descriptions "
        + fieldDescriptions
        + ", usage "
        + usage
        + ", uploads "
        + uploads
        + ", status polls "
        + statusPolls
        + ", failure and warning files "
        + files
        + ", lead lookups "
        + leadLookups
        + ")";
  }
}
