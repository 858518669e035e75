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
import io.leadbridge.core.testing.EmbeddedPostgres;
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
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Incremental sync at scale, side by side with a plain export of the same users, on one store (the
 * embedded database or PostgreSQL), in its own JVM under a small heap ({@code -Xmx64m}):
 *
 * <ol>
 *   <li>a plain export of N synthetic users, no state;
 *   <li>run 1: the same users against an empty state (everyone new), then its commit;
 *   <li>run 2: the same users again (nothing changed), then its commit;
 *   <li>run 3: the same users with the given name of every 1000th user changed, then its commit.
 * </ol>
 *
 * <p>Prints one line {@code users=… plainMillis=… exportMillis1=… commitMillis1=… …}: for each run
 * the time of the export and of the commit, the rows written, the largest heap still in use after a
 * full collection (sampled at each tenth of the users read, and every two seconds throughout,
 * comparison and commit included; the plain export is sampled the same way, so that its time
 * carries the same full collections as the runs it is compared with); the peak of the heap pools;
 * the size of the state (the embedded store's folder, or PostgreSQL's tables with their indexes)
 * after run 3; the most the export's folder held during the sync runs (parts and temporary files:
 * the comparison's table, the staged rows; each run starts in an empty folder), and for each run
 * what held it at its peak, by kind of file ({@code outKinds1=table.tmp:…,tsv.gz:…}); the size of
 * the parts of run 1; and whether run 3 wrote exactly the changed users that have an email.
 *
 * <p>The users are generated while they are read ({@link SyntheticUsers} with seed 11, through
 * {@link UserSource#of}), mapped with {@link MarketoFields#auth0Defaults()} to TSV parts of 9.5 MB.
 * Users without an email are rejected by that mapping and never enter the state. With {@code
 * postgres}, the probe starts a PostgreSQL server of its own ({@link EmbeddedPostgres}) on this
 * machine.
 */
public final class SyncProbe {
  private static final long SAMPLE_MILLIS = 250;
  private static final int HEAP_EVERY = 8;
  private static final int CHANGE_EVERY = 1000;
  private static final AtomicLong SAMPLES = new AtomicLong();
  private static final AtomicLong SKIPPED = new AtomicLong();

  private SyncProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the number of users, a working directory (its {@code state} and {@code out} folders
   *     are deleted at the end), {@code embedded} (the default) or {@code postgres}, and optionally
   *     {@code ndjson} to read the users from gzipped NDJSON files instead of memory
   * @throws Exception if an export or a commit fails
   */
  public static void main(String[] args) throws Exception {
    long users = Long.parseLong(args[0]);
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("leadbridge-sync");
    boolean postgres = args.length > 2 && args[2].equals("postgres");
    boolean ndjson = args.length > 3 && args[3].equals("ndjson");
    Result r = run(users, dir, postgres, ndjson);
    System.out.printf(
        "users=%d postgres=%d ndjson=%d stateUsers=%d changed=%d exact=%d plainMillis=%d plainBytes=%d"
            + " maxLiveHeapPlain=%d"
            + " exportMillis1=%d commitMillis1=%d rows1=%d maxLiveHeap1=%d"
            + " exportMillis2=%d commitMillis2=%d rows2=%d maxLiveHeap2=%d"
            + " exportMillis3=%d commitMillis3=%d rows3=%d maxLiveHeap3=%d"
            + " peakHeap=%d stateBytes=%d maxOutBytes=%d partsBytes1=%d samples=%d skippedSamples=%d"
            + " maxHeap=%d outKinds1=%s outKinds2=%s outKinds3=%s%n",
        users,
        postgres ? 1 : 0,
        ndjson ? 1 : 0,
        r.stateUsers,
        r.changed,
        r.exact ? 1 : 0,
        r.plainMillis,
        r.plainBytes,
        r.plainLiveHeap,
        r.runs[0].exportMillis,
        r.runs[0].commitMillis,
        r.runs[0].rows,
        r.runs[0].maxLiveHeap,
        r.runs[1].exportMillis,
        r.runs[1].commitMillis,
        r.runs[1].rows,
        r.runs[1].maxLiveHeap,
        r.runs[2].exportMillis,
        r.runs[2].commitMillis,
        r.runs[2].rows,
        r.runs[2].maxLiveHeap,
        r.peakHeap,
        r.stateBytes,
        r.maxOutBytes,
        r.partsBytes1,
        SAMPLES.get(),
        SKIPPED.get(),
        Runtime.getRuntime().maxMemory(),
        r.runs[0].out.kinds(),
        r.runs[1].out.kinds(),
        r.runs[2].out.kinds());
  }

  /** What one export and its commit took. */
  static final class Run {
    long exportMillis;
    long commitMillis;
    long rows;
    long maxLiveHeap;
    final FolderPeak out = new FolderPeak();
  }

  /**
   * The most an output folder held at one time, and what held it then, by kind of file: the end of
   * its name from the second-to-last dot ({@code table.tmp}, {@code sort.tmp}, {@code tsv.gz}, …).
   */
  static final class FolderPeak {
    private long bytes;
    private Map<String, Long> kinds = Map.of();

    synchronized void sample(Path dir) {
      Map<String, Long> now = bytesByKind(dir);
      if (now == null) {
        return;
      }
      long total = now.values().stream().mapToLong(Long::longValue).sum();
      if (total > bytes) {
        bytes = total;
        kinds = now;
      }
    }

    synchronized long bytes() {
      return bytes;
    }

    /** {@code kind:bytes,…} at the peak, largest first. */
    synchronized String kinds() {
      StringBuilder b = new StringBuilder();
      kinds.entrySet().stream()
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(
              e ->
                  b.append(b.length() == 0 ? "" : ",")
                      .append(e.getKey())
                      .append(':')
                      .append(e.getValue()));
      return b.toString();
    }
  }

  /** What the runs saw. */
  static final class Result {
    final Run[] runs = {new Run(), new Run(), new Run()};
    long plainMillis;
    long plainBytes;
    long plainLiveHeap;
    long stateUsers;
    long changed;
    boolean exact;
    long peakHeap;
    long stateBytes;
    long maxOutBytes;
    long partsBytes1;
  }

  static Result run(long users, Path dir, boolean postgres) throws Exception {
    return run(users, dir, postgres, false);
  }

  /**
   * Runs the probe on users read from memory, or, with {@code ndjson}, from gzipped NDJSON files
   * written first (the users, and the users with every 1000th edited), as an Auth0 export is read.
   */
  static Result run(long users, Path dir, boolean postgres, boolean ndjson) throws Exception {
    Result result = new Result();
    Path out = dir.resolve("out");
    SyntheticUsers synthetic = SyntheticUsers.builder().count(users).seed(11).build();
    Set<String> edited = new HashSet<>();
    Supplier<UserSource> same;
    Supplier<UserSource> changedSource;
    if (ndjson) {
      Files.createDirectories(dir);
      Path base = dir.resolve("users.ndjson.gz");
      Path changedFile = dir.resolve("users-changed.ndjson.gz");
      synthetic.writeNdjson(base, true);
      Iterable<Map<String, Object>> editedUsers = () -> changing(synthetic.iterator(), edited);
      SyntheticUsers.writeNdjson(editedUsers, changedFile, true);
      same = () -> UserSource.open(base);
      changedSource = () -> UserSource.open(changedFile);
    } else {
      same = () -> UserSource.of(synthetic);
      changedSource =
          () ->
              UserSource.of(
                  (Iterable<Map<String, Object>>) () -> changing(synthetic.iterator(), edited));
    }
    EmbeddedPostgres server = postgres ? EmbeddedPostgres.start() : null;
    SyncState state =
        postgres
            ? SyncState.open(server.dataSource(), "probe_")
            : SyncState.open(dir.resolve("state"));
    try {
      // measured as the sync runs are, heap samples included, so that the ratios compare exports
      AtomicLong plainLive = new AtomicLong();
      UserExporter plainExporter = exporter(plainLive, Math.max(1, synthetic.count() / 10));
      System.gc();
      Thread sampler = sampler(plainLive, out, new FolderPeak());
      try {
        long start = System.nanoTime();
        try (UserSource source = same.get()) {
          ExportResult plain = plainExporter.export(source, out.resolve("users.tsv"));
          result.plainBytes = plain.bytesWritten();
        }
        result.plainMillis = (System.nanoTime() - start) / 1_000_000;
      } finally {
        sampler.interrupt();
        sampler.join();
      }
      result.plainLiveHeap = plainLive.get();
      deleteTree(out);
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      long every = Math.max(1, synthetic.count() / 10);
      result.partsBytes1 = sync(same, every, state, out, result.runs[0]).bytesWritten();
      result.stateUsers = state.users();
      sync(same, every, state, out, result.runs[1]);
      ExportResult third = sync(changedSource, every, state, out, result.runs[2]);
      Set<String> changed = edited;
      SyncSummary s = third.sync().orElseThrow();
      result.changed = changed.size();
      Set<String> unwritten = new HashSet<>(changed);
      boolean[] onlyChanged = {true};
      third
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
              && third.rowsWritten() == changed.size()
              && s.changedUsers() == changed.size()
              && s.newUsers() == 0
              && s.absentUsers() == 0
              && s.unchangedUsers() == result.stateUsers - changed.size()
              && state.users() == result.stateUsers
              && result.runs[1].rows == 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          result.peakHeap += pool.getPeakUsage().getUsed();
        }
      }
      result.stateBytes = postgres ? postgresBytes(server) : bytesIn(dir.resolve("state"));
      for (Run run : result.runs) {
        result.maxOutBytes = Math.max(result.maxOutBytes, run.out.bytes());
      }
    } finally {
      state.close();
      if (server != null) {
        server.close();
      }
      deleteTree(out);
      deleteTree(dir.resolve("state"));
      Files.deleteIfExists(dir.resolve("users.ndjson.gz"));
      Files.deleteIfExists(dir.resolve("users-changed.ndjson.gz"));
    }
    return result;
  }

  private static long postgresBytes(EmbeddedPostgres server) throws Exception {
    try (java.sql.Connection c = server.dataSource().getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "SELECT pg_total_relation_size('probe_users') + pg_total_relation_size('probe_meta')"
                    + " + pg_total_relation_size('probe_lease')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static UserExporter exporter(AtomicLong live, long every) {
    long[] sampledTenth = {0};
    UserExporter.Builder b =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000);
    if (live != null) {
      b.listener(
          p -> {
            long tenth = p.entriesRead() / every;
            if (tenth > sampledTenth[0]) { // once per tenth of the users read
              sampledTenth[0] = tenth;
              sampleLiveHeap(live);
            }
          });
    }
    return b.build();
  }

  /** Exports the users of a source against the state and commits, measuring both. */
  private static ExportResult sync(
      Supplier<UserSource> users, long every, SyncState state, Path out, Run run) throws Exception {
    AtomicLong live = new AtomicLong();
    UserExporter exporter = exporter(live, every);
    deleteTree(out); // the last run's parts are not this run's: the folder holds only what it makes
    System.gc();
    Thread sampler = sampler(live, out, run.out);
    ExportResult export;
    try {
      long start = System.nanoTime();
      try (UserSource source = users.get()) {
        export = exporter.export(source, out.resolve("users.tsv"), state);
      }
      long exported = System.nanoTime();
      run.out.sample(out);
      state.commit(export, ImportConfirmation.all());
      long committed = System.nanoTime();
      run.exportMillis = (exported - start) / 1_000_000;
      run.commitMillis = (committed - exported) / 1_000_000;
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    sampleLiveHeap(live);
    run.maxLiveHeap = live.get();
    run.rows = export.rowsWritten();
    return export;
  }

  /**
   * Starts a thread that samples the live heap every two seconds and what the output folder holds
   * four times a second, until interrupted.
   */
  private static Thread sampler(AtomicLong live, Path out, FolderPeak peak) {
    Thread sampler =
        new Thread(
            () -> {
              try {
                for (long tick = 1; ; tick++) {
                  Thread.sleep(SAMPLE_MILLIS);
                  if (tick % HEAP_EVERY == 0) {
                    sampleLiveHeap(live);
                  }
                  peak.sample(out);
                }
              } catch (InterruptedException e) {
                // the run is over
              }
            },
            "sync-probe-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return sampler;
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
    Map<String, Long> kinds = bytesByKind(dir);
    return kinds == null ? 0 : kinds.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The bytes of the files under a folder by kind (the end of the name from its second-to-last
   * dot); files deleted while it is walked are skipped; {@code null} if the folder vanished.
   */
  static Map<String, Long> bytesByKind(Path dir) {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return kinds;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        long size;
        try {
          size = Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
          continue; // deleted while the folder was walked
        }
        String name = p.getFileName().toString();
        int last = name.lastIndexOf('.');
        int kind = last > 0 ? name.lastIndexOf('.', last - 1) : -1;
        kinds.merge(kind >= 0 ? name.substring(kind + 1) : name, size, Long::sum);
      }
      return kinds;
    } catch (IOException | UncheckedIOException e) {
      return null; // a folder vanished mid-walk; the next sample counts it
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
