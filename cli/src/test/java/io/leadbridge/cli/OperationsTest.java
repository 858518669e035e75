package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each operation end to end against the emulators, in virtual time: export, import, status,
 * failures, warnings, fields, alterian and emulators.
 */
class OperationsTest {
  @TempDir Path dir;
  private Fixture fixture;
  private Cli cli;
  private Path config;

  @BeforeEach
  void start() {
    fixture = new Fixture(dir, 300, 10_000);
    cli = fixture.cli();
    config = fixture.config("");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  /** Runs a command with {@code --json}; checks its exit status; returns the document. */
  private Map<String, Object> json(int expected, String... args) {
    cli.reset();
    String[] all = new String[args.length + 3];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config.toString();
    all[args.length + 2] = "--json";
    assertThat(cli.run(all)).as(cli.err()).isEqualTo(expected);
    Map<String, Object> doc = map(Json.parse(cli.out()));
    assertThat(doc).containsEntry("exitCode", (long) expected);
    return doc;
  }

  private Path users(String... lines) throws IOException {
    Path file = dir.resolve("users.ndjson");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static String user(int n, String email, String givenName) {
    return "{\"user_id\":\"auth0|"
        + n
        + "\",\"email\":"
        + Json.quote(email)
        + ",\"given_name\":"
        + Json.quote(givenName)
        + "}";
  }

  @Test
  void exportFromTheTenantThenImportThenStatus() {
    Map<String, Object> export = map(json(0, "export").get("export"));
    long written = (Long) export.get("rowsWritten");
    assertThat(written).isPositive();
    assertThat(dir.resolve("out").resolve("export").resolve("users.tsv")).exists();
    assertThat(fixture.marketo.acceptedUploads()).isZero();

    Map<String, Object> marketo = map(json(0, "import").get("marketo"));
    assertThat(marketo).containsEntry("leadsProcessed", written).containsEntry("rowsFailed", 0L);
    long batch = (Long) map(((List<?>) marketo.get("batches")).get(0)).get("batchId");
    assertThat(fixture.marketo.leads()).hasSize((int) written);

    // a second import of the same files waits on nothing and uploads nothing: the journal has it
    Map<String, Object> again = map(json(0, "import").get("marketo"));
    assertThat(map(((List<?>) again.get("batches")).get(0))).containsEntry("resumed", true);
    assertThat(fixture.marketo.acceptedUploads()).isEqualTo(1);

    Map<String, Object> status = map(json(0, "status", String.valueOf(batch)).get("batch"));
    assertThat(status)
        .containsEntry("batchId", batch)
        .containsEntry("state", "complete")
        .containsEntry("leadsProcessed", written);
    cli.reset();
    assertThat(cli.run("status", "--config", config.toString(), String.valueOf(batch))).isZero();
    assertThat(cli.out()).startsWith("batch " + batch + ": complete, ");
  }

  @Test
  void exportAFileInAnotherFormatWithOptionsOverTheFile() throws IOException {
    Path input = users(user(1, "a@x.com", "Ann"), user(2, "b@x.com", "Bob"), "{oops");
    Path out = dir.resolve("elsewhere");
    Map<String, Object> export =
        map(
            json(
                    1,
                    "export",
                    "--input",
                    input.toString(),
                    "--format",
                    "csv",
                    "--out",
                    out.toString())
                .get("export"));
    assertThat(export)
        .containsEntry("usersRead", 3L)
        .containsEntry("rowsWritten", 2L)
        .containsEntry("format", "csv");
    assertThat(map(export.get("rejectionsByReason"))).containsEntry("MALFORMED_INPUT", 1L);
    assertThat(out.resolve("export").resolve("users.csv")).exists();
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(fixture.auth0.jobIds()).isEmpty();
  }

  @Test
  void anAuth0CsvExportWritesTheSameFilesAsTheSameUsersInJson() throws IOException {
    Path ndjson = users(user(1, "a@x.com", "Ann"), user(2, "b@x.com", "=1+2"));
    // Auth0's CSV: field names as headers, strings quoted, a formula guarded with '
    Path csv = dir.resolve("users.txt");
    Files.writeString(
        csv,
        "user_id,email,given_name\n"
            + "\"auth0|1\",\"a@x.com\",\"Ann\"\n"
            + "\"auth0|2\",\"b@x.com\",\"'=1+2\"\n",
        StandardCharsets.UTF_8);
    Path fromJson = dir.resolve("from-json");
    Path fromCsv = dir.resolve("from-csv");
    json(0, "export", "--input", ndjson.toString(), "--out", fromJson.toString());
    Map<String, Object> export =
        map(
            json(
                    0,
                    "export",
                    "--input",
                    csv.toString(),
                    "--input-format",
                    "csv",
                    "--out",
                    fromCsv.toString())
                .get("export"));
    assertThat(export).containsEntry("usersRead", 2L).containsEntry("rowsWritten", 2L);
    Path file = Path.of("export", "users.tsv");
    assertThat(Files.readString(fromCsv.resolve(file)))
        .isEqualTo(Files.readString(fromJson.resolve(file)))
        .contains("=1+2");

    cli.reset();
    assertThat(
            cli.run(
                "export",
                "--config",
                config.toString(),
                "--input",
                csv.toString(),
                "--input-format",
                "xml"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("expected one of auto, ndjson, json, csv, tsv, not 'xml'");
  }

  @Test
  void importAsProgramMembersWithAStatusOrRefuseAStatusTheProgramHasNot() throws IOException {
    Path input = users(user(1, "a@x.com", "Ann"), user(2, "b@x.com", "Bob"));
    json(0, "export", "--input", input.toString());
    String program = String.valueOf(Fixture.PROGRAM);

    cli.reset();
    assertThat(
            cli.run(
                "import",
                "--config",
                config.toString(),
                "--program-id",
                program,
                "--member-status",
                "Registred"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("Registred").contains("Registered");
    assertThat(fixture.marketo.acceptedUploads()).isZero();

    Map<String, Object> marketo =
        map(
            json(0, "import", "--program-id", program, "--member-status", "Registered")
                .get("marketo"));
    assertThat(marketo).containsEntry("rowsFailed", 0L);
    assertThat(fixture.marketo.programMembers(Fixture.PROGRAM))
        .containsOnlyKeys("a@x.com", "b@x.com");
    assertThat(fixture.marketo.programMembers(Fixture.PROGRAM).get("a@x.com"))
        .containsEntry("statusName", "Registered");
    assertThat(fixture.marketo.leads()).containsKeys("a@x.com", "b@x.com");

    // the batch is read on the program members' paths
    String batch = String.valueOf(map(((List<?>) marketo.get("batches")).get(0)).get("batchId"));
    assertThat(map(json(0, "status", "--program-id", program, batch).get("batch")))
        .containsEntry("state", "complete")
        .containsEntry("leadsProcessed", 2L);
    assertThat(map(json(0, "failures", "--program-id", program, batch).get("failures")))
        .containsEntry("rows", 0L);
    assertThat(map(json(0, "warnings", "--program-id", program, batch).get("warnings")))
        .containsEntry("rows", 0L);

    cli.reset();
    assertThat(cli.run("import", "--config", config.toString(), "--program-id", program))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--program-id and --member-status go together");
  }

  @Test
  void failuresAndWarningsOfABatchAreCountedByReasonOrWrittenWhereAsked() throws IOException {
    String longName = "N".repeat(300);
    Path input =
        users(
            user(1, "a@x.com", "Ann"),
            user(2, "not-an-email", "Bob"),
            user(3, "also@wrong", "Cy"),
            user(4, "d@x.com", longName));
    json(0, "export", "--input", input.toString());
    // sent anyway, so that Marketo's own failure file is read (by default they are left out)
    Map<String, Object> marketo = map(json(1, "import", "--rejected-rows", "send").get("marketo"));
    assertThat(marketo).containsEntry("rowsFailed", 2L).containsEntry("rowsWithWarning", 1L);
    assertThat(map(marketo.get("failuresByReason")))
        .containsExactly(Map.entry("Invalid email address", 2L));
    String batch = String.valueOf(map(((List<?>) marketo.get("batches")).get(0)).get("batchId"));

    Map<String, Object> failures = map(json(0, "failures", batch).get("failures"));
    assertThat(failures).containsEntry("rows", 2L);
    assertThat(map(failures.get("byReason"))).containsEntry("Invalid email address", 2L);
    cli.reset();
    assertThat(cli.run("failures", batch, "--config", config.toString())).isZero();
    assertThat(cli.out())
        .contains("batch " + batch + ": 2 row(s) in its failures")
        .contains("Invalid email address")
        .doesNotContain("not-an-email");

    Path file = dir.resolve("failed.tsv");
    json(0, "failures", batch, "--output", file.toString());
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("email\t").endsWith("\tImport Failure Reason");
    assertThat(String.join("\n", lines)).contains("not-an-email").contains("also@wrong");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    Map<String, Object> warnings = map(json(0, "warnings", batch).get("warnings"));
    assertThat(warnings).containsEntry("rows", 1L);
    assertThat(map(warnings.get("byReason")))
        .containsExactly(Map.entry("Value for field 'firstName' truncated to 255 characters", 1L));
    cli.reset();
    assertThat(cli.run("warnings", batch, "--config", config.toString(), "--output", "-")).isZero();
    assertThat(cli.out().lines().toList()).hasSize(2);
    assertThat(cli.out()).contains(longName).contains("Import Warning Reason");
  }

  @Test
  void fieldsListsTheInstancesLeadFields() {
    List<?> fields = (List<?>) json(0, "fields").get("fields");
    assertThat(fields).hasSize(io.leadbridge.testkit.MarketoEmulator.STANDARD_FIELDS.size());
    assertThat(map(fields.get(1)))
        .containsEntry("name", "email")
        .containsEntry("displayName", "Email Address")
        .containsEntry("updateable", true);
    cli.reset();
    assertThat(cli.run("fields", "--config", config.toString())).isZero();
    assertThat(cli.out()).startsWith("NAME").contains("firstName").contains("First Name");
  }

  @Test
  void alterianPackagesTheLastExport() {
    long written = (Long) map(json(0, "export").get("export")).get("rowsWritten");
    Map<String, Object> pkg =
        map(
            json(
                    0,
                    "alterian",
                    "--table",
                    "People",
                    "--import-mode",
                    "update",
                    "--key-column",
                    "email")
                .get("alterian"));
    assertThat(pkg).containsEntry("rows", written);
    Path folder = dir.resolve("out").resolve("alterian");
    assertThat(folder.resolve("People.csv")).exists();
    assertThat(folder.resolve("SHA256SUMS")).exists();
    assertThat(folder.resolve("IMPORT-SETTINGS.txt")).content().contains("People");
  }

  @Test
  void importAndAlterianWithoutAnExportSayWhatToDo() {
    cli.reset();
    assertThat(cli.run("import", "--config", config.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("run leadbridge export first");
    cli.reset();
    assertThat(cli.run("alterian", "--config", config.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("run leadbridge export first");
  }

  @Test
  void emulatorsPrintTheirEndpointsAndRunUntilStopped() throws Exception {
    Cli emulators = new Cli(fixture.clock, Map.of());
    CompletableFuture<Integer> running =
        CompletableFuture.supplyAsync(() -> emulators.run("emulators", "--users", "5"));
    String line = null;
    for (int i = 0; i < 200 && line == null; i++) {
      line = emulators.out().lines().findFirst().orElse(null);
      if (line == null) {
        Thread.sleep(25);
      }
    }
    assertThat(line).as(emulators.err()).isNotNull();
    Map<String, Object> doc = map(Json.parse(line));
    assertThat(map(doc.get("auth0"))).containsKeys("domain", "clientId", "clientSecret");
    assertThat(map(doc.get("marketo"))).containsKeys("endpoint", "clientId", "clientSecret");
    emulators.interruption.trigger(Interruption.Signal.TERM);
    assertThat(running.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(emulators.err()).contains("emulators stopped");
  }
}
