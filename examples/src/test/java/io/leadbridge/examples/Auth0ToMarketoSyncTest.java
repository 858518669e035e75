package io.leadbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.auth0.Auth0ExportJob;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.remote.RetryPolicy;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.sync.SyncSummary;
import io.leadbridge.marketo.ImportOptions;
import io.leadbridge.marketo.ImportReport;
import io.leadbridge.marketo.MarketoBulkLeadClient;
import io.leadbridge.marketo.MarketoFields;
import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nightly sync across modules: Auth0's export job into Marketo, against both emulators. */
class Auth0ToMarketoSyncTest {
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

  private MarketoBulkLeadClient client(MarketoEmulator m) {
    return MarketoBulkLeadClient.builder()
        .endpoint(m.endpoint())
        .clientId(m.clientId())
        .clientSecret(m.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .retryPolicy(new RetryPolicy(20, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .build();
  }

  private static List<String> written(ExportResult export) {
    List<String> ids = new ArrayList<>();
    export.rowKeys().orElseThrow().forEach(k -> ids.add(k.userId()));
    return ids;
  }

  @Test
  void aNightlySyncFromAuth0SendsEveryoneThenNobodyThenExactlyTheEditedUsers() {
    SyntheticUsers users = SyntheticUsers.builder().count(3_000).seed(11).sharedEmails(80).build();
    Auth0Emulator auth0 =
        Auth0Emulator.builder()
            .users(users)
            .jobDuration(Duration.ofSeconds(5))
            .clock(clock)
            .sleeper(clock.sleeper())
            .start();
    started.add(auth0);
    MarketoEmulator marketo = marketo();
    MarketoBulkLeadClient client = client(marketo);
    Auth0ExportJob job =
        Auth0ExportJob.builder()
            .domain(auth0.domain())
            .clientId(auth0.clientId())
            .clientSecret(auth0.clientSecret())
            .mapping(EXPORTER.mapping())
            .clock(clock)
            .sleeper(clock.sleeper())
            .build();
    SyncState state = SyncState.open(dir.resolve("state"));

    // night 1: everyone with an email, one row per email
    ExportResult first;
    try (UserSource source = job.open()) {
      first = EXPORTER.export(source, dir.resolve("out").resolve("users.tsv"), state);
    }
    assertThat(first.rowsMerged()).isPositive();
    ImportReport report = client.importAndAwait(first, OPTIONS);
    assertThat(report.allImported()).isTrue();
    state.commit(first, report);
    Set<String> emails = new HashSet<>();
    users.forEach(
        u -> {
          if (u.get("email") != null) {
            emails.add(((String) u.get("email")).toLowerCase(Locale.ROOT));
          }
        });
    assertThat(marketo.leads().keySet()).isEqualTo(emails);
    assertThat(marketo.maxImportCount()).isEqualTo(1);
    assertThat(first.rowsWritten()).isEqualTo(emails.size());

    // night 2: nothing changed, nothing sent, no Marketo call
    ExportResult second;
    try (UserSource source = job.open()) {
      second = EXPORTER.export(source, dir.resolve("out").resolve("users.tsv"), state);
    }
    assertThat(second.rowsWritten()).isZero();
    assertThat(second.sync().orElseThrow().unchangedUsers()).isEqualTo(first.rowsWritten());
    int requestsBefore = marketo.requests().size();
    ImportReport none = client.importAndAwait(second, OPTIONS);
    assertThat(none.calls()).isZero();
    assertThat(marketo.requests()).hasSize(requestsBefore);
    state.commit(second, none);

    // night 3: 25 users edited their profile
    List<String> edited = auth0.updateUsers(25);
    ExportResult third;
    try (UserSource source = job.open()) {
      third = EXPORTER.export(source, dir.resolve("out").resolve("users.tsv"), state);
    }
    assertThat(written(third)).containsExactlyInAnyOrderElementsOf(edited);
    SyncSummary s = third.sync().orElseThrow();
    assertThat(s.changedUsers()).isEqualTo(25);
    assertThat(s.newUsers()).isZero();
    ImportReport thirdReport = client.importAndAwait(third, OPTIONS);
    state.commit(third, thirdReport);
    assertThat(marketo.leads().keySet()).isEqualTo(emails);
    assertThat(marketo.maxImportCount()).isEqualTo(2);
    long importedTwice = emails.stream().filter(e -> marketo.importCount(e) == 2).count();
    assertThat(importedTwice).isEqualTo(25);
  }
}
