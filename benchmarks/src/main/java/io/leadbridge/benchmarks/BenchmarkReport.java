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
    String syncHeap = "-Xmx64m";

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
    out.addAll(syncRows(s));
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
    out.addAll(syncRows(s));
    return out;
  }

  /** The sync rows: the embedded store, then PostgreSQL, each at both sizes. */
  static List<String> syncRows(Settings s) throws IOException, InterruptedException {
    List<String> rows = new ArrayList<>();
    for (String store : List.of("embedded", "postgres")) {
      rows.add(
          syncRow(s, store, sync(s, s.smallSyncUsers, store), sync(s, s.largeSyncUsers, store)));
    }
    return rows;
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
  static Map<String, Long> sync(Settings s, long users, String store)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("leadbridge-sync");
    try {
      return fields(
          child(
              s.syncHeap, SyncProbe.class.getName(), Long.toString(users), dir.toString(), store));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * A sync row: for one store, the sync runs' times against the plain export's at both sizes
   * (nothing changed at most 0.8 ×, everyone new at most 1.3 ×, 0.1 % changed within 10 % of
   * nothing changed; each export with its commit), the export folder's peak against the parts plus
   * the state, the live heap of the larger run against the smaller, the state's size per user, and
   * whether run 3 wrote exactly the changed users.
   */
  static String syncRow(
      Settings s, String store, Map<String, Long> small, Map<String, Long> large) {
    StringBuilder measured = new StringBuilder();
    boolean met = true;
    for (Map<String, Long> r : List.of(small, large)) {
      double plain = Math.max(1, r.get("plainMillis"));
      double all1 = r.get("exportMillis1") + r.get("commitMillis1");
      double all2 = r.get("exportMillis2") + r.get("commitMillis2");
      double all3 = r.get("exportMillis3") + r.get("commitMillis3");
      double nothing = all2 / plain;
      double everyone = all1 / plain;
      double someChanged = all3 / Math.max(1, all2);
      long disk = r.get("maxOutBytes");
      long budget = r.get("partsBytes1") + r.get("stateBytes");
      met &= nothing <= 0.8 && everyone <= 1.3 && someChanged <= 1.1 && disk <= budget;
      measured.append(
          String.format(
              Locale.ROOT,
              "%,d users: plain export %.1f s; everyone new %.1f s + commit %.1f s = %.2f ×;"
                  + " nothing changed %.1f s + commit %.1f s = %.2f ×; 0.1 %% changed (%,d rows)"
                  + " %.1f s + commit %.1f s = %.2f × nothing changed; export folder up to %.0f MB"
                  + " against parts %.0f MB + state %.0f MB; state %.1f bytes per user kept"
                  + " (%,d); ",
              r.get("users"),
              plain / 1000,
              r.get("exportMillis1") / 1000.0,
              r.get("commitMillis1") / 1000.0,
              everyone,
              r.get("exportMillis2") / 1000.0,
              r.get("commitMillis2") / 1000.0,
              nothing,
              r.get("rows3"),
              r.get("exportMillis3") / 1000.0,
              r.get("commitMillis3") / 1000.0,
              someChanged,
              disk / 1e6,
              r.get("partsBytes1") / 1e6,
              r.get("stateBytes") / 1e6,
              (double) r.get("stateBytes") / Math.max(1, r.get("stateUsers")),
              r.get("stateUsers")));
    }
    long smallLive = maxLive(small);
    long largeLive = maxLive(large);
    double growth = (double) largeLive / Math.max(1, smallLive);
    boolean exact = small.get("exact") == 1 && large.get("exact") == 1;
    met &= growth < 2 && exact;
    measured.append(
        String.format(
            Locale.ROOT,
            "live heap %.1f MB then %.1f MB (%.2f × for %.0f × the users); pool peaks %.1f MB;"
                + " run 3 wrote %s",
            mb(smallLive),
            mb(largeLive),
            growth,
            (double) large.get("users") / small.get("users"),
            mb(Math.max(small.get("peakHeap"), large.get("peakHeap"))),
            exact ? "exactly the changed users" : "NOT exactly the changed users"));
    return String.format(
        Locale.ROOT,
        "| sync, %s store (%s) | %s | nothing changed ≤ 0.8 × plain export; everyone new ≤ 1.3 ×;"
            + " 0.1 %% changed ≤ 1.1 × nothing changed; export folder ≤ parts + state; live heap"
            + " flat | %s |",
        store,
        s.syncHeap,
        measured,
        met ? "met" : "NOT met");
  }

  private static long maxLive(Map<String, Long> r) {
    return Math.max(r.get("maxLiveHeap1"), Math.max(r.get("maxLiveHeap2"), r.get("maxLiveHeap3")));
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

  /** Every {@code name=number} of a probe's result line; other figures are left out. */
  static Map<String, Long> fields(String line) {
    Map<String, Long> fields = new TreeMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(eq + 1).matches("-?[0-9]+")) {
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
