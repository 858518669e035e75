package io.leadbridge.marketo;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.MarketoEmulator;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status polls against the emulator: about one a batch once the rate is known, none late. */
class PollingTest {
  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private MarketoEmulator marketo;

  @AfterEach
  void stop() {
    if (marketo != null) {
      marketo.close();
    }
  }

  private ExportResult export(int n, long partBytes) {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("user_id", "auth0|" + i);
      u.put("email", "user" + i + "@example.com");
      u.put("given_name", "Given" + i);
      users.add(u);
    }
    return UserExporter.builder()
        .mapping(MarketoFields.auth0Defaults())
        .format(CsvFormat.TSV)
        .maxFileBytes(partBytes)
        .build()
        .export(UserSource.of(users), dir.resolve("users.tsv"));
  }

  private MarketoBulkLeadClient client() {
    return MarketoBulkLeadClient.builder()
        .endpoint(marketo.endpoint())
        .clientId(marketo.clientId())
        .clientSecret(marketo.clientSecret())
        .clock(clock)
        .sleeper(clock.sleeper())
        .build();
  }

  @Test
  void nineBatchesCostThirteenPollsAndFinishWithinTheIdealTime() {
    marketo = MarketoEmulator.builder().rowsPerSecond(1_000).clock(clock).start();
    ExportResult export = export(90_000, 380_000); // 9 parts of 10,000 rows: 10 s each

    ImportReport report =
        client().importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());

    int parts = report.batches().size();
    assertThat(parts).isEqualTo(9);
    // two readings of the first two batches to learn the rate, then one poll at each end
    assertThat(report.callsByKind().statusPolls()).isEqualTo(parts + 4);
    assertThat(marketo.requests(Endpoint.STATUS)).hasSize(parts + 4);
    long minimum = 3 + 2L * parts; // token, describe, usage; an upload and a last poll per part
    assertThat(report.calls()).isLessThanOrEqualTo(minimum * 3 / 2);
    Duration ideal = Duration.ofMillis(90_000 * 1000L / (2 * 1_000)).plusSeconds(5);
    assertThat(report.elapsed().toMillis()).isLessThanOrEqualTo(ideal.toMillis() * 105 / 100);
    assertThat(marketo.leads()).hasSize(90_000);
  }

  @Test
  void everyBatchIsSeenCompleteWithinAShortPollOfItsEnd() {
    marketo = MarketoEmulator.builder().rowsPerSecond(500).clock(clock).start();
    ExportResult export = export(30_000, 200_000); // parts of about 6,700 rows: 13 s each

    ImportReport report =
        client().importAndAwait(export, ImportOptions.builder().format(CsvFormat.TSV).build());

    // a batch's rows at 500 rows/s from its upload (each starts at once: two slots, two of ours)
    List<MarketoEmulator.Request> uploads = marketo.requests(Endpoint.UPLOAD);
    List<MarketoEmulator.Request> polls = marketo.requests(Endpoint.STATUS);
    for (int b = 2; b < report.batches().size(); b++) { // the rate is known from the third on
      ImportReport.Batch batch = report.batches().get(b);
      String path = "/bulk/v1/leads/batch/" + batch.batchId() + ".json";
      List<MarketoEmulator.Request> mine =
          polls.stream().filter(r -> r.path().equals(path)).toList();
      assertThat(mine).as("polls of batch " + b).hasSize(1);
      java.time.Instant end = uploads.get(b).at().plusMillis(batch.leadsProcessed() * 1000L / 500);
      assertThat(Duration.between(end, mine.get(0).at()))
          .isBetween(Duration.ZERO, Duration.ofSeconds(1));
    }
  }
}
