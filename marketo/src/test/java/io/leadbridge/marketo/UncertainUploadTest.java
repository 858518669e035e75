package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads whose answer was lost, settled by looking their leads up. */
class UncertainUploadTest {
  @TempDir Path dir;
  private final ManualClock clock = ManualClock.at(Instant.parse("2027-01-01T00:00:00Z"));
  private MarketoEmulator marketo;

  @AfterEach
  void stop() {
    if (marketo != null) {
      marketo.close();
    }
  }

  private MarketoEmulator start(MarketoEmulator.Builder b) {
    marketo = b.rowsPerSecond(1_000).clock(clock).start();
    return marketo;
  }

  private MarketoBulkLeadClient client(long partBytes) {
    return MarketoBulkLeadClient.builder()
        .endpoint(marketo.endpoint())
        .clientId(marketo.clientId())
        .clientSecret(marketo.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .maxFileBytes(partBytes)
        .build();
  }

  static List<Map<String, Object>> users(int n) {
    List<Map<String, Object>> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", "user" + i + "@example.com");
      u.put("given_name", "Given " + i);
      u.put("family_name", i % 3 == 0 ? "" : "Family " + i);
      users.add(u);
    }
    return users;
  }

  private ExportResult export(int n, SyncState state) {
    UserExporter exporter =
        UserExporter.builder().mapping(MarketoFields.auth0Defaults()).format(CsvFormat.TSV).build();
    Path out = dir.resolve("out").resolve("users.tsv");
    return state == null
        ? exporter.export(UserSource.of(users(n)), out)
        : exporter.export(UserSource.of(users(n)), out, state);
  }

  private static ImportOptions options() {
    return ImportOptions.builder().format(CsvFormat.TSV).build();
  }

  private static UncertainUpload only(ImportReport r) {
    assertThat(r.uncertainUploads()).hasSize(1);
    return r.uncertainUploads().get(0);
  }

  @Test
  void anUploadMarketoHadAcceptedIsConfirmedFromItsLeadsAndNeverSentTwice() {
    start(MarketoEmulator.builder());
    marketo.dropAfterAccept(2);
    SyncState state = SyncState.open(dir.resolve("state"));
    ExportResult export = export(5_000, state);

    ImportReport report = client(40_000).importAndAwait(export, options());

    int parts = report.batches().size() + 1; // the lost one has no batch
    assertThat(parts).isGreaterThanOrEqualTo(5);
    UncertainUpload u = only(report);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.CONFIRMED);
    assertThat(u.part()).isEqualTo("users.tsv#2");
    assertThat(u.lookupCalls()).isEqualTo(1);
    assertThat(u.rowsLookedUp()).isEqualTo(u.rowsMatched()).isEqualTo(300);
    assertThat(u.reason()).contains("all 300 sampled leads");
    assertThat(report.uncertainParts()).isEmpty();
    assertThat(report.allImported()).isTrue();
    assertThat(marketo.acceptedUploads()).isEqualTo(parts);
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(parts);
    assertThat(marketo.requests(Endpoint.LEADS)).hasSize(1);
    assertThat(report.callsByKind().leadLookups()).isEqualTo(1);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(marketo.leads()).hasSize(5_000);

    // the sync state takes every row, so the next run sends nothing: no lead imported twice
    assertThat(state.commit(export, report).rowsConfirmed()).isEqualTo(5_000);
    assertThat(export(5_000, state).rowsWritten()).isZero();
    assertThat(marketo.maxImportCount()).isEqualTo(1);
  }

  @Test
  void anUploadMarketoNeverTookIsSentOnceAgainAfterALaterBatchCompleted() {
    start(MarketoEmulator.builder());
    marketo.drop(Endpoint.UPLOAD, 2); // the connection drops before Marketo acts
    ExportResult export = export(5_000, null);

    List<ImportProgress> progress = new ArrayList<>();
    ImportReport report =
        client(40_000)
            .importAndAwait(export, options().toBuilder().listener(progress::add).build());

    UncertainUpload u = only(report);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.UPLOADED_AGAIN);
    ImportProgress last = progress.get(progress.size() - 1);
    assertThat(last.uploaded()).isEqualTo(last.parts());
    assertThat(last.finished()).isEqualTo(last.parts());
    assertThat(u.rowsMatched()).isZero();
    assertThat(u.batchId()).isPositive();
    assertThat(u.reason()).contains("a batch accepted after it has completed");
    assertThat(report.batches()).extracting(ImportReport.Batch::batchId).contains(u.batchId());
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(report.uncertainParts()).isEmpty();
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(marketo.leads()).hasSize(5_000);
    assertThat(report.confirmed(export.paths().get(0), "auth0|1500")).isTrue();
  }

  @Test
  void aLostSinglePartMarketoAcceptedIsConfirmedWithoutALaterBatch() {
    start(MarketoEmulator.builder());
    marketo.dropAfterAccept(1);
    ExportResult export = export(200, null);

    ImportReport report = client(9_900_000).importAndAwait(export, options());

    UncertainUpload u = only(report);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.CONFIRMED);
    assertThat(u.rowsLookedUp()).isEqualTo(200);
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    assertThat(report.confirmed(export.paths().get(0), "auth0|7")).isTrue();
  }

  @Test
  void aLostSinglePartMarketoNeverTookStaysUncertainUntilTheNextRunCanProveIt() {
    start(MarketoEmulator.builder());
    marketo.drop(Endpoint.UPLOAD, 1);
    ExportResult export = export(200, null);

    ImportReport first = client(9_900_000).importAndAwait(export, options());

    UncertainUpload u = only(first);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.STILL_UNCERTAIN);
    assertThat(u.lookupCalls()).isEqualTo(UncertainPart.MAX_LOOKS);
    assertThat(u.reason()).contains("no batch accepted after it has completed");
    assertThat(first.uncertainParts()).hasSize(1);
    assertThat(first.confirmed(export.paths().get(0), "auth0|7")).isFalse();
    assertThat(marketo.acceptedUploads()).isZero();

    // the next run, a night later: no queue holds a job that long, so it was never taken
    clock.advance(Duration.ofHours(20));
    ImportReport next = client(9_900_000).importAndAwait(export, options());
    UncertainUpload again = only(next);
    assertThat(again.outcome()).isEqualTo(UncertainUpload.Outcome.UPLOADED_AGAIN);
    assertThat(again.lookupCalls()).isEqualTo(1);
    assertThat(again.reason()).contains("6 hours ago");
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(next.confirmed(export.paths().get(0), "auth0|7")).isTrue();
  }

  @Test
  void anApiUserThatMayNotReadLeadsFallsBackToReportingThePartAndSaysWhy() {
    start(MarketoEmulator.builder().leadReadAccess(false));
    marketo.dropAfterAccept(2);
    ExportResult export = export(5_000, null);

    ImportReport report = client(40_000).importAndAwait(export, options());

    UncertainUpload u = only(report);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.STILL_UNCERTAIN);
    assertThat(u.reason()).contains("603").contains("Read-Only Lead");
    assertThat(u.lookupCalls()).isEqualTo(1);
    assertThat(report.uncertainParts()).containsExactly(u.file());
    assertThat(report.allImported()).isFalse();
    int parts = report.batches().size() + 1;
    assertThat(marketo.acceptedUploads()).isEqualTo(parts); // not sent again
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(parts);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
  }

  @Test
  void aRunResolvesAnUploadAnEarlierRunOnlyReported() {
    start(MarketoEmulator.builder());
    marketo.dropAfterAccept(2);
    ExportResult export = export(5_000, null);
    ImportReport reported =
        client(40_000)
            .importAndAwait(
                export,
                options().toBuilder()
                    .uncertainUploads(ImportOptions.UncertainUploads.REPORT)
                    .build());
    assertThat(reported.uncertainParts()).hasSize(1);
    assertThat(reported.uncertainUploads()).isEmpty();
    int accepted = marketo.acceptedUploads();

    ImportReport resolved = client(40_000).importAndAwait(export, options());

    UncertainUpload u = only(resolved);
    assertThat(u.outcome()).isEqualTo(UncertainUpload.Outcome.CONFIRMED);
    assertThat(resolved.uncertainParts()).isEmpty();
    assertThat(marketo.acceptedUploads()).isEqualTo(accepted);
    assertThat(resolved.confirmed(export.paths().get(0), "auth0|1500")).isTrue();

    ImportReport third = client(40_000).importAndAwait(export, options());
    assertThat(third.calls()).isZero();
    assertThat(only(third).reason()).contains("an earlier run");
  }

  @Test
  void aPartWhoseLastRowIsInMarketoIsConfirmedButItsDifferingRowsAreNot() throws Exception {
    Path part = dir.resolve("part.tsv");
    java.nio.file.Files.writeString(
        part,
        "email\tfirstName\tleadScore\r\n"
            + "a@example.com\tAnn\t10\r\n"
            + "b@example.com\tBob\t20\r\n"
            + "c@example.com\t"
            + "C".repeat(300)
            + "\t+30\r\n");
    ImportParts.Part p = new ImportParts.Part(part, part, "part.tsv", "x");
    UncertainPart u =
        new UncertainPart(p, Instant.EPOCH, new java.util.HashSet<>(), new java.util.HashSet<>());
    u.sample(CsvFormat.TSV, 3, "email");
    Map<String, LeadField> fields =
        Map.of(
            "email", new LeadField("email", "Email", "email", 255, true),
            "firstname", new LeadField("firstName", "First", "string", 255, true),
            "leadscore", new LeadField("leadScore", "Score", "score", 0, true));
    assertThat(u.columns(fields)).containsExactly("email", "firstName", "leadScore");
    u.match(
        List.of(
            Map.of("email", "A@Example.com", "firstName", "Ann", "leadScore", 10),
            Map.of("email", "b@example.com", "firstName", "Robert", "leadScore", 20),
            Map.of("email", "c@example.com", "firstName", "C".repeat(255), "leadScore", 30L)),
        fields,
        "email");
    assertThat(u.matchedCount()).isEqualTo(2);
    assertThat(u.tailMatched()).isTrue();
    assertThat(u.unmatchedValues("email")).containsExactly("b@example.com");
  }
}
