package io.leadbridge.benchmarks;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.SyntheticUsers;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory while exporting: run in its own JVM with a small heap ({@code -Xmx64m}), exports N
 * synthetic users from gzipped NDJSON to TSV parts and prints one line {@code users=… peakHeap=…
 * maxLiveHeap=…}: the peak of the heap pools, and the largest heap still in use after a full
 * collection, sampled ten times during the export. The export finishing under the cap is the first
 * result; a live heap that does not grow with N is the second.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the number of users, and optionally a working directory
   * @throws Exception if the export fails
   */
  public static void main(String[] args) throws Exception {
    long users = Long.parseLong(args[0]);
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("leadbridge-mem");
    Result r = run(users, dir);
    System.out.printf(
        "users=%d rows=%d peakHeap=%d maxLiveHeap=%d maxHeap=%d%n",
        users, r.rows, r.peakHeap, r.maxLiveHeap, Runtime.getRuntime().maxMemory());
  }

  /** What one probe run saw. */
  static final class Result {
    long rows;
    long peakHeap;
    long maxLiveHeap;
  }

  static Result run(long users, Path dir) throws Exception {
    Path input = dir.resolve("users-" + users + ".ndjson.gz");
    if (!Files.exists(input)) {
      SyntheticUsers.builder().count(users).seed(11).build().writeNdjson(input, true);
    }
    Result result = new Result();
    long every = Math.max(1, users / 10);
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    UserExporter exporter =
        UserExporter.builder()
            .mapping(FieldMapping.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000)
            .listener(
                p -> {
                  if (p.entriesRead() > 0 && p.entriesRead() % every < 4096) {
                    System.gc();
                    result.maxLiveHeap = Math.max(result.maxLiveHeap, usedHeap());
                  }
                })
            .build();
    ExportResult export;
    try (UserSource source = UserSource.ndjson(input)) {
      export = exporter.export(source, dir.resolve("out").resolve("users.tsv"));
    }
    result.rows = export.rowsWritten();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        result.peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    return result;
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
