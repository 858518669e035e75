package io.leadbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-iteration smoke runs: the benchmarks build and run; the real runs are by hand. */
class BenchmarkSmokeTest {
  @TempDir Path dir;

  @Test
  void floorWritesEveryUserWithTheDefaultColumns() throws IOException {
    Path input = dir.resolve("u.ndjson");
    io.leadbridge.testkit.SyntheticUsers.builder()
        .count(500)
        .seed(1)
        .build()
        .writeNdjson(input, false);
    assertThat(Floor.export(input, dir.resolve("floor.tsv"))).isEqualTo(500);
    List<String> lines = Files.readAllLines(dir.resolve("floor.tsv"));
    assertThat(lines.get(0)).startsWith("user_id\tgiven_name");
  }

  @Test
  void exportBenchmarkRunsOnceForBothSides() throws Exception {
    Map<String, Double> usersPerSecond = BenchmarkReport.export(BenchmarkReport.Settings.quick());
    assertThat(usersPerSecond).containsOnlyKeys("leadbridge", "floor");
    assertThat(usersPerSecond.values()).allMatch(v -> v > 0);
  }

  @Test
  void memoryProbeFinishesUnderA64MbHeap() throws Exception {
    long[] figures = BenchmarkReport.memory(BenchmarkReport.Settings.quick(), 3_000);
    assertThat(figures[0]).isPositive();
    assertThat(figures[1]).isPositive().isLessThan(64L << 20);
  }

  @Test
  void syncProbeWritesExactlyTheChangedUsersTheSecondTime() throws Exception {
    BenchmarkReport.Settings quick = BenchmarkReport.Settings.quick();
    for (String store : List.of("embedded", "postgres")) {
      Map<String, Long> r = BenchmarkReport.sync(quick, quick.largeSyncUsers, store);
      assertThat(r.get("exact")).isEqualTo(1);
      assertThat(r.get("stateUsers")).isPositive().isLessThan(quick.largeSyncUsers);
      assertThat(r.get("rows1")).isEqualTo(r.get("stateUsers"));
      assertThat(r.get("rows2")).isZero();
      assertThat(r.get("rows3")).isEqualTo(r.get("changed")).isPositive();
      assertThat(r.get("stateBytes")).isPositive();
      assertThat(r.get("maxLiveHeap3")).isPositive().isLessThan(r.get("maxHeap"));
      assertThat(BenchmarkReport.syncRow(quick, store, r, r)).contains("| sync, " + store);
    }
  }

  @Test
  void marketoImportProbeMeasuresAgainstTheIdeal() {
    MarketoImportProbe.Result r = MarketoImportProbe.run(20_000, 1_000, 150_000, dir);
    assertThat(r.parts()).isGreaterThan(2);
    assertThat(r.leads()).isEqualTo(20_000);
    assertThat(r.ratio()).isGreaterThan(0.5);
    assertThat(r.calls()).isGreaterThanOrEqualTo(r.minimumCalls());
    assertThat(r.byKind().total()).isEqualTo(r.calls());
    assertThat(BenchmarkReport.marketoRow(BenchmarkReport.Settings.quick(), r))
        .contains("API calls against a minimum of " + r.minimumCalls());
  }

  @Test
  void thePredictionOfFailuresAndWarningsIsWhatTheEmulatorDoes() {
    ValuePredictionProbe.Result r = ValuePredictionProbe.run(5_000, dir);
    assertThat(r.predictedRejected()).isPositive();
    assertThat(r.predictedWarned()).isPositive();
    assertThat(r.exact()).isTrue();
    assertThat(ValuePredictionProbe.row(r)).endsWith("| met |");
  }

  @Test
  void pollsOfALargeImportStayNearTheMinimumWithoutDelayingIt() {
    // 200,000 users in parts of about 1.3 MB, 5,000 rows/s: the figure's shape, at a fifth
    MarketoImportProbe.Result r = MarketoImportProbe.run(200_000, 5_000, 1_300_000, dir);
    assertThat(r.leads()).isEqualTo(200_000);
    assertThat(r.callRatio()).isLessThanOrEqualTo(1.5);
    assertThat(r.ratio()).isLessThanOrEqualTo(1.05);
  }

  @Test
  void aNearlyTenMegabytePartUploadsUnderA32MbHeap() throws Exception {
    long[] figures = BenchmarkReport.upload(BenchmarkReport.Settings.quick(), dir);
    assertThat(figures[0]).isPositive();
    assertThat(figures[1]).isLessThanOrEqualTo(40L << 20);
  }
}
