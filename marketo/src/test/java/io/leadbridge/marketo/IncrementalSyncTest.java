package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.testing.EmbeddedPostgres;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly syncs into the Marketo emulator: only changes are sent, and only confirmed rows stick.
 */
class IncrementalSyncTest {
  @TempDir Path dir;
  // later than every SyntheticUsers updated_at, so that users edited now are the most recent
  private final ManualClock clock = ManualClock.at(Instant.parse("2027-01-01T00:00:00Z"));
  private final List<AutoCloseable> started = new ArrayList<>();

  private static final UserExporter EXPORTER =
      UserExporter.builder().mapping(MarketoFields.auth0Defaults()).format(CsvFormat.TSV).build();
  private static final ImportOptions OPTIONS =
      ImportOptions.builder().format(CsvFormat.TSV).build();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private MarketoEmulator marketo() {
    MarketoEmulator m = MarketoEmulator.builder().rowsPerSecond(10_000).clock(clock).start();
    started.add(m);
    return m;
  }

  private MarketoBulkLeadClient.Builder clientOf(MarketoEmulator m) {
    return MarketoBulkLeadClient.builder()
        .endpoint(m.endpoint())
        .clientId(m.clientId())
        .clientSecret(m.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper());
  }

  private MarketoBulkLeadClient client(MarketoEmulator m) {
    return clientOf(m)
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .build();
  }

  private ExportResult export(Iterable<Map<String, Object>> users, SyncState state) {
    return EXPORTER.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"), state);
  }

  private static List<String> written(ExportResult export) {
    List<String> ids = new ArrayList<>();
    export.rowKeys().orElseThrow().forEach(k -> ids.add(k.userId()));
    return ids;
  }

  private static List<String> inPart(ExportResult export, int part) {
    List<String> ids = new ArrayList<>();
    export
        .rowKeys()
        .orElseThrow()
        .forEach(
            k -> {
              if (k.part() == part) {
                ids.add(k.userId());
              }
            });
    return ids;
  }

  private static Map<String, Object> user(int i, String email) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", "auth0|" + i);
    u.put("email", email);
    u.put("given_name", "Given" + i);
    return u;
  }

  @Test
  void rowsMarketoFailedAreSentAgainUntilTheyAreFixed() {
    MarketoEmulator marketo = marketo();
    MarketoBulkLeadClient client = client(marketo);
    SyncState state = SyncState.open(dir.resolve("state"));
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      users.add(user(i, i % 25 == 3 ? "broken-" + i : "user" + i + "@example.com"));
    }

    ExportResult first = export(users, state);
    // the broken rows are sent, so that Marketo fails them (the value check would leave them out)
    ImportOptions send = OPTIONS.toBuilder().rejectedRows(ImportOptions.RowPolicy.SEND).build();
    ImportReport report = client.importAndAwait(first, send);
    assertThat(report.rowsFailed()).isEqualTo(4);
    SyncState.Committed c = state.commit(first, report);
    assertThat(c.rowsConfirmed()).isEqualTo(96);
    assertThat(c.rowsUnconfirmed()).isEqualTo(4);

    ExportResult second = export(users, state);
    assertThat(written(second)).containsExactly("auth0|3", "auth0|28", "auth0|53", "auth0|78");
    state.commit(second, client.importAndAwait(second, send));

    for (int i = 3; i < 100; i += 25) {
      users.set(i, user(i, "fixed" + i + "@example.com"));
    }
    ExportResult third = export(users, state);
    assertThat(written(third)).hasSize(4);
    assertThat(state.commit(third, client.importAndAwait(third, OPTIONS)).rowsConfirmed())
        .isEqualTo(4);
    assertThat(export(users, state).rowsWritten()).isZero();
    assertThat(marketo.leads()).hasSize(100);
  }

  @Test
  void aFailedBatchAndAnUncertainUploadConfirmNothingOfTheirFiles() {
    MarketoEmulator marketo = marketo();
    // parts of about 100 rows; the client splits each again in two
    UserExporter small = EXPORTER.toBuilder().maxFileBytes(3_000).build();
    MarketoBulkLeadClient client = clientOf(marketo).maxFileBytes(1_600).build();
    SyncState state = SyncState.open(dir.resolve("state"));
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      users.add(user(i, "user" + i + "@example.com"));
    }
    ExportResult first =
        small.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"), state);
    assertThat(first.files()).hasSizeGreaterThanOrEqualTo(3);
    marketo.failNextBatch("Import failed: internal error");
    ImportReport report = client.importAndAwait(first, OPTIONS);
    assertThat(report.batches()).hasSizeGreaterThan(first.files().size());
    Path failedFile = first.paths().get(0);
    assertThat(report.confirmed(failedFile, "auth0|0")).isFalse();
    assertThat(report.confirmed(first.paths().get(1), written(first).get(40))).isTrue();
    assertThat(report.confirmed(dir.resolve("elsewhere.tsv"), "auth0|50")).isFalse();
    List<String> inFailedFile = new ArrayList<>();
    first
        .rowKeys()
        .orElseThrow()
        .forEach(
            k -> {
              if (k.part() == 1) {
                inFailedFile.add(k.userId());
              }
            });
    state.commit(first, report);

    ExportResult second =
        small.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"), state);
    assertThat(written(second)).containsExactlyElementsOf(inFailedFile);

    // the answer to the upload is lost: Marketo may have the rows, but nothing is confirmed when
    // the part is only reported, not looked up
    marketo.dropAfterAccept(marketo.acceptedUploads() + 1);
    ImportReport uncertain =
        client.importAndAwait(
            second,
            OPTIONS.toBuilder().uncertainUploads(ImportOptions.UncertainUploads.REPORT).build());
    assertThat(uncertain.uncertainParts()).isNotEmpty();
    assertThat(state.commit(second, uncertain).rowsConfirmed()).isZero();
  }

  @Test
  void aCrashDuringTheImportKeepsTheStateAndTheRerunResumesWithoutImportingTwice() {
    MarketoEmulator marketo = marketo();
    SyncState state = SyncState.open(dir.resolve("state"));
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      users.add(user(i, "user" + i + "@example.com"));
    }
    ExportResult first = export(users, state);
    marketo.failWithCode(Endpoint.STATUS, 1, "607"); // daily quota: the import stops
    assertThatThrownBy(() -> client(marketo).importAndAwait(first, OPTIONS))
        .isInstanceOf(MarketoServiceException.class);
    assertThat(state.generation()).isZero();

    // the next run exports the same rows, the journal finds their batch, nothing is sent twice
    ExportResult again = export(users, state);
    assertThat(again.rowsWritten()).isEqualTo(500);
    ImportReport report = client(marketo).importAndAwait(again, OPTIONS);
    assertThat(report.batches()).singleElement().satisfies(b -> assertThat(b.resumed()).isTrue());
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(1);
    state.commit(again, report);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(export(users, state).rowsWritten()).isZero();
    assertThat(state.commit(export(users, state), ImportConfirmation.all()).users()).isEqualTo(500);
  }

  /**
   * A run crashes after Marketo accepted its first batch; the next run, on another machine (another
   * folder: no journal file beside the parts), exports the same rows again into other files and
   * finds the batch in the sync state: it waits on it, sends only the other rows, and confirms the
   * rows the batch carried from its outcome.
   */
  private void aRerunElsewhereWaitsOnTheCrashedRunsBatches(Supplier<SyncState> open) {
    MarketoEmulator marketo = marketo();
    UserExporter small = EXPORTER.toBuilder().maxFileBytes(3_000).build();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      users.add(user(i, i == 7 ? "broken-7" : "user" + i + "@example.com"));
    }
    // the broken row is sent, so that Marketo fails it in the batch of the crashed run
    ImportOptions send = OPTIONS.toBuilder().rejectedRows(ImportOptions.RowPolicy.SEND).build();

    SyncState first = open.get();
    ExportResult crashed =
        small.export(UserSource.of(users), dir.resolve("one").resolve("users.tsv"), first);
    assertThat(crashed.files()).hasSizeGreaterThanOrEqualTo(3);
    marketo.failWithCode(Endpoint.STATUS, 1, "607"); // the run stops after its first upload
    MarketoBulkLeadClient oneAtATime = oneBatchAtATime(marketo);
    assertThatThrownBy(() -> oneAtATime.importAndAwait(crashed, send))
        .isInstanceOf(MarketoServiceException.class);
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(1);
    List<String> inFirstBatch = inPart(crashed, 1);
    first.close(); // the machine is gone; its state was never committed

    SyncState second = open.get();
    ExportResult again =
        small.export(UserSource.of(users), dir.resolve("two").resolve("users.tsv"), second);
    assertThat(again.rowsWritten()).isEqualTo(300);
    ImportReport report = oneBatchAtATime(marketo).importAndAwait(again, send);

    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(crashed.files().size());
    assertThat(marketo.maxImportCount()).isEqualTo(1); // no lead imported twice
    assertThat(marketo.leads()).hasSize(299);
    assertThat(report.batches())
        .filteredOn(ImportReport.Batch::resumed)
        .singleElement()
        .satisfies(b -> assertThat(b.rowsFailed()).isEqualTo(1));
    assertThat(report.confirmed(again.paths().get(0), "auth0|7")).isFalse();
    assertThat(report.confirmed(again.paths().get(0), inFirstBatch.get(0))).isTrue();
    SyncState.Committed committed = second.commit(again, report);
    assertThat(committed.rowsConfirmed()).isEqualTo(299);
    assertThat(committed.rowsUnconfirmed()).isEqualTo(1);

    // the commit cleared the journal: the broken row, fixed, is sent; nothing else is
    users.set(7, user(7, "fixed7@example.com"));
    ExportResult third =
        small.export(UserSource.of(users), dir.resolve("two").resolve("users.tsv"), second);
    assertThat(written(third)).containsExactly("auth0|7");
    ImportReport fixed = oneBatchAtATime(marketo).importAndAwait(third, OPTIONS);
    assertThat(fixed.batches()).singleElement().satisfies(b -> assertThat(b.resumed()).isFalse());
    assertThat(second.commit(third, fixed).rowsConfirmed()).isEqualTo(1);
    assertThat(marketo.leads()).hasSize(300);
    second.close();
  }

  private MarketoBulkLeadClient oneBatchAtATime(MarketoEmulator m) {
    return clientOf(m).maxQueuedBatches(1).build();
  }

  @Test
  void aRerunOnAnotherMachineWaitsOnTheBatchesTheEmbeddedStateRecorded() {
    aRerunElsewhereWaitsOnTheCrashedRunsBatches(() -> SyncState.open(dir.resolve("state")));
  }

  @Test
  @EnabledIf("io.leadbridge.core.testing.EmbeddedPostgres#available")
  void aRerunOnAnotherMachineWaitsOnTheBatchesThePostgresStateRecorded() throws Exception {
    EmbeddedPostgres server = EmbeddedPostgres.shared();
    String prefix = "journal_" + Long.toHexString(System.nanoTime()) + "_";
    aRerunElsewhereWaitsOnTheCrashedRunsBatches(() -> SyncState.open(server.dataSource(), prefix));
  }

  @Test
  void theRowsOfABatchThatFailedAreSentAgainByTheNextRun() {
    MarketoEmulator marketo = marketo();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(user(i, "user" + i + "@example.com"));
    }
    SyncState first = SyncState.open(dir.resolve("state"));
    ExportResult crashed = export(users, first);
    marketo.failNextBatch("Import failed: internal error");
    ImportReport failed = client(marketo).importAndAwait(crashed, OPTIONS);
    assertThat(failed.batches())
        .singleElement()
        .satisfies(b -> assertThat(b.state()).isEqualTo(BatchStatus.State.FAILED));
    first.close(); // not committed

    SyncState second = SyncState.open(dir.resolve("state"));
    ExportResult again =
        EXPORTER.export(UserSource.of(users), dir.resolve("two").resolve("users.tsv"), second);
    ImportReport report = client(marketo).importAndAwait(again, OPTIONS);
    assertThat(report.batches()).singleElement().satisfies(b -> assertThat(b.resumed()).isFalse());
    assertThat(marketo.requests(Endpoint.UPLOAD)).hasSize(2);
    assertThat(second.commit(again, report).rowsConfirmed()).isEqualTo(50);
    assertThat(marketo.leads()).hasSize(50);
    second.close();
  }

  @Test
  void aBatchMarketoNoLongerKnowsCarriesNothingAndItsRowsAreSentAgain() {
    MarketoEmulator gone = marketo();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(user(i, "user" + i + "@example.com"));
    }
    SyncState first = SyncState.open(dir.resolve("state"));
    ExportResult crashed = export(users, first);
    gone.failWithCode(Endpoint.STATUS, 1, "607");
    assertThatThrownBy(() -> client(gone).importAndAwait(crashed, OPTIONS))
        .isInstanceOf(MarketoServiceException.class);
    first.close();

    // another instance (or the batch forgotten): its status call answers "batch not found"
    MarketoEmulator marketo = marketo();
    SyncState second = SyncState.open(dir.resolve("state"));
    ExportResult again =
        EXPORTER.export(UserSource.of(users), dir.resolve("two").resolve("users.tsv"), second);
    ImportReport report = client(marketo).importAndAwait(again, OPTIONS);
    assertThat(report.batches()).singleElement().satisfies(b -> assertThat(b.resumed()).isFalse());
    assertThat(marketo.leads()).hasSize(50);
    assertThat(second.commit(again, report).rowsConfirmed()).isEqualTo(50);
    second.close();
  }
}
