package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daily quota: read before the first upload, estimated, and every call counted by kind. */
class QuotaTest {
  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private MarketoEmulator marketo;

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
        .maxFileBytes(40_000)
        .build();
  }

  private ExportResult export(int n) {
    return UserExporter.builder()
        .mapping(MarketoFields.auth0Defaults())
        .format(CsvFormat.TSV)
        .build()
        .export(UserSource.of(ImportAndAwaitTest.users(n)), dir.resolve("users.tsv"));
  }

  private static ImportOptions.Builder options() {
    return ImportOptions.builder().format(CsvFormat.TSV).rejectedRows(ImportOptions.RowPolicy.SEND);
  }

  @Test
  void refusesToStartWhenTheQuotaLeftCannotCoverTheImportNamingBothNumbers() {
    marketo =
        MarketoEmulator.builder()
            .dailyQuota(50_000, 49_970)
            .rowsPerSecond(5_000)
            .clock(clock)
            .start();
    ExportResult export = export(5_000); // about 6 parts of 40 KB

    assertThatThrownBy(() -> client().importAndAwait(export, options().build()))
        .isInstanceOf(MarketoQuotaException.class)
        .hasMessageMatching(
            "(?s)Not starting the import: it needs about \\d+ more API calls .*and the instance has"
                + " 2[0-9] left of its daily quota of 50,000 \\(49,97[0-9] used today by every"
                + " integration\\).*")
        .satisfies(
            e -> {
              QuotaCheck q = ((MarketoQuotaException) e).quota();
              assertThat(q.sufficient()).isFalse();
              assertThat(q.callsNeeded()).isGreaterThan(q.remaining());
              assertThat(q.estimate().uploads()).isEqualTo(q.estimate().statusPolls() / 3);
            });
    assertThat(marketo.requests(Endpoint.UPLOAD)).isEmpty();
    assertThat(marketo.requests(Endpoint.USAGE)).hasSize(1);
  }

  @Test
  void aQuotaGivenInTheOptionsIsTheOneChecked() {
    marketo =
        MarketoEmulator.builder()
            .dailyQuota(100_000, 49_970)
            .rowsPerSecond(5_000)
            .clock(clock)
            .start();
    ExportResult export = export(5_000);

    assertThatThrownBy(() -> client().importAndAwait(export, options().build()))
        .isInstanceOf(MarketoQuotaException.class);
    ImportReport report = client().importAndAwait(export, options().dailyQuota(100_000).build());

    assertThat(report.quota()).hasValueSatisfying(q -> assertThat(q.sufficient()).isTrue());
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
  }

  @Test
  void startsWhenTheQuotaCoversTheImportAndCountsEveryCallByKind() {
    marketo = MarketoEmulator.builder().rowsPerSecond(5_000).clock(clock).start();
    marketo.addForeignCalls(1_234);
    ExportResult export = export(5_000);

    ImportReport report = client().importAndAwait(export, options().build());

    QuotaCheck q = report.quota().orElseThrow();
    assertThat(q.usedToday()).isBetween(1_235L, 1_240L); // the others', the token's and ours
    assertThat(q.dailyQuota()).isEqualTo(50_000);
    assertThat(q.estimate().uploads()).isEqualTo(report.batches().size());
    // room for one lost answer: three lookups of its leads
    assertThat(q.estimate().leadLookups()).isEqualTo(UncertainPart.MAX_LOOKS);
    assertThat(q.estimate().total()).isGreaterThanOrEqualTo(report.calls());
    ImportCalls made = report.callsByKind();
    assertThat(made.total()).isEqualTo(report.calls());
    assertThat(made.tokens()).isEqualTo(marketo.requests(Endpoint.TOKEN).size());
    assertThat(made.fieldDescriptions()).isEqualTo(marketo.requests(Endpoint.DESCRIBE).size());
    assertThat(made.usage()).isEqualTo(1);
    assertThat(made.uploads()).isEqualTo(marketo.requests(Endpoint.UPLOAD).size());
    assertThat(made.statusPolls()).isEqualTo(marketo.requests(Endpoint.STATUS).size());
    assertThat(made.files())
        .isEqualTo(
            marketo.requests(Endpoint.FAILURES).size()
                + marketo.requests(Endpoint.WARNINGS).size());
    assertThat(made.leadLookups()).isZero();
    assertThat(marketo.callsToday()).isEqualTo(1_234 + report.calls() - made.tokens());
  }

  @Test
  void anUnreadableUsageDoesNotStopTheImport() {
    marketo = MarketoEmulator.builder().rowsPerSecond(5_000).clock(clock).start();
    marketo.failWithCode(Endpoint.USAGE, 1, "603");
    ImportReport report = client().importAndAwait(export(1_000), options().build());
    assertThat(report.quota()).hasValueSatisfying(q -> assertThat(q.usedToday()).isEqualTo(-1));
    assertThat(report.batches()).allMatch(b -> b.state() == BatchStatus.State.COMPLETE);
  }

  @Test
  void theQuotaUsedUpMidRunStopsWith607() {
    marketo = MarketoEmulator.builder().rowsPerSecond(5_000).clock(clock).start();
    ExportResult export = export(5_000);
    MarketoBulkLeadClient client = client();
    // exactly enough for the estimate, then other integrations take the rest
    marketo.addForeignCalls(50_000 - 60);
    marketo.failWithCode(Endpoint.STATUS, 2, "607");
    assertThatThrownBy(() -> client.importAndAwait(export, options().build()))
        .isInstanceOf(MarketoServiceException.class)
        .hasMessageContaining("607")
        .hasMessageContaining("daily API quota");
  }
}
