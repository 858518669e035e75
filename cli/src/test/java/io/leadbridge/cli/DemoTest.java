package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.Rejection;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.SyntheticUsers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    return Cli.run(env, new ByteArrayInputStream(new byte[0]), out, err, clock, Cli.demo(args));
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theWholePipelineAccountsForEveryUserAgainstTheEmulatorsOwnRecords() throws IOException {
    DemoCommand options = DemoCommand.parse("--users", "2000", "--out", dir.toString());
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
      assertThat(run.export.rowsWritten() + run.export.rowsRejected() + run.export.rowsMerged())
          .isEqualTo(served);
      assertThat(run.export.rowsMerged()).isPositive(); // some users share an email
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

  private DemoRun syncRun(ManualClock later, String... args) {
    return new DemoRun(DemoCommand.parse(args), Map.of(), out, err, false, later, later.sleeper());
  }

  @Test
  void withAStateTheSecondRunSendsNobodyAndARunAfterEditsSendsExactlyThoseUsers() {
    // after every synthetic updated_at, so that edited users are the most recently updated
    ManualClock later = ManualClock.at(java.time.Instant.parse("2027-01-01T00:00:00Z"));
    String state = dir.resolve("state").toString();
    String outDir = dir.resolve("o").toString();
    long written;
    try (DemoRun first = syncRun(later, "--users", "1500", "--state", state, "--out", outDir)) {
      assertThat(first.execute()).as(err()).isZero();
      written = first.export.rowsWritten();
      assertThat(first.export.sync().orElseThrow().newUsers()).isEqualTo(written);
      assertThat(first.marketo.leads()).hasSize((int) written);
      assertThat(first.committed.generation()).isEqualTo(1);
    }
    try (DemoRun second = syncRun(later, "--users", "1500", "--state", state, "--out", outDir)) {
      assertThat(second.execute()).as(err()).isZero();
      assertThat(second.export.rowsWritten()).isZero();
      assertThat(second.export.sync().orElseThrow().unchangedUsers()).isEqualTo(written);
      assertThat(second.marketo).as("no Marketo started when nothing is sent").isNull();
      assertThat(second.alterian).isNull();
    }
    assertThat(out()).contains("nothing changed since the last run: nothing to send to Marketo");
    try (DemoRun third =
        syncRun(later, "--users", "1500", "--state", state, "--out", outDir, "--change", "12")) {
      assertThat(third.execute()).as(err()).isZero();
      assertThat(third.changedUsers).hasSize(12);
      List<String> sent = new java.util.ArrayList<>();
      third.export.rowKeys().orElseThrow().forEach(k -> sent.add(k.userId()));
      assertThat(sent).containsExactlyInAnyOrderElementsOf(third.changedUsers);
      assertThat(third.marketo.leads()).hasSize(12);
      assertThat(third.report.allImported()).isTrue();
      assertThat(third.committed.generation()).isEqualTo(3);
    }
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
    assertThat(out())
        .contains("dry run")
        .containsPattern("value check: [0-9,]+ rows checked; Marketo would refuse 0 and")
        .doesNotContain("Marketo batches");
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
    assertThat(out()).contains("Usage: leadbridge demo").contains("--dry-run");
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
        "--mapping /no/such/mapping.txt|Cannot read the mapping file",
        "--change 0|--change must be between 1",
        "--state|--state needs a value",
        "--input-format xml|Unknown input format 'xml'",
        "--uncertain-uploads maybe|--uncertain-uploads must be resolve, report or upload-again",
        "--users 10 --change 50|--change 50: Cannot change 50 users",
        "--input pom.xml --change 3|--change edits users of the emulated Auth0 tenant"
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
