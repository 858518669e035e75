package io.leadbridge.benchmarks;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Export throughput: {@code UserExporter.export} of an NDJSON file of synthetic users to TSV with
 * {@code FieldMapping.auth0Defaults()}, against {@link Floor} on the same file in the same run. One
 * operation is one whole export; users/s is {@code users / time per operation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ExportBenchmark {
  /** How many users the input file holds. */
  @Param("1000000")
  public int users;

  private Path dir;
  private Path input;
  private UserExporter exporter;

  /**
   * Writes the input file once per trial.
   *
   * @throws IOException if the file cannot be written
   */
  @Setup(Level.Trial)
  public void writeInput() throws IOException {
    dir = Files.createTempDirectory("leadbridge-bench");
    input = dir.resolve("users.ndjson");
    SyntheticUsers.builder().count(users).seed(7).build().writeNdjson(input, false);
    exporter =
        UserExporter.builder().mapping(FieldMapping.auth0Defaults()).format(CsvFormat.TSV).build();
  }

  /**
   * Deletes the files.
   *
   * @throws IOException if a file cannot be deleted
   */
  @TearDown(Level.Trial)
  public void deleteFiles() throws IOException {
    Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
  }

  /**
   * The export as a user writes it.
   *
   * @return the result, so that the work is not eliminated
   */
  @Benchmark
  public ExportResult leadbridge() {
    try (UserSource source = UserSource.ndjson(input)) {
      return exporter.export(source, dir.resolve("leadbridge.tsv"));
    }
  }

  /**
   * The floor: hand-written streaming parse and write.
   *
   * @return the users written
   * @throws IOException if a file cannot be read or written
   */
  @Benchmark
  public long floor() throws IOException {
    return Floor.export(input, dir.resolve("floor.tsv"));
  }
}
