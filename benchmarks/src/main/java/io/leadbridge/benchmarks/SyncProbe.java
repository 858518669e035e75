package io.leadbridge.benchmarks;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.MarketoFields;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Incremental sync at scale: run in its own JVM with a heap the size of the default sort buffer
 * ({@code -Xmx32m}), exports N synthetic users against an empty {@link SyncState} and commits, then
 * exports the same users with the given name of every 1000th user changed and commits again. Prints
 * one line {@code users=… stateBytes2=… maxLiveHeap2=… exact=1 …}: for each run the time of the
 * export and of the commit, the rows written, the peak of the heap pools, the largest heap still in
 * use after a full collection (sampled at each tenth of the users read, and every two seconds
 * throughout, so the comparison and the commit are covered too), and the size of the state folder
 * after the commit; whether the second run wrote exactly the changed users that have an email; and
 * the largest the working directory grew (state, export and temporary files). Finishing under the
 * cap with the default 32 MB sort buffer is the first result; a state under 400 MB for 10 million
 * users and a live heap that does not grow with N are the others.
 *
 * <p>The users are generated while they are read ({@link SyntheticUsers} with seed 11, through
 * {@link UserSource#of}), mapped with {@link MarketoFields#auth0Defaults()} to TSV parts of 9.5 MB.
 * Users without an email are rejected by that mapping and never enter the state.
 */
public final class SyncProbe {
  private static final long SAMPLE_MILLIS = 2_000;
  private static final int CHANGE_EVERY = 1000;
  private static final AtomicLong SAMPLES = new AtomicLong();
  private static final AtomicLong SKIPPED = new AtomicLong();

  private SyncProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the number of users, and optionally a working directory (its {@code state} and
   *     {@code out} folders are deleted at the end)
   * @throws Exception if an export or a commit fails
   */
  public static void main(String[] args) throws Exception {
    long users = Long.parseLong(args[0]);
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("leadbridge-sync");
    Result r = run(users, dir);
    System.out.printf(
        "users=%d stateUsers=%d changed=%d exact=%d"
            + " exportMillis1=%d commitMillis1=%d rows1=%d peakHeap1=%d maxLiveHeap1=%d"
            + " stateBytes1=%d exportMillis2=%d commitMillis2=%d rows2=%d peakHeap2=%d"
            + " maxLiveHeap2=%d stateBytes2=%d maxDiskBytes=%d samples=%d skippedSamples=%d maxHeap=%d%n",
        users,
        r.stateUsers,
        r.changed,
        r.exact ? 1 : 0,
        r.first.exportMillis,
        r.first.commitMillis,
        r.first.rows,
        r.first.peakHeap,
        r.first.maxLiveHeap,
        r.first.stateBytes,
        r.second.exportMillis,
        r.second.commitMillis,
        r.second.rows,
        r.second.peakHeap,
        r.second.maxLiveHeap,
        r.second.stateBytes,
        r.maxDiskBytes,
        SAMPLES.get(),
        SKIPPED.get(),
        Runtime.getRuntime().maxMemory());
  }

  /** What one export and its commit took. */
  static final class Run {
    long exportMillis;
    long commitMillis;
    long rows;
    long peakHeap;
    long maxLiveHeap;
    long stateBytes;
  }

  /** What the two runs saw. */
  static final class Result {
    final Run first = new Run();
    final Run second = new Run();
    long stateUsers;
    long changed;
    boolean exact;
    long maxDiskBytes;
  }

  static Result run(long users, Path dir) throws Exception {
    Result result = new Result();
    Path stateDir = dir.resolve("state");
    Path out = dir.resolve("out");
    SyncState state = SyncState.open(stateDir);
    SyntheticUsers synthetic = SyntheticUsers.builder().count(users).seed(11).build();
    AtomicLong disk = new AtomicLong();
    try {
      sync(synthetic, null, state, out, result.first, disk);
      result.stateUsers = state.users();

      Set<String> changed = new HashSet<>();
      ExportResult second = sync(synthetic, changed, state, out, result.second, disk);
      SyncSummary s = second.sync().orElseThrow();
      result.changed = changed.size();
      Set<String> unwritten = new HashSet<>(changed);
      boolean[] onlyChanged = {true};
      second
          .rowKeys()
          .orElseThrow()
          .forEach(
              k -> {
                if (!unwritten.remove(k.userId())) {
                  onlyChanged[0] = false; // not changed, or written twice
                }
              });
      result.exact =
          onlyChanged[0]
              && unwritten.isEmpty()
              && second.rowsWritten() == changed.size()
              && s.changedUsers() == changed.size()
              && s.newUsers() == 0
              && s.absentUsers() == 0
              && s.unchangedUsers() == result.stateUsers - changed.size()
              && state.users() == result.stateUsers;
      result.maxDiskBytes = disk.get();
    } finally {
      deleteTree(out);
      deleteTree(stateDir);
    }
    return result;
  }

  /**
   * Exports against the state and commits, measuring both; with {@code changed} non-null, every
   * 1000th user gets a new given name and the ids of those that have an email are collected.
   */
  private static ExportResult sync(
      SyntheticUsers synthetic,
      Set<String> changed,
      SyncState state,
      Path out,
      Run run,
      AtomicLong disk)
      throws Exception {
    Iterable<Map<String, Object>> users =
        changed == null ? synthetic : () -> changing(synthetic.iterator(), changed);
    AtomicLong live = new AtomicLong();
    long every = Math.max(1, synthetic.count() / 10);
    long[] sampledTenth = {0};
    UserExporter exporter =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000)
            .listener(
                p -> {
                  long tenth = p.entriesRead() / every;
                  if (tenth > sampledTenth[0]) { // once per tenth of the users read
                    sampledTenth[0] = tenth;
                    sampleLiveHeap(live);
                  }
                })
            .build();
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    Path root = state.directory().getParent();
    Thread sampler =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(SAMPLE_MILLIS);
                  sampleLiveHeap(live);
                  disk.accumulateAndGet(bytesIn(root), Math::max);
                }
              } catch (InterruptedException e) {
                // the run is over
              }
            },
            "sync-probe-sampler");
    sampler.setDaemon(true);
    sampler.start();
    ExportResult export;
    try {
      long start = System.nanoTime();
      try (UserSource source = UserSource.of(users)) {
        export = exporter.export(source, out.resolve("users.tsv"), state);
      }
      long exported = System.nanoTime();
      disk.accumulateAndGet(bytesIn(root), Math::max);
      state.commit(export, ImportConfirmation.all());
      long committed = System.nanoTime();
      run.exportMillis = (exported - start) / 1_000_000;
      run.commitMillis = (committed - exported) / 1_000_000;
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    sampleLiveHeap(live);
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        run.peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    run.maxLiveHeap = live.get();
    run.rows = export.rowsWritten();
    run.stateBytes = bytesIn(state.directory());
    return export;
  }

  /** The users with every 1000th given name changed; records the ids of those with an email. */
  private static Iterator<Map<String, Object>> changing(
      Iterator<Map<String, Object>> users, Set<String> changed) {
    return new Iterator<>() {
      private long index;

      @Override
      public boolean hasNext() {
        return users.hasNext();
      }

      @Override
      public Map<String, Object> next() {
        Map<String, Object> u = users.next();
        if (index++ % CHANGE_EVERY == CHANGE_EVERY - 1) {
          u.put("given_name", "Renamed " + u.getOrDefault("given_name", ""));
          if (u.get("email") != null) {
            changed.add((String) u.get("user_id"));
          }
        }
        return u;
      }
    };
  }

  /**
   * Runs a full collection and keeps the heap in use after it, as the collector reports it. G1
   * skips a collection asked for while another thread is in a JNI critical region, as the exporting
   * thread is inside the JDK's gzip streams; the heap then still holds garbage, so such a sample is
   * counted as skipped and not used.
   */
  private static void sampleLiveHeap(AtomicLong max) {
    GarbageCollectorMXBean full = fullCollector();
    if (full == null) {
      System.gc();
      max.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      return;
    }
    long before = full.getCollectionCount();
    System.gc();
    GcInfo info = full.getLastGcInfo();
    if (full.getCollectionCount() == before || info == null) {
      SKIPPED.incrementAndGet();
      return;
    }
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = info.getMemoryUsageAfterGc().get(pool.getName());
      if (pool.getType() == MemoryType.HEAP && after != null) {
        used += after.getUsed();
      }
    }
    SAMPLES.incrementAndGet();
    max.accumulateAndGet(used, Math::max);
  }

  /** The collector that runs {@code System.gc()}'s full collections, or null if not known. */
  private static GarbageCollectorMXBean fullCollector() {
    for (java.lang.management.GarbageCollectorMXBean b :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = b.getName();
      if (b instanceof GarbageCollectorMXBean
          && (name.contains("Old") || name.contains("MarkSweep"))) {
        return (GarbageCollectorMXBean) b;
      }
    }
    return null;
  }

  /** The bytes of all files under a folder; files deleted while it is walked are skipped. */
  static long bytesIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .mapToLong(
              p -> {
                try {
                  return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // a folder vanished mid-walk; the next sample counts it
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
