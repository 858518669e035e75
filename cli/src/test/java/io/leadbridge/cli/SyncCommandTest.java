package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.core.testing.EmbeddedPostgres;
import io.leadbridge.testkit.MarketoEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code leadbridge sync --config nightly.yaml} three nights in a row against the emulators, in
 * virtual time: everyone new, nothing changed, then exactly the users edited in between.
 */
class SyncCommandTest {
  @TempDir Path dir;
  private Fixture fixture;
  private long withEmail;
  private Set<String> emails;

  @BeforeEach
  void start() {
    fixture = new Fixture(dir, 1500, 10_000);
    emails = new HashSet<>();
    withEmail = 0;
    for (Map<String, Object> u : fixture.users) {
      Object email = u.get("email");
      if (email instanceof String && !((String) email).isBlank()) {
        withEmail++;
        emails.add(((String) email).strip().toLowerCase(Locale.ROOT));
      }
    }
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private Map<String, Object> sync(Cli cli, Path config, String... more) {
    String[] args =
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of("sync", "--config", config.toString(), "--json"),
                java.util.stream.Stream.of(more))
            .toArray(String[]::new);
    cli.reset();
    int status = cli.run(args);
    assertThat(status).as(cli.err()).isZero();
    assertThat(cli.out().lines().toList()).as("one JSON document").hasSize(1);
    Map<String, Object> doc = map(Json.parse(cli.out()));
    assertThat(doc)
        .containsEntry("command", "sync")
        .containsEntry("status", "ok")
        .containsEntry("exitCode", 0L);
    return doc;
  }

  @Test
  void threeNightsEveryoneNewThenNobodyThenExactlyTheEditedUsers() {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    long distinct = emails.size();
    long users = fixture.users.count();

    // night 1: everyone is new
    Map<String, Object> first = sync(cli, config);
    Map<String, Object> export = map(first.get("export"));
    assertThat(export)
        .containsEntry("usersRead", users)
        .containsEntry("rowsWritten", distinct)
        .containsEntry("rowsRejected", users - withEmail)
        .containsEntry("rowsMerged", withEmail - distinct);
    assertThat(map(export.get("rejectionsByReason")))
        .containsExactly(Map.entry("MISSING_REQUIRED", users - withEmail));
    Map<String, Object> sync = map(first.get("sync"));
    assertThat(sync)
        .containsEntry("baseGeneration", 0L)
        .containsEntry("newUsers", distinct)
        .containsEntry("changedUsers", 0L)
        .containsEntry("unchangedUsers", 0L);
    assertThat(map(sync.get("committed")))
        .containsEntry("generation", 1L)
        .containsEntry("users", withEmail)
        .containsEntry("rowsConfirmed", distinct)
        .containsEntry("rowsUnconfirmed", 0L);
    Map<String, Object> marketo = map(first.get("marketo"));
    assertThat(marketo)
        .containsEntry("leadsProcessed", distinct)
        .containsEntry("rowsFailed", 0L)
        .containsEntry("allImported", true);
    assertThat((List<?>) marketo.get("batches")).hasSize(1);
    assertThat(map(((List<?>) marketo.get("batches")).get(0)))
        .containsEntry("state", "complete")
        .containsEntry("resumed", false);
    assertThat(fixture.marketo.leads().keySet()).isEqualTo(emails);
    assertThat(fixture.marketo.maxImportCount()).isEqualTo(1);

    // night 2: nothing changed, nothing is sent
    Map<String, Object> second = sync(cli, config);
    assertThat(map(second.get("export"))).containsEntry("rowsWritten", 0L);
    assertThat(map(second.get("sync")))
        .containsEntry("newUsers", 0L)
        .containsEntry("changedUsers", 0L)
        .containsEntry("unchangedUsers", distinct);
    assertThat(map(map(second.get("sync")).get("committed"))).containsEntry("generation", 2L);
    assertThat(second).doesNotContainKey("marketo");
    assertThat(fixture.marketo.acceptedUploads()).isEqualTo(1);

    // night 3: exactly the edited users
    List<String> edited = fixture.auth0.updateUsers(12);
    Map<String, Object> third = sync(cli, config);
    assertThat(map(third.get("export"))).containsEntry("rowsWritten", 12L);
    assertThat(map(third.get("sync")))
        .containsEntry("newUsers", 0L)
        .containsEntry("changedUsers", 12L)
        .containsEntry("unchangedUsers", distinct - 12);
    assertThat(map(third.get("marketo"))).containsEntry("leadsProcessed", 12L);
    assertThat(map(map(third.get("sync")).get("committed")))
        .containsEntry("generation", 3L)
        .containsEntry("users", withEmail);
    Set<String> editedEmails = new HashSet<>();
    fixture.users.forEach(
        u -> {
          if (edited.contains(u.get("user_id"))) {
            editedEmails.add(((String) u.get("email")).strip().toLowerCase(Locale.ROOT));
          }
        });
    assertThat(editedEmails).hasSize(12);
    for (String email : emails) {
      assertThat(fixture.marketo.importCount(email))
          .as("imports of one lead")
          .isEqualTo(editedEmails.contains(email) ? 2 : 1);
    }
    try (SyncState state = SyncState.open(dir.resolve("state"))) {
      assertThat(state.generation()).isEqualTo(3);
    }
  }

  @Test
  void aPersonReadsProgressAndASummaryWithoutJson() {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    assertThat(cli.run("sync", "--config", config.toString())).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("== Source: Auth0 tenant " + fixture.auth0.domain())
        .contains("== Export: users to TSV files")
        .contains("== Marketo: instance " + fixture.marketo.endpoint())
        .contains("== Summary")
        .contains(String.format(Locale.ROOT, "leads processed      %,d", emails.size()))
        .contains("sync state           generation 1")
        .doesNotContain(fixture.marketo.clientSecret());
    assertThat(cli.err()).isEmpty();
    cli.reset();
    assertThat(cli.run("sync", "--config", config.toString())).isZero();
    assertThat(cli.out())
        .contains("nothing changed since the last run: nothing to send to Marketo");
  }

  @Test
  void optionsOverrideTheFileAndAnAlterianSectionAddsThePackage() {
    Path config =
        fixture.config("format: csv\nalterian:\n  tableName: People\n  folder: package\n");
    Cli cli = fixture.cli();
    Map<String, Object> doc =
        sync(cli, config, "--format", "tsv", "--out", dir.resolve("elsewhere").toString());
    assertThat(map(doc.get("export"))).containsEntry("format", "tsv");
    assertThat(dir.resolve("elsewhere").resolve("export").resolve("users.tsv")).exists();
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(map(doc.get("alterian")))
        .containsEntry("directory", dir.resolve("package").toString())
        .containsEntry("rows", (long) emails.size());
    assertThat(dir.resolve("package").resolve("People.csv")).exists();
  }

  @Test
  void aDryRunChecksAndSendsNothingAndLeavesTheStateAlone() {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    Map<String, Object> doc = sync(cli, config, "--dry-run");
    assertThat(map(doc.get("export"))).containsEntry("rowsWritten", (long) emails.size());
    assertThat(map(doc.get("sync"))).containsEntry("committed", null);
    assertThat(doc).doesNotContainKey("marketo");
    assertThat(map(doc.get("valueCheck")))
        .containsEntry("rowsChecked", (long) emails.size())
        .containsEntry("rowsRejected", 0L);
    assertThat(fixture.marketo.acceptedUploads()).isZero();
    try (SyncState state = SyncState.open(dir.resolve("state"))) {
      assertThat(state.generation()).isZero();
    }
    cli.reset();
    assertThat(cli.run("sync", "--config", config.toString(), "--dry-run")).isZero();
    assertThat(cli.out())
        .contains("value check: " + String.format(Locale.ROOT, "%,d", emails.size()) + " rows");
  }

  @Test
  @EnabledIf("io.leadbridge.core.testing.EmbeddedPostgres#available")
  void aStateInPostgresqlIsNamedByItsUrlAndRemembersBetweenRuns() throws Exception {
    EmbeddedPostgres server = EmbeddedPostgres.shared();
    Path config = fixture.config("");
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "  folder: state\n",
                "  jdbcUrl: "
                    + server.url()
                    + "\n  tablePrefix: cli_nightly_\n  user: postgres\n"));
    Cli cli = fixture.cli();
    Map<String, Object> first = sync(cli, config);
    assertThat(map(first.get("sync")))
        .containsEntry("newUsers", (long) emails.size())
        .containsEntry("state", "PostgreSQL " + server.url() + " (tables cli_nightly_*)");
    Map<String, Object> second = sync(cli, config);
    assertThat(map(second.get("export"))).containsEntry("rowsWritten", 0L);
    assertThat(map(map(second.get("sync")).get("committed"))).containsEntry("generation", 2L);
    assertThat(dir.resolve("state")).doesNotExist();
  }

  /**
   * A nightly run stops after Marketo accepted its batch (the daily quota runs out while it polls);
   * the next night runs in a new container, with an empty output folder but the same state: it
   * finds the batch in the state, waits on it and sends nothing again.
   */
  @Test
  void aRunInANewContainerAfterACrashWaitsOnTheBatchTheStateRecorded() throws IOException {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    fixture.marketo.failWithCode(MarketoEmulator.Endpoint.STATUS, 1, "607");
    cli.reset();
    assertThat(cli.run("sync", "--config", config.toString(), "--json")).isNotZero();
    assertThat(fixture.marketo.acceptedUploads()).isEqualTo(1);

    Files.writeString(
        config, Files.readString(config).replace("output: out\n", "output: elsewhere\n"));
    Map<String, Object> rerun = sync(cli, config);
    assertThat(map(rerun.get("export"))).containsEntry("rowsWritten", (long) emails.size());
    List<?> batches = (List<?>) map(rerun.get("marketo")).get("batches");
    assertThat(batches)
        .singleElement()
        .satisfies(b -> assertThat(map(b)).containsEntry("resumed", true));
    assertThat(map(map(rerun.get("sync")).get("committed")))
        .containsEntry("rowsConfirmed", (long) emails.size());
    assertThat(fixture.marketo.acceptedUploads()).isEqualTo(1);
    assertThat(fixture.marketo.maxImportCount()).isEqualTo(1);
    assertThat(dir.resolve("elsewhere")).exists();
  }

  @Test
  void aLookupFieldTheExportDoesNotHaveIsRefusedBeforeTheExport() {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    assertThat(cli.run("sync", "--config", config.toString(), "--lookup-field", "emial"))
        .isEqualTo(2);
    assertThat(cli.err())
        .startsWith("leadbridge: --lookup-field emial is not a column of the export");
    assertThat(fixture.auth0.jobIds()).isEmpty();
    assertThat(Files.exists(dir.resolve("out").resolve("export"))).isFalse();
  }

  @Test
  void aValueChangedBackIsSentAgainNotTakenForTheFirstNightsImport() throws Exception {
    Path config = fixture.config("");
    Cli cli = fixture.cli();
    Path input = dir.resolve("users.ndjson");
    for (String[] night :
        new String[][] {{"Ann", "2026-01-01"}, {"Anna", "2026-01-02"}, {"Ann", "2026-01-03"}}) {
      Files.writeString(
          input,
          "{\"user_id\":\"auth0|1\",\"email\":\"a@x.com\",\"given_name\":\""
              + night[0]
              + "\",\"updated_at\":\""
              + night[1]
              + "T00:00:00Z\"}\n");
      Map<String, Object> doc = sync(cli, config, "--input", input.toString());
      assertThat(map(doc.get("export"))).containsEntry("rowsWritten", 1L);
      assertThat(fixture.marketo.leads().get("a@x.com")).containsEntry("firstName", night[0]);
    }
    assertThat(fixture.marketo.importCount("a@x.com")).isEqualTo(3);
  }
}
