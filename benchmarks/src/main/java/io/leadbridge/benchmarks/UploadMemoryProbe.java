package io.leadbridge.benchmarks;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.marketo.BatchStatus;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import java.net.URI;
import java.nio.file.Path;

/**
 * Upload memory: run in its own JVM with {@code -Xmx32m}, uploads one file with {@link
 * MarketoBulkLeadClient#upload} to a Marketo emulator running in another process, and prints {@code
 * batchId=… peakHeap=…}. Finishing at all shows that the file is streamed, not loaded.
 */
public final class UploadMemoryProbe {
  private UploadMemoryProbe() {}

  /**
   * Runs the probe.
   *
   * @param args endpoint, client id, client secret, file
   */
  public static void main(String[] args) {
    MarketoBulkLeadClient client =
        MarketoBulkLeadClient.builder()
            .endpoint(URI.create(args[0]))
            .clientId(args[1])
            .clientSecret(args[2])
            .build();
    BatchStatus batch =
        client.upload(Path.of(args[3]), ImportOptions.builder().format(CsvFormat.TSV).build());
    long peak = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(
        "batchId="
            + batch.batchId()
            + " peakHeap="
            + peak
            + " maxHeap="
            + Runtime.getRuntime().maxMemory());
  }
}
