package io.leadbridge.benchmarks;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.ValueFinding;
import io.leadbridge.marketo.ValueReport;
import io.leadbridge.marketo.ValueRule;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Predicted against actual failures and warnings: N {@link SyntheticUsers} (seed 11) exported into
 * typed lead fields, with known dirt injected (one user in 997 has a login count that is not a
 * number, one in 991 a creation date in US format, one in 1,009 an email without a top-level
 * domain, one in 1,013 a website without its protocol), checked with {@code checkValues} and then
 * imported into {@code MarketoEmulator} with every row sent, so that the emulator's own rules
 * decide. Compares, user by user, the rows predicted to fail with the rows the emulator failed, and
 * the rows predicted to be changed with the rows it warned about. The company field is 20
 * characters long, so that some companies are truncated, as on the strict instance of the issue.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.leadbridge.benchmarks.ValuePredictionProbe 150000
 * </pre>
 */
public final class ValuePredictionProbe {
  private ValuePredictionProbe() {}

  static final List<Field> FIELDS =
      List.of(
          new Field("id", "Id", "integer", 0, false),
          new Field("email", "Email Address", "email", 255, true),
          new Field("firstName", "First Name", "string", 255, true),
          new Field("lastName", "Last Name", "string", 255, true),
          new Field("phone", "Phone Number", "phone", 255, true),
          new Field("company", "Company Name", "string", 20, true),
          new Field("auth0CreatedAt", "Auth0 Created At", "datetime", 0, true),
          new Field("loginsCount", "Logins", "integer", 0, true),
          new Field("emailVerified", "Email Verified", "boolean", 0, true),
          new Field("website", "Website", "url", 255, true),
          new Field("plan", "Plan", "string", 10, true),
          new Field("notes", "Notes", "text", 0, true));

  static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .column("family_name", "lastName")
          .column("phone_number", "phone")
          .column("user_metadata.company", "company")
          .column("created_at", "auth0CreatedAt")
          .column("logins_count", "loginsCount")
          .column("email_verified", "emailVerified")
          .column("picture", "website")
          .column("user_metadata.plan", "plan")
          .column("user_metadata.notes", "notes")
          .required("email")
          .build();

  /**
   * What one run saw.
   *
   * @param users users generated
   * @param rows rows exported (users with an email)
   * @param predictedRejected rows predicted to fail
   * @param failed rows the emulator failed
   * @param rejectedBoth rows in both
   * @param predictedWarned rows predicted to be changed
   * @param warned rows the emulator warned about
   * @param warnedBoth rows in both
   * @param byRule findings by column and rule
   */
  record Result(
      long users,
      long rows,
      long predictedRejected,
      long failed,
      long rejectedBoth,
      long predictedWarned,
      long warned,
      long warnedBoth,
      Map<String, Map<ValueRule, Long>> byRule) {
    boolean exact() {
      return predictedRejected == failed
          && failed == rejectedBoth
          && predictedWarned == warned
          && warned == warnedBoth;
    }
  }

  /** The users, with the dirt injected. */
  static Iterable<Map<String, Object>> users(int count) {
    SyntheticUsers users = SyntheticUsers.builder().count(count).seed(11).build();
    return () ->
        new Iterator<>() {
          private final Iterator<Map<String, Object>> it = users.iterator();
          private int i;

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map<String, Object> next() {
            Map<String, Object> u = it.next();
            int n = i++;
            if (n % 997 == 3) {
              u.put("logins_count", "n/a");
            }
            if (n % 991 == 5) {
              u.put("created_at", "05/07/2019");
            }
            if (n % 1009 == 7 && u.get("email") instanceof String) {
              String email = (String) u.get("email");
              u.put("email", email.substring(0, email.lastIndexOf('.')));
            }
            if (n % 1013 == 9) {
              u.put("picture", "s.gravatar.com/avatar/" + n);
            }
            return u;
          }
        };
  }

  static Result run(int count, Path dir) {
    ExportResult export =
        UserExporter.builder()
            .mapping(MAPPING)
            .format(CsvFormat.TSV)
            .maxFileBytes(9_500_000)
            .build()
            .export(UserSource.of(users(count)), dir.resolve("users.tsv"));
    ManualClock clock = ManualClock.create();
    try (MarketoEmulator marketo =
        MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(20_000).clock(clock).start()) {
      MarketoBulkLeadClient client =
          MarketoBulkLeadClient.builder()
              .endpoint(marketo.endpoint())
              .clientId(marketo.clientId())
              .clientSecret(marketo.clientSecret())
              .clock(clock)
              .sleeper(clock.sleeper())
              .build();
      ImportOptions sendAll =
          ImportOptions.builder()
              .format(CsvFormat.TSV)
              .rejectedRows(ImportOptions.RowPolicy.SEND)
              .warnedRows(ImportOptions.RowPolicy.SEND)
              .build();
      ValueReport prediction = client.checkValues(export, sendAll);
      if (prediction.findingsTruncated()) {
        throw new IllegalStateException("More findings than a report holds; use fewer users.");
      }
      ImportReport outcome = client.importAndAwait(export, sendAll);
      Map<String, Boolean> predicted = new HashMap<>();
      for (ValueFinding f : prediction.findings()) {
        predicted.merge(
            f.userId(), f.severity() == ValueRule.Severity.REJECTION, Boolean::logicalOr);
      }
      Set<String> rejected = new HashSet<>();
      Set<String> warnedRows = new HashSet<>();
      predicted.forEach((user, rejection) -> (rejection ? rejected : warnedRows).add(user));
      Set<String> failed = new HashSet<>();
      outcome.failures().forEach(f -> failed.addAll(f.userIds()));
      Set<String> warned = new HashSet<>();
      outcome.warnings().forEach(w -> warned.addAll(w.userIds()));
      Set<String> rejectedBoth = new HashSet<>(rejected);
      rejectedBoth.retainAll(failed);
      Set<String> warnedBoth = new HashSet<>(warnedRows);
      warnedBoth.retainAll(warned);
      if (outcome.rowsFailed() != failed.size() || outcome.rowsWithWarning() != warned.size()) {
        throw new IllegalStateException("Rows the emulator failed or warned could not be traced.");
      }
      return new Result(
          count,
          export.rowsWritten(),
          rejected.size(),
          failed.size(),
          rejectedBoth.size(),
          warnedRows.size(),
          warned.size(),
          warnedBoth.size(),
          new TreeMap<>(prediction.counts()));
    }
  }

  /** The report row. */
  static String row(Result r) {
    StringBuilder rules = new StringBuilder();
    r.byRule()
        .forEach(
            (column, m) ->
                m.forEach(
                    (rule, n) ->
                        rules
                            .append(rules.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %s %,d", column, rule, n))));
    return String.format(
        Locale.ROOT,
        "| value prediction, %,d users (%,d rows) into typed fields, every row sent |"
            + " rejections: %,d predicted, %,d failed by the emulator, %,d both; warnings: %,d"
            + " predicted, %,d warned by the emulator, %,d both; findings: %s | predicted ="
            + " actual, user by user | %s |",
        r.users(),
        r.rows(),
        r.predictedRejected(),
        r.failed(),
        r.rejectedBoth(),
        r.predictedWarned(),
        r.warned(),
        r.warnedBoth(),
        rules,
        r.exact() ? "met" : "NOT met");
  }

  /**
   * Runs the probe.
   *
   * @param args the number of users, 150,000 by default
   * @throws Exception if the import fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("leadbridge-values");
    try {
      System.out.println(row(run(args.length > 0 ? Integer.parseInt(args[0]) : 150_000, dir)));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
