package io.leadbridge.core;

/**
 * Receives progress reports during an export: when a part starts, every few thousand users, and
 * once at the end. Called on the exporting thread; keep it quick.
 */
@FunctionalInterface
public interface ExportListener {
  /**
   * Reports progress.
   *
   * @param progress where the export stands
   */
  void onProgress(ExportProgress progress);

  /**
   * A listener that ignores every report.
   *
   * @return a no-op listener
   */
  static ExportListener none() {
    return progress -> {};
  }
}
