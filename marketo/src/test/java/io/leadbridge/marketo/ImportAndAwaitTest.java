package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.FolderInUseException;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole bulk cycle against the Marketo emulator, on a manual clock. */
class ImportAndAwaitTest {
  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private MarketoEmulator marketo;

  @AfterEach
  void stop() {
    if (marketo != null) {
      marketo.close();
    }
  }

  private MarketoEmulator start(MarketoEmulator.Builder b) {
    marketo = b.clock(clock).start();
    return marketo;
  }

  private MarketoBulkLeadClient.Builder client() {
    return MarketoBulkLeadClient.builder()
        .endpoint(marketo.endpoint())
        .clientId(marketo.clientId())
        .clientSecret(marketo.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  /** Users with a few invalid emails (fail) and over-long first names (warn). */
  static List<Map<String, Object>> users(int n) {
    List<Map<String, Object>> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", i % 1000 == 7 ? "not-an-email-" + i : "user" + i + "@example.com");
      u.put("given_name", i % 1000 == 11 ? "G".repeat(300) : "Given, \"" + i + "\"");
      u.put("family_name", "Family\t" + i);
      users.add(u);
    }
    return users;
  }

  private ExportResult export(int n) {
    return UserExporter.builder()
        .mapping(MarketoFields.auth0Defaults())
        .format(CsvFormat.TSV)
        .build()
        .export(UserSource.of(users(n)), dir.resolve("users.tsv"));
  }

  private static Set<String> validEmails(int n) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (i % 1000 != 7) {
        out.add("user" + i + "@example.com");
      }
    }
    return out;
  }

  @Test
  void anImportOfFilesAnotherRunIsImportingIsRefusedNamingItAndUploadsNothing() throws Exception {
    start(MarketoEmulator.builder());
    ExportResult export = export(20);
    MarketoBulkLeadClient client = client().build();
    try (FolderLock other = FolderLock.acquire(dir, "Marketo import")) {
      assertThatThrownBy(() -> client.importAndAwait(export, ImportOptions.defaults()))
          .isInstanceOf(FolderInUseException.class)
          .hasMessageContaining("Marketo import")
          .hasMessageContaining(String.valueOf(ProcessHandle.current().pid()));
    }
    assertThat(marketo.acceptedUploads()).isZero();
    // once the other run is done, the same import goes ahead and lets the folder go
    ImportReport report = client.importAndAwait(export, ImportOptions.defaults());
    assertThat(report.leadsProcessed()).isEqualTo(19); // user 7's email is left out as invalid
    assertThat(dir.resolve(FolderLock.NAME)).doesNotExist();
  }

  @Test
  void imports250000RowsInSeveralPartsWithEveryLeadOnce() throws Exception {
    start(MarketoEmulator.builder().rowsPerSecond(20_000));
    ExportResult export = export(250_000);
    List<ImportProgress> progress = new ArrayList<>();
    MarketoBulkLeadClient client = client().maxFileBytes(2_500_000).listener(progress::add).build();

    // rows Marketo fails are sent, so that its failure files are read and traced
    ImportReport report =
        client.importAndAwait(
            export,
            ImportOptions.builder()
                .format(CsvFormat.TSV)
                .rejectedRows(ImportOptions.RowPolicy.SEND)
                .build());

    assertThat(report.batches()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(report.leadsProcessed() + report.rowsFailed()).isEqualTo(250_000);
    assertThat(report.rowsFailed()).isEqualTo(250);
    assertThat(report.rowsWithWarning()).isEqualTo(250);
    Map<String, Map<String, String>> leads = marketo.leads();
    assertThat(leads.keySet()).isEqualTo(validEmails(250_000));
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertStoreMatchesInput(250_000);
    assertThat(leads.get("user5@example.com"))
        .containsEntry("firstName", "Given, \"5\"")
        .containsEntry("lastName", "Family\t5");
    assertThat(report.failures()).hasSize(250);
    assertThat(report.failures().get(0).userIds()).containsExactly("auth0|7");
    assertThat(report.failures().get(0).reason()).isEqualTo("Invalid email address");
    assertThat(report.warnings().get(0).userIds()).containsExactly("auth0|11");
    assertThat(report.allImported()).isFalse();
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1).finished()).isEqualTo(report.batches().size());
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(report.batches().size());
    assertThat(marketo.requests())
        .allMatch(r -> r.query() == null || !r.query().contains("access_token"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("marketo-parts"));
    }
  }

  @Test
  void faultsDuringARunLeaveTheStoreAndReportExact() {
    start(MarketoEmulator.builder().rowsPerSecond(5_000));
    marketo
        .failWithCode(Endpoint.UPLOAD, 1, "615")
        .failWithCode(Endpoint.UPLOAD, 2, "602")
        .failWithCode(Endpoint.UPLOAD, 3, "606")
        .failWithStatus(Endpoint.UPLOAD, 4, 502)
        .failWithCode(Endpoint.STATUS, 2, "606")
        .failWithCode(Endpoint.STATUS, 3, "601")
        .failWithStatus(Endpoint.STATUS, 5, 503)
        .drop(Endpoint.STATUS, 7)
        .failWithCode(Endpoint.STATUS, 9, "1019")
        .failWithCode(Endpoint.DESCRIBE, 1, "604");
    ExportResult export = export(20_000);
    MarketoBulkLeadClient client = client().maxFileBytes(300_000).build();

    // rows Marketo fails are sent, so that its failure files are read under faults too
    ImportReport report =
        client.importAndAwait(
            export,
            ImportOptions.builder()
                .format(CsvFormat.TSV)
                .rejectedRows(ImportOptions.RowPolicy.SEND)
                .build());

    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.leads().keySet()).isEqualTo(validEmails(20_000));
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
    assertThat(report.rowsFailed()).isEqualTo(20);
    assertThat(report.failures())
        .extracting(f -> f.userIds().get(0))
        .allMatch(id -> id.endsWith("7"));
    assertThat(report.uncertainParts()).isEmpty();
    assertStoreMatchesInput(20_000);
  }

  @Test
  void stormsOf606And615AreWaitedOutWithGrowingBackOff() {
    start(MarketoEmulator.builder().rowsPerSecond(5_000));
    for (int n = 1; n <= 6; n++) {
      marketo.failWithCode(Endpoint.UPLOAD, n, "606").failWithCode(Endpoint.STATUS, n, "615");
    }
    ExportResult export = export(10_000);

    ImportReport report =
        client()
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());

    assertThat(report.batches())
        .singleElement()
        .satisfies(b -> assertThat(b.state()).isEqualTo(BatchStatus.State.COMPLETE));
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertStoreMatchesInput(10_000);
    List<Instant> uploads =
        marketo.requests(Endpoint.UPLOAD).stream().map(MarketoEmulator.Request::at).toList();
    assertThat(uploads).hasSize(7);
    // waits of about 1, 2, 4, 8, 16, 30 s (with jitter): each at least the half of its back-off
    for (int i = 1; i < uploads.size(); i++) {
      long waited = Duration.between(uploads.get(i - 1), uploads.get(i)).toMillis();
      assertThat(waited)
          .as("wait before upload %d", i + 1)
          .isGreaterThanOrEqualTo(Math.min(30_000L, 1000L << (i - 1)) / 2);
    }
    assertThat(marketo.requests(Endpoint.STATUS)).hasSizeGreaterThan(6);
  }

  @Test
  void aListenerThatThrowsIsIgnoredAndTheImportGoesOn() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    ExportResult export = export(2_000);
    List<ImportProgress> seen = new ArrayList<>();
    ImportListener broken =
        p -> {
          seen.add(p);
          throw new IllegalStateException("a bug in the listener");
        };

    ImportReport report =
        client()
            .listener(broken)
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());

    assertThat(report.allImported()).isFalse(); // rows 7 and 11 fail and warn by design
    assertThat(report.batches())
        .singleElement()
        .matches(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.leads().keySet()).isEqualTo(validEmails(2_000));
    assertThat(seen).hasSizeGreaterThan(1);
    assertThat(seen.get(seen.size() - 1).finished()).isEqualTo(1);
  }

  @Test
  void anImportsOwnListenerReplacesTheClientsDefaultForThatImportOnly() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    ExportResult export = export(1_000);
    List<ImportProgress> shared = new ArrayList<>();
    List<ImportProgress> own = new ArrayList<>();
    MarketoBulkLeadClient client = client().listener(shared::add).build();
    ImportOptions options = ImportOptions.builder().format(CsvFormat.TSV).build();

    client.importAndAwait(export, options.toBuilder().listener(own::add).build());

    assertThat(own).isNotEmpty();
    assertThat(own.get(own.size() - 1).finished()).isEqualTo(1);
    assertThat(shared).isEmpty();

    Path again = dir.resolve("again.tsv");
    ExportResult second =
        UserExporter.builder()
            .mapping(MarketoFields.auth0Defaults())
            .format(CsvFormat.TSV)
            .build()
            .export(UserSource.of(users(500)), again);
    int ownBefore = own.size();
    client.importAndAwait(second, options);

    assertThat(shared).isNotEmpty();
    assertThat(own).hasSize(ownBefore);
    assertThat(options.listener()).isEmpty();
  }

  @Test
  void noRetryBackOffPassesTheImportsTimeout() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    for (int n = 1; n <= 10; n++) {
      marketo.failWithCode(Endpoint.UPLOAD, n, "1016");
    }
    ExportResult export = export(1_000);
    MarketoBulkLeadClient client = client().timeout(Duration.ofSeconds(20)).build();
    Instant began = clock.instant();

    assertThatThrownBy(
            () ->
                client.importAndAwait(
                    export, ImportOptions.builder().format(CsvFormat.TSV).build()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("did not finish within PT20S")
        .hasMessageContaining("resumes from the journal");
    assertThat(Duration.between(began, clock.instant()))
        .isLessThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(marketo.acceptedUploads()).isZero();
  }

  /** Row by row: every valid user's lead holds exactly the values exported for it. */
  private void assertStoreMatchesInput(int n) {
    Map<String, Map<String, String>> leads = marketo.leads();
    for (Map<String, Object> u : users(n)) {
      String email = (String) u.get("email");
      if (!email.contains("@")) {
        assertThat(leads).doesNotContainKey(email.toLowerCase(java.util.Locale.ROOT));
        continue;
      }
      String given = (String) u.get("given_name");
      assertThat(leads.get(email))
          .as(email)
          .containsEntry("email", email)
          .containsEntry("firstName", given.length() > 255 ? given.substring(0, 255) : given)
          .containsEntry("lastName", (String) u.get("family_name"));
    }
  }

  @Test
  void tokensExpiringMidRunAreRenewed() {
    start(MarketoEmulator.builder().rowsPerSecond(50).tokenTtl(Duration.ofSeconds(30)));
    ExportResult export = export(5_000);
    ImportReport report =
        client()
            .maxFileBytes(100_000)
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.requests(Endpoint.TOKEN).size()).isGreaterThan(1);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
  }

  @Test
  void waitsOut1016WithTenForeignJobsQueued() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    marketo.addForeignJobs(10, 100_000);
    ExportResult export = export(3_000);
    ImportReport report =
        client()
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(report.batches())
        .singleElement()
        .matches(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.requests(Endpoint.UPLOAD).size()).isGreaterThan(1);
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    assertThat(marketo.leads()).hasSize(validEmails(3_000).size());
  }

  @Test
  void aFailedBatchEndsTheWaitWithItsMessage() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    marketo.failNextBatch("Import failed: internal error");
    ExportResult export = export(1_000);
    ImportReport report =
        client()
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(report.batches())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.state()).isEqualTo(BatchStatus.State.FAILED);
              assertThat(b.message()).isEqualTo("Import failed: internal error");
            });
    assertThat(report.allImported()).isFalse();
    assertThat(marketo.leads()).isEmpty();
  }

  @Test
  void resumesFromTheJournalWithoutDuplicates() {
    start(MarketoEmulator.builder().rowsPerSecond(1_000));
    ExportResult export = export(12_000);
    MarketoBulkLeadClient crashing =
        client().maxFileBytes(150_000).timeout(Duration.ofSeconds(4)).build();
    assertThatThrownBy(
            () ->
                crashing.importAndAwait(
                    export, ImportOptions.builder().format(CsvFormat.TSV).build()))
        .isInstanceOf(MarketoException.class)
        .hasMessageContaining("resumes from the journal");
    int acceptedBeforeCrash = marketo.acceptedUploads();
    assertThat(acceptedBeforeCrash).isPositive();

    ImportReport report =
        client()
            .maxFileBytes(150_000)
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());

    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(report.batches().stream().filter(ImportReport.Batch::resumed).count())
        .isEqualTo(acceptedBeforeCrash);
    assertThat(report.batches().size()).isGreaterThan(acceptedBeforeCrash);
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(marketo.leads().keySet()).isEqualTo(validEmails(12_000));

    ImportReport again =
        client()
            .maxFileBytes(150_000)
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(again.batches()).allMatch(ImportReport.Batch::resumed);
    assertThat(again.calls()).isZero();
    assertThat(again.leadsProcessed()).isEqualTo(report.leadsProcessed());
    assertThat(marketo.acceptedUploads()).isEqualTo(report.batches().size());
  }

  @Test
  void anUploadWhoseAnswerIsLostIsReportedNotSentAgain() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    marketo.dropAfterAccept(1);
    ExportResult export = export(2_000);
    // the part as exported (no row left out) whose upload is reported, not looked up
    ImportOptions options =
        ImportOptions.builder()
            .format(CsvFormat.TSV)
            .rejectedRows(ImportOptions.RowPolicy.SEND)
            .uncertainUploads(ImportOptions.UncertainUploads.REPORT)
            .build();
    ImportReport report = client().build().importAndAwait(export, options);
    assertThat(report.uncertainParts()).containsExactly(export.files().get(0).path());
    assertThat(report.allImported()).isFalse();
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(marketo.maxImportCount()).isEqualTo(1);

    ImportReport rerun = client().build().importAndAwait(export, options);
    assertThat(rerun.uncertainParts()).hasSize(1);
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
  }

  @Test
  void aBadHeaderFailsFastBeforeAnyUpload() throws Exception {
    start(MarketoEmulator.builder());
    Path file = dir.resolve("seed.csv");
    Files.writeString(file, "Email Address,First Name\r\na@example.com,Ann\r\n");
    assertThatThrownBy(() -> client().build().importAndAwait(file, ImportOptions.defaults()))
        .isInstanceOf(MarketoHeaderException.class)
        .hasMessageContaining("did you mean \"email\"")
        .hasMessageContaining("did you mean \"firstName\"");
    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
  }

  @Test
  void theRateLimitIsRespectedUnderATightBudget() {
    start(MarketoEmulator.builder().rowsPerSecond(2_000).rateLimit(12, Duration.ofSeconds(20)));
    ExportResult export = export(10_000);
    ImportReport report =
        client()
            .callBudget(new CallBudget(10, Duration.ofSeconds(20), 2))
            .maxFileBytes(100_000)
            .build()
            .importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
    Map<Long, Long> perWindow =
        marketo.requests().stream()
            .filter(r -> r.endpoint() != Endpoint.TOKEN)
            .collect(
                Collectors.groupingBy(r -> r.at().getEpochSecond() / 20, Collectors.counting()));
    assertThat(perWindow.values()).allMatch(c -> c <= 20);
  }

  @Test
  void anUploadDroppedBeforeMarketoActsIsUncertainUntilTheUserSaysUploadAgain() {
    start(MarketoEmulator.builder().rowsPerSecond(10_000));
    marketo.drop(Endpoint.UPLOAD, 1);
    ExportResult export = export(2_000);
    ImportOptions options = ImportOptions.builder().format(CsvFormat.TSV).build();
    ImportReport report = client().build().importAndAwait(export, options);
    assertThat(report.uncertainParts()).hasSize(1);
    assertThat(marketo.acceptedUploads()).isZero();

    ImportReport again =
        client()
            .build()
            .importAndAwait(
                export,
                options.toBuilder()
                    .uncertainUploads(ImportOptions.UncertainUploads.UPLOAD_AGAIN)
                    .build());
    assertThat(again.uncertainParts()).isEmpty();
    assertThat(again.batches())
        .singleElement()
        .matches(b -> b.state() == BatchStatus.State.COMPLETE);
    assertThat(marketo.acceptedUploads()).isEqualTo(1);
    assertThat(marketo.leads().keySet()).isEqualTo(validEmails(2_000));
    assertThat(marketo.maxImportCount()).isEqualTo(1);
  }
}
