package io.leadbridge.core;

/**
 * Receives progress reports during an export: when a part starts, every few thousand users, and
 * once at the end. Called on the exporting thread; keep it quick.
 *
 * <p>Called on the exporting thread, one report at a time; a listener that throws is logged and
 * ignored, never stops the export.
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
