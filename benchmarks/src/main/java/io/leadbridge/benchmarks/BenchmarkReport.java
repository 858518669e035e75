package io.leadbridge.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark and prints the figures as a Markdown table, each as a ratio to its target,
 * with the machine it ran on.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar            # the full run (several minutes)
 * java -jar benchmarks/target/benchmarks.jar --quick    # a one-iteration smoke run on small data
 * java -jar benchmarks/target/benchmarks.jar --sync     # the sync state figure alone
 * java -jar benchmarks/target/benchmarks.jar --marketo  # the Marketo import figures alone
 * </pre>
 */
public final class BenchmarkReport {
  private BenchmarkReport() {}

  /** What a run is asked to do. */
  static final class Settings {
    int exportUsers = 1_000_000;
    int warmups = 2;
    int iterations = 5;
    int forks = 1;
    long smallMemoryUsers = 100_000;
    long largeMemoryUsers = 2_000_000;
    String memoryHeap = "-Xmx64m";
    int marketoUsers = 1_000_000;
    int marketoRowsPerSecond = 5_000;
    int predictionUsers = 150_000;
    long marketoPartBytes = 6_000_000;
    long uploadBytes = 9_500_000;
    String uploadHeap = "-Xmx32m";
    long smallSyncUsers = 1_000_000;
    long largeSyncUsers = 10_000_000;
    String syncHeap = "-Xmx32m";

    static Settings quick() {
      Settings s = new Settings();
      s.exportUsers = 5_000;
      s.warmups = 0;
      s.iterations = 1;
      s.forks = 0;
      s.smallMemoryUsers = 2_000;
      s.largeMemoryUsers = 10_000;
      s.marketoUsers = 20_000;
      s.marketoRowsPerSecond = 1_000;
      s.marketoPartBytes = 150_000;
      s.predictionUsers = 5_000;
      s.smallSyncUsers = 2_000;
      s.largeSyncUsers = 5_000;
      return s;
    }
  }

  /**
   * Runs the report.
   *
   * @param args {@code --quick} for a smoke run, {@code --sync} for the sync state figure alone,
   *     {@code --marketo} for the Marketo import figures alone (efficiency, value prediction)
   * @throws Exception if a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    Settings settings = List.of(args).contains("--quick") ? Settings.quick() : new Settings();
    List<String> lines =
        List.of(args).contains("--sync")
            ? runSync(settings)
            : List.of(args).contains("--marketo") ? runMarketo(settings) : run(settings);
    lines.forEach(System.out::println);
  }

  static List<String> run(Settings s) throws RunnerException, IOException, InterruptedException {
    List<String> out = tableStart();
    Map<String, Double> export = export(s);
    double leadbridge = export.get("leadbridge");
    double floor = export.get("floor");
    double ratio = leadbridge / floor;
    out.add(
        String.format(
            Locale.ROOT,
            "| export throughput, %,d users, NDJSON to TSV | Leadbridge %,.0f users/s, floor %,.0f"
                + " users/s: %.2f × floor | ≥ 0.80 × floor | %s |",
            s.exportUsers,
            leadbridge,
            floor,
            ratio,
            ratio >= 0.8 ? "met" : "NOT met"));
    long[] small = memory(s, s.smallMemoryUsers);
    long[] large = memory(s, s.largeMemoryUsers);
    double growth = (double) large[1] / Math.max(1, small[1]);
    out.add(
        String.format(
            Locale.ROOT,
            "| live heap while exporting (%s) | %,d users: %.1f MB; %,d users: %.1f MB (%.2f ×"
                + " for %.0f × the users); peak %.1f MB | finishes; same order for 20 × the users;"
                + " well under 256 MB | %s |",
            s.memoryHeap,
            s.smallMemoryUsers,
            mb(small[1]),
            s.largeMemoryUsers,
            mb(large[1]),
            growth,
            (double) s.largeMemoryUsers / s.smallMemoryUsers,
            mb(Math.max(small[0], large[0])),
            growth < 5 && large[0] < 256L << 20 ? "met" : "NOT met"));
    out.add(syncRow(s, sync(s, s.smallSyncUsers), sync(s, s.largeSyncUsers)));
    Path dir = Files.createTempDirectory("leadbridge-marketo-bench");
    try {
      MarketoImportProbe.Result m =
          MarketoImportProbe.run(s.marketoUsers, s.marketoRowsPerSecond, s.marketoPartBytes, dir);
      out.add(marketoRow(s, m));
      out.add(ValuePredictionProbe.row(ValuePredictionProbe.run(s.predictionUsers, dir)));
      long[] upload = upload(s, dir);
      out.add(
          String.format(
              Locale.ROOT,
              "| upload of a %.1f MB part (%s) | finished; peak heap %.1f MB of %.1f MB | finishes"
                  + " under a 32 MB heap | %s |",
              s.uploadBytes / 1e6,
              s.uploadHeap,
              mb(upload[0]),
              mb(upload[1]),
              upload[0] > 0 ? "met" : "NOT met"));
    } finally {
      deleteTree(dir);
    }
    return out;
  }

  /** The Marketo import row: time against the ideal, calls against the minimum. */
  static String marketoRow(Settings s, MarketoImportProbe.Result m) {
    return String.format(
        Locale.ROOT,
        "| Marketo import, %,d users in %d parts, 2 jobs at %,d rows/s | %,d s in Marketo's time"
            + " against an ideal of %,d s: %.3f ×; %d API calls against a minimum of %d: %.2f ×"
            + " (%d status polls, %d uploads, %d tokens, %d field description, %d usage read, %d"
            + " files); %,d leads stored; %.1f s of real time | ≤ 1.05 × ideal; ≤ 1.5 × the minimum"
            + " calls | %s |",
        m.users(),
        m.parts(),
        s.marketoRowsPerSecond,
        m.elapsed().toSeconds(),
        m.ideal().toSeconds(),
        m.ratio(),
        m.calls(),
        m.minimumCalls(),
        m.callRatio(),
        m.byKind().statusPolls(),
        m.byKind().uploads(),
        m.byKind().tokens(),
        m.byKind().fieldDescriptions(),
        m.byKind().usage(),
        m.byKind().files(),
        m.leads(),
        m.realTime().toMillis() / 1000.0,
        m.met() ? "met" : "NOT met");
  }

  /** Uploads a part from a JVM with a small heap; returns {peak heap, max heap}. */
  static long[] upload(Settings s, Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("part.tsv");
    try (java.io.BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("email\tfirstName\tlastName\r\n");
      long written = 28;
      for (int i = 0; written < s.uploadBytes - 100; i++) {
        String row = "user" + i + "@example.com\tGiven" + i + "\tFamily name " + i + "\r\n";
        w.write(row);
        written += row.length();
      }
    }
    try (io.leadbridge.testkit.MarketoEmulator marketo =
        io.leadbridge.testkit.MarketoEmulator.builder().start()) {
      String result =
          child(
              s.uploadHeap,
              UploadMemoryProbe.class.getName(),
              marketo.endpoint().toString(),
              marketo.clientId(),
              marketo.clientSecret(),
              file.toString());
      if (marketo.acceptedUploads() != 1) {
        throw new IllegalStateException("The emulator did not accept the upload: " + result);
      }
      return new long[] {field(result, "peakHeap"), field(result, "maxHeap")};
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static double mb(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }

  static Map<String, Double> export(Settings s) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(ExportBenchmark.class.getName() + "\\.")
            .param("users", Integer.toString(s.exportUsers))
            .warmupIterations(s.warmups)
            .measurementIterations(s.iterations)
            .forks(s.forks)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Double> usersPerSecond = new TreeMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String method = name.substring(name.lastIndexOf('.') + 1);
      double millis = r.getPrimaryResult().getScore();
      usersPerSecond.put(method, s.exportUsers / (millis / 1000.0));
    }
    return usersPerSecond;
  }

  /** Runs {@link MemoryProbe} in its own JVM; returns {peak heap, max live heap}. */
  static long[] memory(Settings s, long users) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("leadbridge-mem");
    try {
      String result =
          child(s.memoryHeap, MemoryProbe.class.getName(), Long.toString(users), dir.toString());
      return new long[] {field(result, "peakHeap"), field(result, "maxLiveHeap")};
    } finally {
      deleteTree(dir);
    }
  }

  static List<String> runMarketo(Settings s) throws IOException {
    List<String> out = tableStart();
    Path dir = Files.createTempDirectory("leadbridge-marketo-bench");
    try {
      out.add(
          marketoRow(
              s,
              MarketoImportProbe.run(
                  s.marketoUsers, s.marketoRowsPerSecond, s.marketoPartBytes, dir)));
      out.add(ValuePredictionProbe.row(ValuePredictionProbe.run(s.predictionUsers, dir)));
    } finally {
      deleteTree(dir);
    }
    return out;
  }

  static List<String> runSync(Settings s) throws IOException, InterruptedException {
    List<String> out = tableStart();
    out.add(syncRow(s, sync(s, s.smallSyncUsers), sync(s, s.largeSyncUsers)));
    return out;
  }

  private static List<String> tableStart() {
    List<String> out = new ArrayList<>();
    out.add("Machine: " + machine());
    out.add("");
    out.add("| figure | measured | target | verdict |");
    out.add("|---|---|---|---|");
    return out;
  }

  /** Runs {@link SyncProbe} in its own JVM; returns the figures of its result line by name. */
  static Map<String, Long> sync(Settings s, long users) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("leadbridge-sync");
    try {
      return fields(
          child(s.syncHeap, SyncProbe.class.getName(), Long.toString(users), dir.toString()));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The sync row: the state's size against 400 MB for 10,000,000 users (scaled by bytes per user
   * for smaller runs), the live heap of the larger run against the smaller, and whether the second
   * run wrote exactly the changed users.
   */
  static String syncRow(Settings s, Map<String, Long> small, Map<String, Long> large) {
    long users = large.get("users");
    long state = large.get("stateBytes2");
    double perUser = (double) state / users;
    long smallLive = Math.max(small.get("maxLiveHeap1"), small.get("maxLiveHeap2"));
    long largeLive = Math.max(large.get("maxLiveHeap1"), large.get("maxLiveHeap2"));
    double growth = (double) largeLive / Math.max(1, smallLive);
    boolean exact = small.get("exact") == 1 && large.get("exact") == 1;
    boolean met = perUser * 10_000_000 <= 400e6 && growth < 2 && exact;
    return String.format(
        Locale.ROOT,
        "| sync state, %,d users (%s, default 32 MB sort buffer) | state %.1f MB on disk after"
            + " commit, %.1f bytes per user (%,d users kept; %,d without an email rejected by the"
            + " mapping); run 1, everyone new: export %.1f s (%,.0f users/s), %,d rows, commit"
            + " %.1f s; run 2, %,d changed: export %.1f s (%,.0f users/s), %,d rows, %s, commit"
            + " %.1f s; live heap %,d users: %.1f MB, %,d users: %.1f MB (%.2f × for %.0f × the"
            + " users); pool peaks %.1f MB; working directory up to %.1f GB | state ≤ 400 MB for 10,000,000 users; finishes under"
            + " the cap; live heap under 2 × for 10 × the users; run 2 writes exactly the changed"
            + " users | %s |",
        users,
        s.syncHeap,
        state / 1e6,
        perUser,
        large.get("stateUsers"),
        users - large.get("stateUsers"),
        large.get("exportMillis1") / 1000.0,
        users * 1000.0 / Math.max(1, large.get("exportMillis1")),
        large.get("rows1"),
        large.get("commitMillis1") / 1000.0,
        large.get("changed"),
        large.get("exportMillis2") / 1000.0,
        users * 1000.0 / Math.max(1, large.get("exportMillis2")),
        large.get("rows2"),
        exact ? "exactly the changed users" : "NOT exactly the changed users",
        large.get("commitMillis2") / 1000.0,
        small.get("users"),
        mb(smallLive),
        users,
        mb(largeLive),
        growth,
        (double) users / small.get("users"),
        mb(Math.max(large.get("peakHeap1"), large.get("peakHeap2"))),
        large.get("maxDiskBytes") / 1e9,
        met ? "met" : "NOT met");
  }

  /** Runs a probe's main class in its own JVM with a heap limit; returns its last output line. */
  static String child(String heap, String mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String last = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
        if (line.contains("=")) {
          last = line;
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || last == null) {
      throw new IllegalStateException(
          mainClass + " " + String.join(" ", args) + " failed (exit " + exit + "):\n" + all);
    }
    return last;
  }

  /** Every {@code name=number} of a probe's result line. */
  static Map<String, Long> fields(String line) {
    Map<String, Long> fields = new TreeMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
      }
    }
    return fields;
  }

  private static long field(String line, String name) {
    for (String part : line.split(" ")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new IllegalStateException("no " + name + " in " + line);
  }

  static String machine() {
    return String.format(
        Locale.ROOT,
        "%d cores, %s %s, %s %s, max heap of this JVM %d MB",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
