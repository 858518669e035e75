package io.leadbridge.marketo;

/**
 * Receives progress reports during {@link MarketoBulkLeadClient#importAndAwait}: after each upload
 * and each status poll. Called on the importing thread; keep it quick.
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
