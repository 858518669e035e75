package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import io.leadbridge.testkit.MarketoEmulator.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every value checked before the upload: reported, left out, stopped, and as Marketo does. */
class ValueCheckTest {
  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private MarketoEmulator marketo;

  /** Fields of every data type, some short enough to truncate. */
  static final List<Field> FIELDS =
      List.of(
          new Field("id", "Id", "integer", 0, false),
          new Field("email", "Email Address", "email", 255, true),
          new Field("firstName", "First Name", "string", 255, true),
          new Field("company", "Company Name", "string", 20, true),
          new Field("phone", "Phone Number", "phone", 20, true),
          new Field("loginsCount", "Logins", "integer", 0, true),
          new Field("leadScore", "Score", "score", 0, true),
          new Field("discount", "Discount", "percent", 0, true),
          new Field("revenue", "Revenue", "currency", 0, true),
          new Field("rating", "Rating", "float", 0, true),
          new Field("verified", "Verified", "boolean", 0, true),
          new Field("renewalDate", "Renewal", "date", 0, true),
          new Field("lastLoginAt", "Last Login", "datetime", 0, true),
          new Field("website", "Website", "url", 40, true),
          new Field("notes", "Notes", "text", 0, true));

  /** For each column: values that pass, then values that break a rule. */
  static final Map<String, String[]> POOLS = new LinkedHashMap<>();

  static {
    POOLS.put("given_name", new String[] {"Ann", "Zoë", "𝓐manda", "G".repeat(256)});
    POOLS.put("company", new String[] {"Acme", "Plain Company", "Ünïcödé Ωmega 株式会社 GmbH"});
    POOLS.put(
        "phone", new String[] {"+1 555 010 2030", "+49 (30) 123456", "+1 555 010 2030 x 1234"});
    POOLS.put("logins", new String[] {"0", "42", "-7", "4.0", "many", "9223372036854775808"});
    POOLS.put("score", new String[] {"10", "ten"});
    POOLS.put("discount", new String[] {"30", "30%"});
    POOLS.put("revenue", new String[] {"10.40", "1000", "$10.40", "1,000.00"});
    POOLS.put("rating", new String[] {"4.5", ".5", "6.02E23", "NaN", "4,5"});
    POOLS.put("verified", new String[] {"true", "FALSE", "1", "yes"});
    POOLS.put(
        "renewal",
        new String[] {
          "2026-05-07", "2024-02-29", "2023-02-29", "05/07/2026", "2026-05-07T10:00:00Z"
        });
    POOLS.put(
        "lastLogin",
        new String[] {
          "2026-05-07T15:41:32Z",
          "2026-05-07T15:41:32.123+02:00",
          "2026-05-07T15:41:32",
          "2026-05-07",
          "2026-05-07 15:41:32",
          "1273246892"
        });
    POOLS.put(
        "website",
        new String[] {
          "https://example.com/",
          "mailto:sales@example.com",
          "example.com",
          "https://example.com/" + "a".repeat(30)
        });
    POOLS.put("notes", new String[] {"likes \"quotes\", commas", "multi\nline", "", "tab\there"});
  }

  static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .column("meta.company", "company")
          .column("meta.phone", "phone")
          .column("meta.logins", "loginsCount")
          .column("meta.score", "leadScore")
          .column("meta.discount", "discount")
          .column("meta.revenue", "revenue")
          .column("meta.rating", "rating")
          .column("meta.verified", "verified")
          .column("meta.renewal", "renewalDate")
          .column("meta.lastLogin", "lastLoginAt")
          .column("meta.website", "website")
          .column("meta.notes", "notes")
          .build();

  /** A user whose values are picked from the pools by index; every 97th has a broken email. */
  static Map<String, Object> user(int i) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", "auth0|" + i);
    u.put("email", i % 97 == 5 ? "broken-" + i + "@example..com" : "user" + i + "@example.com");
    u.put("given_name", pick("given_name", i, 3));
    Map<String, Object> meta = new LinkedHashMap<>();
    int prime = 5;
    for (String key : POOLS.keySet()) {
      if (!key.equals("given_name")) {
        meta.put(key, pick(key, i, prime));
        prime += 2;
      }
    }
    if (i % 50 == 1) {
      meta.put("notes", "é".repeat(15_001)); // 30,002 bytes: over a text area's 30,000
    }
    u.put("meta", meta);
    return u;
  }

  private static String pick(String key, int i, int prime) {
    String[] pool = POOLS.get(key);
    return pool[(int) ((i * (long) prime + i / 7) % pool.length)];
  }

  @AfterEach
  void stop() {
    if (marketo != null) {
      marketo.close();
    }
  }

  private MarketoBulkLeadClient client() {
    return MarketoBulkLeadClient.builder()
        .endpoint(marketo.endpoint())
        .clientId(marketo.clientId())
        .clientSecret(marketo.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .build();
  }

  /** Strings only: rows fail for their email alone, and warn for long names and companies. */
  static final FieldMapping FEW_TYPES =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .column("meta.company", "company")
          .column("meta.phone", "phone")
          .build();

  private ExportResult export(int n, long maxFileBytes) {
    return export(n, maxFileBytes, MAPPING);
  }

  private ExportResult export(int n, long maxFileBytes, FieldMapping mapping) {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(user(i));
    }
    return UserExporter.builder()
        .mapping(mapping)
        .format(CsvFormat.TSV)
        .maxFileBytes(maxFileBytes)
        .build()
        .export(UserSource.of(users), dir.resolve("users.tsv"));
  }

  private static ImportOptions.Builder options() {
    return ImportOptions.builder().format(CsvFormat.TSV);
  }

  private static Set<String> users(List<ImportReport.RowIssue> issues) {
    Set<String> out = new HashSet<>();
    issues.forEach(i -> out.addAll(i.userIds()));
    return out;
  }

  private static Set<String> predicted(ValueReport r, ValueRule.Severity severity) {
    Map<String, Boolean> rejected = new LinkedHashMap<>();
    for (ValueFinding f : r.findings()) {
      rejected.merge(f.userId(), f.severity() == ValueRule.Severity.REJECTION, Boolean::logicalOr);
    }
    return rejected.entrySet().stream()
        .filter(e -> e.getValue() == (severity == ValueRule.Severity.REJECTION))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  @Test
  void thePredictionMatchesWhatTheEmulatorFailsAndWarnsOnEveryDataType() {
    marketo = MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(20_000).clock(clock).start();
    ExportResult export = export(1_200, 300_000);
    MarketoBulkLeadClient client = client();
    ImportOptions sendAll =
        options()
            .rejectedRows(ImportOptions.RowPolicy.SEND)
            .warnedRows(ImportOptions.RowPolicy.SEND)
            .build();

    ValueReport prediction = client.checkValues(export, sendAll);
    ImportReport outcome = client.importAndAwait(export, sendAll);

    assertThat(prediction.findingsTruncated()).isFalse();
    assertThat(prediction.rowsChecked()).isEqualTo(1_200);
    assertThat(prediction.rowsLeftOut()).isZero();
    assertThat(prediction.rowsRejected()).isEqualTo(outcome.rowsFailed()).isPositive();
    assertThat(prediction.rowsWarned()).isEqualTo(outcome.rowsWithWarning()).isPositive();
    assertThat(predicted(prediction, ValueRule.Severity.REJECTION))
        .isEqualTo(users(outcome.failures()));
    assertThat(predicted(prediction, ValueRule.Severity.WARNING))
        .isEqualTo(users(outcome.warnings()));
    Set<ValueRule> seen =
        prediction.findings().stream().map(ValueFinding::rule).collect(Collectors.toSet());
    assertThat(seen)
        .containsAll(
            Set.of(ValueRule.values()).stream().filter(r -> r != ValueRule.LOOKUP_EMPTY).toList());
    assertThat(outcome.valueCheck().rowsRejected()).isEqualTo(prediction.rowsRejected());
  }

  @Test
  void rowsMarketoWouldFailAreLeftOutOfTheUploadReportedAndNotConfirmed() throws Exception {
    marketo = MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(20_000).clock(clock).start();
    ExportResult export = export(3_000, 60_000, FEW_TYPES);
    assertThat(export.files()).hasSizeGreaterThan(1);

    ImportReport report = client().importAndAwait(export, options().build());

    ValueReport check = report.valueCheck();
    assertThat(check.rowsLeftOut()).isEqualTo(check.rowsRejected()).isEqualTo(31);
    assertThat(report.rowsFailed()).isZero();
    assertThat(report.rowsWithWarning()).isEqualTo(check.rowsWarned()).isPositive();
    assertThat(report.leadsProcessed()).isEqualTo(3_000 - check.rowsLeftOut());
    assertThat(report.allImported()).isFalse();
    Set<String> left =
        check.findings().stream()
            .filter(ValueFinding::leftOut)
            .map(ValueFinding::userId)
            .collect(Collectors.toSet());
    assertThat(left).hasSize((int) check.rowsLeftOut()).doesNotContain("");
    assertThat(check.findings())
        .filteredOn(f -> f.userId().equals("auth0|5"))
        .extracting(ValueFinding::column, ValueFinding::rule, ValueFinding::leftOut)
        .contains(org.assertj.core.groups.Tuple.tuple("email", ValueRule.INVALID_EMAIL, true));
    // the parts Marketo got did not hold the rows left out
    Map<String, Map<String, String>> leads = marketo.leads();
    assertThat(leads).hasSize(3_000 - (int) check.rowsLeftOut());
    Map<String, Path> files = filesOf(export);
    for (int i = 0; i < 3_000; i++) {
      String id = "auth0|" + i;
      Path file = files.get(id);
      assertThat(report.confirmed(file, id)).as(id).isEqualTo(!left.contains(id));
      if (left.contains(id)) {
        assertThat(leads).doesNotContainKey(((String) user(i).get("email")).toLowerCase());
      }
    }
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(report.batches().size());
    assertThat(check.summary()).anyMatch(l -> l.startsWith("email: ") && l.endsWith("left out"));
    assertThat(check.summary())
        .anyMatch(l -> l.startsWith("company: ") && l.contains(" TRUNCATED (warning"));
  }

  private static Map<String, Path> filesOf(ExportResult export) {
    Map<String, Path> out = new LinkedHashMap<>();
    export
        .rowKeys()
        .orElseThrow()
        .forEach(k -> out.put(k.userId(), export.paths().get(k.part() - 1)));
    return out;
  }

  @Test
  void aStopPolicyUploadsNothingAndCountsTheRowsWithoutTheirValues() {
    marketo = MarketoEmulator.builder().fields(FIELDS).clock(clock).start();
    ExportResult export = export(500, 10_000_000);

    assertThatThrownBy(
            () ->
                client()
                    .importAndAwait(
                        export, options().rejectedRows(ImportOptions.RowPolicy.STOP).build()))
        .isInstanceOf(MarketoValueException.class)
        .hasMessageContaining("Nothing was uploaded")
        .hasMessageContaining("email: 6 rows INVALID_EMAIL")
        .hasMessageContaining("policy for them is STOP")
        .hasMessageNotContaining("broken-5")
        .hasMessageNotContaining("many")
        .satisfies(
            e ->
                assertThat(((MarketoValueException) e).report().findings())
                    .extracting(ValueFinding::userId)
                    .contains("auth0|5"));
    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
  }

  @Test
  void checkValuesPredictsWithoutUploadingAndNamesNoValue() {
    marketo = MarketoEmulator.builder().fields(FIELDS).clock(clock).start();
    ExportResult export = export(200, 10_000_000);

    ValueReport check = client().checkValues(export, options().build());

    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
    assertThat(marketo.requests(Endpoint.DESCRIBE)).hasSize(1);
    assertThat(check.checked()).isTrue();
    assertThat(check.rowsChecked()).isEqualTo(200);
    assertThat(check.counts().get("website")).containsKeys(ValueRule.NOT_A_URL);
    assertThat(check.findings()).allMatch(f -> !f.userId().isEmpty());
    String shown = check.findings() + " " + check.summary() + " " + check;
    assertThat(shown).doesNotContain("example.com/aaaa").doesNotContain("many");
  }

  @Test
  void aMissingLookupColumnStopsBeforeAnyUpload() {
    marketo = MarketoEmulator.builder().fields(FIELDS).clock(clock).start();
    ExportResult noEmail =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("given_name", "firstName").build())
            .format(CsvFormat.TSV)
            .build()
            .export(UserSource.of(List.of(user(1), user(2))), dir.resolve("names.tsv"));
    assertThatThrownBy(() -> client().importAndAwait(noEmail, options().build()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("lookup field \"email\" is not a column");
    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
  }

  @Test
  void aResumedRunLeavesOutTheSameRowsAndAFinishedOneStillConfirmsNone() {
    marketo = MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(500).clock(clock).start();
    ExportResult export = export(2_000, 10_000_000);
    MarketoBulkLeadClient crashing =
        client().toBuilder().maxFileBytes(150_000).timeout(Duration.ofSeconds(4)).build();
    assertThatThrownBy(() -> crashing.importAndAwait(export, options().build()))
        .hasMessageContaining("resumes from the journal");
    int accepted = marketo.acceptedUploads();
    assertThat(accepted).isPositive();

    // asked to send such rows now, the run leaves out the rows the first one did: its parts are
    // the ones the first run uploaded
    MarketoBulkLeadClient again = client().toBuilder().maxFileBytes(150_000).build();
    ImportReport report =
        again.importAndAwait(export, options().rejectedRows(ImportOptions.RowPolicy.SEND).build());
    assertThat(report.batches().stream().filter(ImportReport.Batch::resumed).count())
        .isEqualTo(accepted);
    assertThat(report.rowsFailed()).isZero();
    assertThat(report.valueCheck().rowsLeftOut()).isPositive();
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    Set<String> left = leftOut(report.valueCheck());

    ImportReport third = again.importAndAwait(export, options().build());
    assertThat(third.calls()).isZero();
    assertThat(leftOut(third.valueCheck())).isEqualTo(left);
    for (String id : left) {
      assertThat(third.confirmed(export.paths().get(0), id)).isFalse();
    }
    assertThat(third.confirmed(export.paths().get(0), "auth0|0")).isTrue();
  }

  private static Set<String> leftOut(ValueReport r) {
    return r.findings().stream()
        .filter(ValueFinding::leftOut)
        .map(ValueFinding::userId)
        .collect(Collectors.toSet());
  }

  @Test
  void rowsLeftOutAreSentAgainByTheNextSyncOnceFixed() {
    marketo = MarketoEmulator.builder().rowsPerSecond(10_000).clock(clock).start();
    MarketoBulkLeadClient client = client();
    SyncState state = SyncState.open(dir.resolve("state"));
    UserExporter exporter =
        UserExporter.builder().mapping(MarketoFields.auth0Defaults()).format(CsvFormat.TSV).build();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", i % 25 == 3 ? "broken-" + i + "@x" : "user" + i + "@example.com");
      users.add(u);
    }
    Path out = dir.resolve("out").resolve("users.tsv");
    ExportResult first = exporter.export(UserSource.of(users), out, state);
    ImportReport report =
        client.importAndAwait(first, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(report.valueCheck().rowsLeftOut()).isEqualTo(4);
    assertThat(marketo.leads()).hasSize(96);
    SyncState.Committed c = state.commit(first, report);
    assertThat(c.rowsConfirmed()).isEqualTo(96);
    assertThat(c.rowsUnconfirmed()).isEqualTo(4);

    for (int i = 3; i < 100; i += 25) {
      users.get(i).put("email", "fixed" + i + "@example.com");
    }
    ExportResult second = exporter.export(UserSource.of(users), out, state);
    assertThat(second.rowsWritten()).isEqualTo(4);
    ImportReport fixed =
        client.importAndAwait(second, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(fixed.valueCheck().rowsLeftOut()).isZero();
    assertThat(state.commit(second, fixed).rowsConfirmed()).isEqualTo(4);
    assertThat(marketo.leads()).hasSize(100);
  }

  @Test
  void thePartsUploadedHoldEveryRowButThoseLeftOut() throws Exception {
    marketo = MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(20_000).clock(clock).start();
    ExportResult export = export(1_000, 10_000_000);
    ImportReport report = client().importAndAwait(export, options().build());
    long rows = 0;
    try (CsvReader r = CsvFormat.TSV.openReader(export.paths().get(0))) {
      while (r.next() != null) {
        rows++;
      }
    }
    assertThat(rows).isEqualTo(1_000); // the export itself is left as it was
    assertThat(report.leadsProcessed() + report.rowsFailed())
        .isEqualTo(1_000 - report.valueCheck().rowsLeftOut());
  }

  @Test
  void aRunThatUploadedNothingBindsNoDecisionOnTheNext() {
    marketo =
        MarketoEmulator.builder()
            .fields(FIELDS)
            .rowsPerSecond(20_000)
            .dailyQuota(50_000, 49_995)
            .clock(clock)
            .start();
    ExportResult export = export(300, 10_000_000, FEW_TYPES);
    assertThatThrownBy(() -> client().importAndAwait(export, options().build()))
        .isInstanceOf(MarketoQuotaException.class);

    // the next day, asked to send such rows: nothing was uploaded, so nothing is kept from before
    clock.advance(Duration.ofDays(1));
    ImportReport report =
        client()
            .importAndAwait(export, options().rejectedRows(ImportOptions.RowPolicy.SEND).build());
    assertThat(report.valueCheck().rowsLeftOut()).isZero();
    assertThat(report.rowsFailed()).isEqualTo(report.valueCheck().rowsRejected()).isPositive();
  }

  @Test
  void aRunResumingOneThatCheckedNoValueKeepsItsPartsAndSendsNothingTwice() {
    marketo = MarketoEmulator.builder().fields(FIELDS).rowsPerSecond(500).clock(clock).start();
    ExportResult export = export(2_000, 10_000_000, FEW_TYPES);
    MarketoBulkLeadClient unchecked =
        client().toBuilder()
            .valueCheck(false)
            .maxFileBytes(40_000)
            .timeout(Duration.ofSeconds(4))
            .build();
    assertThatThrownBy(() -> unchecked.importAndAwait(export, options().build()))
        .hasMessageContaining("resumes from the journal");
    int accepted = marketo.acceptedUploads();
    assertThat(accepted).isPositive();

    ImportReport report =
        client().toBuilder().maxFileBytes(40_000).build().importAndAwait(export, options().build());

    assertThat(report.batches().stream().filter(ImportReport.Batch::resumed).count())
        .isEqualTo(accepted);
    assertThat(report.valueCheck().rowsLeftOut()).isZero(); // the first run sent every row
    assertThat(report.rowsFailed()).isEqualTo(report.valueCheck().rowsRejected()).isPositive();
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
  }
}
