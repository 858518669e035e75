package io.leadbridge.benchmarks;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.marketo.ImportCalls;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Marketo import efficiency: {@code importAndAwait} of N users into the emulator importing at a
 * fixed rows-per-second with 2 jobs at a time, on a shared manual clock, so the time measured is
 * the import's own time in Marketo's terms, not this machine's speed. Compares it with the ideal
 * (all rows ÷ (2 × rate) + one poll interval; target at most 1.05 ×) and counts the API calls
 * against the minimum (a token, the field description, the usage read of the quota check, one
 * upload and one final poll per part, the failure and warning files of the parts that have them;
 * target at most 1.5 ×).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.leadbridge.benchmarks.MarketoImportProbe 1000000 5000 6000000
 * </pre>
 */
public final class MarketoImportProbe {
  private MarketoImportProbe() {}

  /** What one run saw. */
  record Result(
      long users,
      int parts,
      Duration elapsed,
      Duration ideal,
      long calls,
      long minimumCalls,
      ImportCalls byKind,
      long leads,
      Duration realTime) {
    double ratio() {
      return (double) elapsed.toMillis() / ideal.toMillis();
    }

    double callRatio() {
      return (double) calls / minimumCalls;
    }

    boolean met() {
      return ratio() <= 1.05 && callRatio() <= 1.5 && leads == users;
    }
  }

  static Result run(int users, int rowsPerSecond, long partBytes, Path dir) {
    List<Map<String, Object>> people = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", "user" + i + "@example.com");
      u.put("given_name", "Given" + i);
      u.put("family_name", "Family" + i);
      people.add(u);
    }
    ExportResult export =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults())
            .format(CsvFormat.TSV)
            .maxFileBytes(partBytes)
            .build()
            .export(UserSource.of(people), dir.resolve("users.tsv"));
    people.clear();
    ManualClock clock = ManualClock.create();
    long realStart = System.nanoTime();
    try (MarketoEmulator marketo =
        MarketoEmulator.builder().rowsPerSecond(rowsPerSecond).clock(clock).start()) {
      MarketoBulkLeadClient client =
          MarketoBulkLeadClient.builder()
              .endpoint(marketo.endpoint())
              .clientId(marketo.clientId())
              .clientSecret(marketo.clientSecret())
              .clock(clock)
              .sleeper(clock.sleeper())
              .build();
      ImportReport report =
          client.importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
      Duration poll = Duration.ofSeconds(5);
      Duration ideal = Duration.ofMillis(users * 1000L / (2L * rowsPerSecond)).plus(poll);
      long withIssues =
          report.batches().stream().filter(b -> b.rowsFailed() > 0).count()
              + report.batches().stream().filter(b -> b.rowsWithWarning() > 0).count();
      long minimum = 3 + 2L * report.batches().size() + withIssues;
      return new Result(
          users,
          report.batches().size(),
          report.elapsed(),
          ideal,
          report.calls(),
          minimum,
          report.callsByKind(),
          marketo.leads().size(),
          Duration.ofNanos(System.nanoTime() - realStart));
    }
  }

  /**
   * Runs the probe.
   *
   * @param args users, rows per second, part size in bytes
   * @throws Exception if the import fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("leadbridge-marketo-bench");
    Result r =
        run(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]), dir);
    System.out.println(r);
  }
}
