package io.leadbridge.marketo;

/**
 * Receives progress reports during {@link MarketoBulkLeadClient#importAndAwait}: after each upload
 * and each status poll. Called on the importing thread; keep it quick. A listener that throws is
 * logged and ignored: it never stops the import. A listener set on a shared client hears every
 * import made without a listener of its own (see {@link ImportOptions.Builder#listener}), possibly
 * on several threads at once, so it must be thread-safe.
 */
@FunctionalInterface
public interface ImportListener {
  /**
   * Reports progress.
   *
   * @param progress where the import stands
   */
  void onProgress(ImportProgress progress);

  /**
   * A listener that ignores every report.
   *
   * @return a no-op listener
   */
  static ImportListener none() {
    return p -> {};
  }
}
