package io.leadbridge.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.testkit.Auth0Emulator;
import io.leadbridge.testkit.Auth0Emulator.Endpoint;
import io.leadbridge.testkit.Auth0Emulator.Request;
import io.leadbridge.testkit.ManualClock;
import io.leadbridge.testkit.SyntheticUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Auth0ExportFlowTest {
  private static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("user_id", "auth0Id")
          .column("email", "email")
          .column("given_name", "firstName")
          .column("family_name", "lastName")
          .column("user_metadata.plan", "plan")
          .column("identities[0].connection", "connection")
          .build();

  private final ManualClock clock = ManualClock.create();
  private final List<Auth0Emulator> started = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    started.forEach(Auth0Emulator::close);
  }

  private Auth0Emulator emulator(Consumer<Auth0Emulator.Builder> settings) {
    Auth0Emulator.Builder b =
        Auth0Emulator.builder()
            .clientSecret("Very-Secret-Value-123")
            .clock(clock)
            .sleeper(clock.sleeper())
            .jobDuration(Duration.ofSeconds(30));
    settings.accept(b);
    Auth0Emulator e = b.start();
    started.add(e);
    return e;
  }

  private Auth0ExportJob.Builder job(Auth0Emulator auth0) {
    return Auth0ExportJob.builder()
        .domain(auth0.domain())
        .clientId(auth0.clientId())
        .clientSecret(auth0.clientSecret())
        .mapping(MAPPING)
        .clock(clock)
        .sleeper(clock.sleeper())
        .tempDirectory(tmp);
  }

  private static List<Map<String, Object>> readAll(Auth0ExportSource source) {
    List<Map<String, Object>> out = new ArrayList<>();
    SourceEntry e;
    while ((e = source.next()) != null) {
      assertThat(e).isInstanceOf(UserRecord.class);
      out.add(((UserRecord) e).asMap());
    }
    return out;
  }

  private static Map<String, Object> project(Map<String, Object> user, List<String> fields) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : fields) {
      if (user.containsKey(f)) {
        out.put(f, user.get(f));
      }
    }
    return out;
  }

  private static List<Integer> statuses(List<Request> requests) {
    return requests.stream().map(Request::status).collect(Collectors.toList());
  }

  @Test
  void exportsTenThousandUsersCompletelyAndIdenticalToWhatWasServed() throws Exception {
    SyntheticUsers users = SyntheticUsers.builder().count(10_000).seed(42).build();
    Auth0Emulator auth0 = emulator(b -> b.users(users));
    Auth0ExportJob job = job(auth0).addField("app_metadata").build();
    List<Auth0JobProgress> progress = new ArrayList<>();

    long t0 = System.nanoTime();
    List<Map<String, Object>> read;
    String jobId;
    try (Auth0ExportSource source = job.toBuilder().listener(progress::add).build().open()) {
      jobId = source.jobId();
      read = readAll(source);
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;

    List<String> fields =
        List.of(
            "user_id",
            "updated_at",
            "email",
            "given_name",
            "family_name",
            "user_metadata",
            "identities",
            "app_metadata");
    assertThat(job.fields()).containsExactlyElementsOf(fields);
    assertThat(read).hasSize(10_000);
    List<Map<String, Object>> served = auth0.exportedUsers(jobId).collect(Collectors.toList());
    assertThat(read).isEqualTo(served);
    List<Map<String, Object>> expected =
        users.stream().map(u -> project(u, fields)).collect(Collectors.toList());
    assertThat(read).isEqualTo(expected);
    assertThat(read.stream().filter(u -> !u.containsKey("email")).count()).isPositive();
    assertThat(read).allSatisfy(u -> assertThat(fields).containsAll(u.keySet()));

    assertThat(progress).extracting(Auth0JobProgress::status).contains("pending", "processing");
    assertThat(progress.get(progress.size() - 1).status()).isEqualTo("completed");
    assertThat(progress)
        .extracting(Auth0JobProgress::percentageDone)
        .isSortedAccordingTo(Integer::compare);
    assertThat(auth0.requests(Endpoint.TOKEN)).hasSize(1);
    assertThat(auth0.requests(Endpoint.CREATE_EXPORT)).hasSize(1);
    assertThat(auth0.requests(Endpoint.DOWNLOAD)).hasSize(1);
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty(); // the download was deleted on close
    }
    System.out.println("10,000-user export read in " + millis + " ms");
  }

  @Test
  void exportsATenantToTsvThroughUserExporter() throws Exception {
    Auth0Emulator auth0 = emulator(b -> b.users(SyntheticUsers.builder().count(500).build()));
    UserExporter exporter = UserExporter.builder().mapping(MAPPING).format(CsvFormat.TSV).build();
    ExportResult result;
    try (Auth0ExportSource users = job(auth0).build().open()) {
      result = exporter.export(users, tmp.resolve("out").resolve("users.tsv"));
    }
    assertThat(result.entriesRead()).isEqualTo(500);
    assertThat(result.rowsWritten() + result.rowsRejected()).isEqualTo(500);
    assertThat(result.rowsWritten()).isEqualTo(500);
    assertThat(Files.readAllLines(result.paths().get(0)).get(0))
        .isEqualTo("auth0Id\temail\tfirstName\tlastName\tplan\tconnection");
  }

  @Test
  void getsAFreshLinkWhenTheFirstExpiresBeforeUse() {
    Auth0Emulator auth0 = emulator(b -> {});
    auth0.delay(Endpoint.DOWNLOAD, 1, Duration.ofSeconds(61));
    try (Auth0ExportSource source = job(auth0).build().open()) {
      assertThat(readAll(source)).hasSize(100);
    }
    List<Request> downloads = auth0.requests(Endpoint.DOWNLOAD);
    assertThat(statuses(downloads)).containsExactly(403, 200);
    assertThat(downloads.get(0).query()).isNotEqualTo(downloads.get(1).query());
    assertThat(downloads).allSatisfy(r -> assertThat(r.header("Authorization")).isNotNull());
  }

  @Test
  void givesUpWhenEveryLinkIsRefusedWithoutShowingTheLink() {
    Auth0Emulator auth0 = emulator(b -> {});
    for (int i = 1; i <= 10; i++) {
      auth0.delay(Endpoint.DOWNLOAD, i, Duration.ofSeconds(61));
    }
    assertThatThrownBy(() -> job(auth0).build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("download link of export job job_")
        .hasMessageContaining("refused 4 times (last HTTP 403)")
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("Signature").doesNotContain("Expires"));
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).isEmpty();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void waitsOutA429StormUntilTheRateLimitResets() {
    Auth0Emulator auth0 = emulator(b -> b.rateLimit(2));
    for (int i = 1; i <= 6; i++) {
      auth0.fail(Endpoint.GET_JOB, i, 429);
    }
    auth0.fail(Endpoint.CREATE_EXPORT, 1, 429);
    try (Auth0ExportSource source =
        job(auth0).pollInterval(Duration.ofMillis(100)).build().open()) {
      assertThat(readAll(source)).hasSize(100);
    }
    List<Request> api =
        auth0.requests().stream()
            .filter(r -> r.endpoint() == Endpoint.GET_JOB || r.endpoint() == Endpoint.CREATE_EXPORT)
            .collect(Collectors.toList());
    long limited = api.stream().filter(r -> r.status() == 429).count();
    assertThat(limited).isGreaterThanOrEqualTo(7);
    for (int i = 0; i + 1 < api.size(); i++) {
      if (api.get(i).status() == 429) {
        // x-ratelimit-reset is the next second: the retry never comes before it
        assertThat(api.get(i + 1).received().getEpochSecond())
            .isGreaterThan(api.get(i).received().getEpochSecond());
      }
    }
  }

  @Test
  void aFailedJobNamesTheJobAndItsDetails() {
    Auth0Emulator auth0 = emulator(b -> {});
    auth0.failNextJob("Failed to export users: internal error E1042");
    assertThatThrownBy(() -> job(auth0).build().open())
        .isInstanceOf(Auth0JobException.class)
        .hasMessageContaining("Auth0 export job job_")
        .hasMessageContaining("status 'failed'")
        .hasMessageContaining("internal error E1042")
        .satisfies(
            e -> {
              Auth0JobException j = (Auth0JobException) e;
              assertThat(j.jobId()).isEqualTo(auth0.jobIds().get(0));
              assertThat(j.status()).isEqualTo("failed");
            });
  }

  @Test
  void retriesA5xxOnTheStatusPoll() {
    Auth0Emulator auth0 = emulator(b -> {});
    auth0.fail(Endpoint.GET_JOB, 2, 503).fail(Endpoint.GET_JOB, 3, 500);
    try (Auth0ExportSource source = job(auth0).build().open()) {
      assertThat(readAll(source)).hasSize(100);
    }
    assertThat(statuses(auth0.requests(Endpoint.GET_JOB))).startsWith(200, 503, 500, 200);
  }

  @Test
  void retriesADroppedDownloadAndADroppedPoll() {
    Auth0Emulator auth0 = emulator(b -> {});
    auth0.drop(Endpoint.DOWNLOAD, 1).drop(Endpoint.GET_JOB, 1);
    try (Auth0ExportSource source = job(auth0).build().open()) {
      assertThat(readAll(source)).hasSize(100);
    }
    assertThat(statuses(auth0.requests(Endpoint.DOWNLOAD))).containsExactly(0, 200);
  }

  @Test
  void badClientSecretNamesCredentialsWithoutTheSecret() {
    Auth0Emulator auth0 = emulator(b -> {});
    assertThatThrownBy(() -> job(auth0).clientSecret("Wrong-Secret-999").build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("refused the client credentials (HTTP 401 access_denied)")
        .hasMessageContaining("client secret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Wrong-Secret-999"));
  }

  @Test
  void missingReadUsersScopeIsNamed() {
    Auth0Emulator auth0 = emulator(b -> b.scopes(Set.of("read:connections")));
    assertThatThrownBy(() -> job(auth0).build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("HTTP 403 insufficient_scope")
        .hasMessageContaining("lacks the read:users scope")
        .satisfies(e -> assertThat(((Auth0ServiceException) e).status()).isEqualTo(403));
  }

  @Test
  void aWrongAudienceIsRefusedWith403() {
    Auth0Emulator auth0 = emulator(b -> {});
    assertThatThrownBy(() -> job(auth0).audience("https://other.example/api/v2/").build().open())
        .isInstanceOf(Auth0ServiceException.class)
        .hasMessageContaining("HTTP 403 access_denied")
        .hasMessageContaining("read:users");
  }

  @Test
  void exportsOneConnectionByNameUpToTheLimit() {
    SyntheticUsers users = SyntheticUsers.builder().count(400).seed(3).build();
    Auth0Emulator auth0 = emulator(b -> b.users(users));
    List<Map<String, Object>> read;
    try (Auth0ExportSource source =
        job(auth0).connectionName("google-oauth2").limit(30).build().open()) {
      read = readAll(source);
    }
    assertThat(read).hasSize(30);
    assertThat(read)
        .allSatisfy(u -> assertThat((String) u.get("user_id")).startsWith("google-oauth2|"));
    assertThat(auth0.requests(Endpoint.CONNECTIONS)).hasSize(1);
    assertThat(auth0.requests(Endpoint.CREATE_EXPORT).get(0).body())
        .contains("\"connection_id\":\"con_google000000001\"")
        .contains("\"limit\":30");
  }

  @Test
  void refreshesTheTokenBeforeItExpiresDuringALongJob() {
    Auth0Emulator auth0 =
        emulator(b -> b.tokenTtl(Duration.ofSeconds(60)).jobDuration(Duration.ofMinutes(5)));
    try (Auth0ExportSource source = job(auth0).build().open()) {
      assertThat(readAll(source)).hasSize(100);
    }
    assertThat(auth0.requests(Endpoint.TOKEN).size()).isGreaterThan(3);
    assertThat(auth0.requests()).noneMatch(r -> r.status() == 401);
  }

  @Test
  void timesOutNamingTheJob() {
    Auth0Emulator auth0 = emulator(b -> b.jobDuration(Duration.ofHours(3)));
    assertThatThrownBy(() -> job(auth0).timeout(Duration.ofMinutes(10)).build().open())
        .isInstanceOf(Auth0TimeoutException.class)
        .hasMessageContaining("within PT10M (job job_")
        .satisfies(
            e -> assertThat(((Auth0TimeoutException) e).jobId()).contains(auth0.jobIds().get(0)));
  }

  @Test
  void noSecretTokenOrLinkInAnyExceptionMessage() {
    List<Throwable> failures = new ArrayList<>();
    Auth0Emulator auth0 = emulator(b -> b.scopes(Set.of()));
    failures.add(catchIt(() -> job(auth0).build().open()));
    failures.add(
        catchIt(() -> job(auth0).clientSecret("nope-" + auth0.clientSecret()).build().open()));
    Auth0Emulator flaky = emulator(b -> {});
    for (int i = 1; i <= 5; i++) {
      flaky.fail(Endpoint.GET_JOB, i, 502);
    }
    failures.add(catchIt(() -> job(flaky).build().open()));
    Auth0Emulator expiring = emulator(b -> {});
    for (int i = 1; i <= 4; i++) {
      expiring.delay(Endpoint.DOWNLOAD, i, Duration.ofMinutes(2));
    }
    failures.add(catchIt(() -> job(expiring).build().open()));
    Auth0Emulator dropping = emulator(b -> {});
    for (int i = 1; i <= 20; i++) {
      dropping.drop(Endpoint.DOWNLOAD, i); // the JDK client may itself retry a dropped GET once
    }
    failures.add(catchIt(() -> job(dropping).build().open()));

    assertThat(failures).doesNotContainNull().hasSize(5);
    for (Throwable t : failures) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        String m = String.valueOf(c.getMessage()) + " " + c;
        assertThat(m)
            .doesNotContain(auth0.clientSecret())
            .doesNotContain("emu.")
            .doesNotContain("Signature")
            .doesNotContain("Expires=");
      }
    }
  }

  private static Throwable catchIt(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
