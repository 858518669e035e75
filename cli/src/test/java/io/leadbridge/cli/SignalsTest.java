package io.leadbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.FolderLock;
import io.leadbridge.core.sync.SyncState;
import io.leadbridge.testkit.MarketoEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and SIGINT sent to {@code leadbridge} in a process of its own, as a scheduler or a person
 * sends them, in the middle of an export and of an import: the run stops within seconds, leaves no
 * file that looks whole, never commits, says what the next run will do and exits 143 (130); the
 * next run finishes with nothing lost and nothing imported twice. The emulators run in this JVM on
 * the real clock, slow enough to be caught in the act.
 */
class SignalsTest {
  private static final Duration STOPS_WITHIN = Duration.ofSeconds(10);
  private static final Duration RUN = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Set<String> emails(Iterable<Map<String, Object>> users) {
    Set<String> emails = new HashSet<>();
    for (Map<String, Object> u : users) {
      Object e = u.get("email");
      if (e instanceof String && !((String) e).isBlank()) {
        emails.add(((String) e).strip().toLowerCase(Locale.ROOT));
      }
    }
    return emails;
  }

  @Test
  void sigtermDuringTheImportStopsWithoutCommittingAndTheNextRunImportsNothingTwice()
      throws Exception {
    try (Fixture f = new Fixture(dir, 1200, 400, Clock.systemUTC(), Duration.ofMillis(300))) {
      Path config = f.config("maxFileBytes: 20000\n");
      long started;
      try (ChildCli run = ChildCli.start(dir, f.env(), "sync", "--config", config.toString())) {
        run.await("uploaded a part", RUN, () -> f.marketo.acceptedUploads() >= 1);
        started = System.nanoTime();
        run.signal("TERM");
        assertThat(run.exit(STOPS_WITHIN)).as(run.err()).isEqualTo(143);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(STOPS_WITHIN);
        assertThat(run.err())
            .contains("leadbridge: SIGTERM received during the Marketo import")
            .contains("leadbridge: stopped by SIGTERM during the Marketo import.")
            .containsPattern("Marketo had accepted \\d of \\d part\\(s\\)")
            .contains("The sync state was not committed: the next run")
            .doesNotContain(f.marketo.clientSecret());
      }
      assertThat(SyncState.open(dir.resolve("state")).generation()).isZero();
      List<String> export = names(dir.resolve("out").resolve("export"));
      assertThat(export).contains("users-001.tsv.marketo-journal");
      assertThat(export).noneMatch(n -> n.endsWith(".tmp") || n.equals(FolderLock.NAME));
      assertThat(names(dir.resolve("out"))).doesNotContain(FolderLock.NAME);
      int acceptedBefore = f.marketo.acceptedUploads();
      int parts = (int) export.stream().filter(n -> n.matches("users-\\d{3}\\.tsv")).count();
      assertThat(parts).isGreaterThan(acceptedBefore);

      try (ChildCli rerun =
          ChildCli.start(dir, f.env(), "sync", "--config", config.toString(), "--json")) {
        assertThat(rerun.exit(RUN)).as(rerun.err()).isZero();
        Map<String, Object> doc = Json.object(Json.parse(rerun.out()));
        List<?> batches = (List<?>) Json.object(doc.get("marketo")).get("batches");
        assertThat(batches).hasSize(parts);
        assertThat(batches.stream().filter(b -> Boolean.TRUE.equals(Json.object(b).get("resumed"))))
            .hasSize(acceptedBefore);
      }
      assertThat(f.marketo.acceptedUploads()).as("no part uploaded twice").isEqualTo(parts);
      assertThat(f.marketo.maxImportCount()).as("no lead imported twice").isEqualTo(1);
      assertThat(f.marketo.leads().keySet()).isEqualTo(emails(f.users));
      assertThat(SyncState.open(dir.resolve("state")).generation()).isEqualTo(1);
    }
  }

  @Test
  void sigtermDuringTheExportLeavesNoFileAndTheNextRunSendsEveryone() throws Exception {
    try (Fixture f = new Fixture(dir, 1500, 100_000, Clock.systemUTC(), Duration.ofMillis(300))) {
      Path config = f.config("");
      List<String> lines = f.users.stream().map(Json::write).toList();
      Path export = dir.resolve("out").resolve("export");
      try (ChildCli run =
          ChildCli.start(dir, f.env(), "sync", "--config", config.toString(), "--input", "-")) {
        OutputStream stdin = run.stdin();
        for (String line : lines.subList(0, 500)) {
          stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        stdin.flush();
        run.await(
            "started writing the export",
            RUN,
            () -> {
              try {
                return names(export).stream().anyMatch(n -> n.endsWith(".tmp"));
              } catch (IOException e) {
                return false;
              }
            });
        Thread feeder =
            new Thread(
                () -> {
                  try {
                    for (String line : lines.subList(500, lines.size())) {
                      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                      stdin.flush();
                      Thread.sleep(5);
                    }
                  } catch (IOException | InterruptedException e) {
                    // the child stopped reading
                  }
                });
        feeder.setDaemon(true);
        feeder.start();
        long started = System.nanoTime();
        run.signal("TERM");
        assertThat(run.exit(STOPS_WITHIN)).as(run.err()).isEqualTo(143);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(STOPS_WITHIN);
        feeder.interrupt();
        assertThat(run.err())
            .contains("leadbridge: stopped by SIGTERM during the export.")
            .contains("No export file was kept and the sync state is unchanged (generation 0)")
            .doesNotContain("did not stop");
      }
      assertThat(names(export)).as("nothing that looks whole, nothing temporary").isEmpty();
      assertThat(names(dir.resolve("out"))).containsExactly("export");
      assertThat(SyncState.open(dir.resolve("state")).generation()).isZero();
      assertThat(f.marketo.acceptedUploads()).isZero();

      try (ChildCli rerun =
          ChildCli.start(
              dir, f.env(), "sync", "--config", config.toString(), "--input", "-", "--json")) {
        try (OutputStream stdin = rerun.stdin()) {
          for (String line : lines) {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
        assertThat(rerun.exit(RUN)).as(rerun.err()).isZero();
        Map<String, Object> doc = Json.object(Json.parse(rerun.out()));
        assertThat(Json.object(doc.get("export"))).containsEntry("usersRead", 1500L);
      }
      assertThat(f.marketo.leads().keySet()).isEqualTo(emails(f.users));
      assertThat(f.marketo.maxImportCount()).isEqualTo(1);
      assertThat(SyncState.open(dir.resolve("state")).generation()).isEqualTo(1);
    }
  }

  @Test
  void aRunStuckInACallExitsAfterTheGraceWithItsDocumentAndTheNextRunResumes() throws Exception {
    try (Fixture f = new Fixture(dir, 300, 100_000, Clock.systemUTC(), Duration.ofMillis(300))) {
      Path config = f.config("");
      f.marketo.delay(MarketoEmulator.Endpoint.STATUS, 1, Duration.ofSeconds(30));
      Map<String, String> env = new java.util.HashMap<>(f.env());
      env.put(Main.GRACE, "1");
      try (ChildCli run =
          ChildCli.start(dir, env, "sync", "--config", config.toString(), "--json")) {
        run.await("uploaded its part", RUN, () -> f.marketo.acceptedUploads() == 1);
        Thread.sleep(500); // now waiting for the batch's status, which takes 30 s to come
        run.signal("TERM");
        assertThat(run.exit(STOPS_WITHIN)).as(run.err()).isEqualTo(143);
        assertThat(run.err())
            .contains("leadbridge: did not stop within 1 s during the Marketo import; exiting now.")
            .contains("leadbridge: stopped by SIGTERM during the Marketo import.");
        Map<String, Object> doc = Json.object(Json.parse(run.out()));
        assertThat(doc).containsEntry("status", "interrupted").containsEntry("exitCode", 143L);
        assertThat(Json.object(doc.get("interrupted")))
            .containsEntry("signal", "SIGTERM")
            .containsEntry("stage", "import");
        assertThat((String) Json.object(doc.get("interrupted")).get("next"))
            .startsWith("Marketo had accepted 1 of 1 part(s)");
      }
      assertThat(SyncState.open(dir.resolve("state")).generation()).isZero();
      assertThat(names(dir.resolve("out").resolve("export")))
          .noneMatch(n -> n.endsWith(".tmp") || n.equals(FolderLock.NAME));

      try (ChildCli rerun = ChildCli.start(dir, f.env(), "sync", "--config", config.toString())) {
        assertThat(rerun.exit(RUN)).as(rerun.err()).isZero();
        assertThat(rerun.out()).contains("(from an earlier run's journal)");
      }
      assertThat(f.marketo.acceptedUploads()).isEqualTo(1);
      assertThat(f.marketo.maxImportCount()).isEqualTo(1);
      assertThat(SyncState.open(dir.resolve("state")).generation()).isEqualTo(1);
    }
  }

  @Test
  void sigintWhileWaitingForAuth0StopsAtOnceWith130() throws Exception {
    try (Fixture f = new Fixture(dir, 100, 1000, Clock.systemUTC(), Duration.ofMinutes(5))) {
      Path config = f.config("");
      try (ChildCli run = ChildCli.start(dir, f.env(), "sync", "--config", config.toString())) {
        run.await("created the export job", RUN, () -> !f.auth0.jobIds().isEmpty());
        run.signal("INT");
        assertThat(run.exit(STOPS_WITHIN)).as(run.err()).isEqualTo(130);
        assertThat(run.err()).contains("leadbridge: stopped by SIGINT during the export.");
      }
      assertThat(names(dir.resolve("tmp"))).as("the Auth0 download is gone").isEmpty();
      assertThat(SyncState.open(dir.resolve("state")).generation()).isZero();
    }
  }

  @Test
  void emulatorsListenOnAGivenPortAndStopOnSigterm() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (ChildCli run =
        ChildCli.start(dir, Map.of(), "emulators", "--users", "20", "--auth0-port", "" + port)) {
      run.await("printed its endpoints", RUN, () -> run.out().contains("\n"));
      Map<String, Object> doc = Json.object(Json.parse(run.out().lines().findFirst().get()));
      Map<String, Object> auth0 = Json.object(doc.get("auth0"));
      Map<String, Object> marketo = Json.object(doc.get("marketo"));
      assertThat(auth0).containsEntry("domain", "http://127.0.0.1:" + port);
      HttpResponse<String> token =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              marketo.get("identity")
                                  + "/oauth/token?grant_type=client_credentials&client_id="
                                  + marketo.get("clientId")
                                  + "&client_secret="
                                  + marketo.get("clientSecret")))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(token.statusCode()).isEqualTo(200);
      assertThat(token.body()).contains("access_token");
      run.signal("TERM");
      assertThat(run.exit(STOPS_WITHIN)).as(run.err()).isZero();
      assertThat(run.err()).contains("emulators stopped");
    }
  }
}
