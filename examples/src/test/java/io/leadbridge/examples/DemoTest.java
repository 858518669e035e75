package io.leadbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.Rejection;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo end to end against the emulators, and every command-line mistake. */
class DemoTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private final ManualClock clock = ManualClock.create();

  private int demo(String[] args, Map<String, String> env) {
    return Demo.run(args, env, out, err, false, clock, clock.sleeper());
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theWholePipelineAccountsForEveryUserAgainstTheEmulatorsOwnRecords() throws IOException {
    DemoOptions options;
    try {
      options = DemoOptions.parse(new String[] {"--users", "2000", "--out", dir.toString()});
    } catch (DemoOptions.UsageException e) {
      throw new AssertionError(e);
    }
    try (DemoRun run = new DemoRun(options, Map.of(), out, err, false, clock, clock.sleeper())) {
      int status = run.execute();

      assertThat(status).as(err()).isZero();
      long served = run.auth0.exportedUsers(run.auth0JobId).count();
      Set<String> emails =
          run.auth0
              .exportedUsers(run.auth0JobId)
              .map(u -> (String) u.get("email"))
              .filter(e -> e != null && !e.isBlank())
              .map(e -> e.toLowerCase(Locale.ROOT))
              .collect(Collectors.toSet());
      assertThat(served).isEqualTo(2000);
      assertThat(run.export.entriesRead()).isEqualTo(served);
      assertThat(run.export.rowsWritten() + run.export.rowsRejected()).isEqualTo(served);
      assertThat(run.export.rowsWritten()).isEqualTo(emails.size());
      assertThat(run.export.rejectionCounts()).containsOnlyKeys(Rejection.Reason.MISSING_REQUIRED);
      assertThat(run.marketo.leads().keySet()).isEqualTo(emails);
      assertThat(run.marketo.maxImportCount()).isEqualTo(1);
      assertThat(run.report.leadsProcessed()).isEqualTo(emails.size());
      assertThat(run.alterian.rows()).isEqualTo(run.export.rowsWritten());
      String summary = out();
      assertThat(summary)
          .contains(String.format(Locale.ROOT, "users read           %,d", served))
          .contains(String.format(Locale.ROOT, "rows written         %,d", emails.size()))
          .contains(String.format(Locale.ROOT, "leads processed      %,d", emails.size()))
          .contains("rows failed          0")
          .contains("IMPORT-SETTINGS.txt")
          .doesNotContain(run.marketo.clientSecret())
          .doesNotContain(run.auth0.clientSecret());
    }
    assertThat(Files.exists(dir.resolve("alterian").resolve("SHA256SUMS"))).isTrue();
  }

  @Test
  void readsAnInputFileWithoutMarketoOrAlterian() throws IOException {
    Path input = dir.resolve("users.ndjson");
    SyntheticUsers.builder().count(300).seed(3).build().writeNdjson(input, true);
    int status =
        demo(
            new String[] {
              "--input",
              input.toString(),
              "--no-marketo",
              "--no-alterian",
              "--format",
              "csv",
              "--out",
              dir.resolve("o").toString()
            },
            Map.of());
    assertThat(status).as(err()).isZero();
    assertThat(out()).contains("users read           300");
    assertThat(dir.resolve("o").resolve("export").resolve("users.csv")).exists();
    assertThat(dir.resolve("o").resolve("alterian")).doesNotExist();
  }

  @Test
  void malformedInputExitsWithOne() throws IOException {
    Path input = dir.resolve("bad.ndjson");
    Files.writeString(input, "{\"user_id\":\"a\",\"email\":\"a@example.com\"}\n{oops\n");
    int status =
        demo(
            new String[] {
              "--input", input.toString(), "--no-marketo", "--no-alterian", "--out", dir.toString()
            },
            Map.of());
    assertThat(status).isEqualTo(1);
    assertThat(out()).contains("malformed input");
  }

  @Test
  void dryRunChecksTheHeaderAndUploadsNothing() {
    int status =
        demo(
            new String[] {"--users", "200", "--dry-run", "--no-alterian", "--out", dir.toString()},
            Map.of());
    assertThat(status).as(err()).isZero();
    assertThat(out()).contains("dry run").doesNotContain("Marketo batches");
  }

  @Test
  void aRemoteSystemThatRefusesExitsWithThreeAndSaysWhatToDo() {
    int status =
        demo(
            new String[] {"--users", "50", "--no-alterian", "--out", dir.toString()},
            Map.of(
                "MARKETO_ENDPOINT",
                "http://127.0.0.1:9",
                "MARKETO_CLIENT_ID",
                "x",
                "MARKETO_CLIENT_SECRET",
                "very-secret"));
    assertThat(status).isEqualTo(3);
    assertThat(err()).contains("could not finish").doesNotContain("very-secret");
  }

  @Test
  void helpPrintsTheUsage() {
    assertThat(demo(new String[] {"--help"}, Map.of())).isZero();
    assertThat(out()).contains("Usage: java -jar leadbridge-demo.jar").contains("--dry-run");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--bogus|unknown option --bogus",
        "--format xml|--format must be csv, tsv or ssv",
        "--users 0|--users must be between 1",
        "--users many|--users must be a whole number",
        "--list-id -3|--list-id must be between 1",
        "--list-id 0|--list-id must be between 1",
        "--input|--input needs a value",
        "--out|--out needs a value",
        "--lookup-field|--lookup-field needs a value",
        "--partition|--partition needs a value",
        "--mapping|--mapping needs a value",
        "stray|unexpected argument stray",
        "--input /no/such/file.json|no such file",
        "--mapping /no/such/mapping.txt|Cannot read the mapping file"
      })
  void aBadCommandLineGivesOneLineAndTheUsageWithExitTwo(String args, String message) {
    int status = demo(args.split(" "), Map.of());
    assertThat(status).isEqualTo(2);
    assertThat(err().lines().findFirst().orElse(""))
        .startsWith("leadbridge-demo: ")
        .contains(message);
    assertThat(err()).contains("Usage:");
  }

  @Test
  void halfSetEnvironmentIsABadCommandLine() {
    int status =
        demo(new String[] {"--out", dir.toString()}, Map.of("AUTH0_DOMAIN", "tenant.eu.auth0.com"));
    assertThat(status).isEqualTo(2);
    assertThat(err()).contains("AUTH0_CLIENT_ID");
  }
}
