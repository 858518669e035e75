package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.client.auth.AuthAPI;
import com.auth0.client.mgmt.ManagementAPI;
import com.auth0.client.mgmt.filter.UsersExportFilter;
import com.auth0.json.auth.TokenHolder;
import com.auth0.json.mgmt.jobs.Job;
import com.auth0.json.mgmt.jobs.UsersExportField;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.InputFormat;
import io.leadbridge.core.source.SourceEntry;
import io.leadbridge.core.source.UserRecord;
import io.leadbridge.core.source.UserSource;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth0's own Java SDK (auth0-java 2.x) runs the whole export flow against the emulator: a token
 * for the audience it derives, export jobs in CSV (Auth0's default, what a plain {@code create()}
 * gets) and JSON with {@code export_as} names, the job's status, and the download.
 */
class Auth0JavaSdkTest {
  private static final int USERS = 200;

  @TempDir Path dir;
  private final ManualClock clock = ManualClock.create();
  private final Auth0Emulator auth0 =
      Auth0Emulator.builder()
          .users(SyntheticUsers.builder().count(USERS).seed(5).build())
          .clock(clock)
          .sleeper(clock.sleeper())
          .start();
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @AfterEach
  void stop() {
    auth0.close();
  }

  /** The token as SDKs ask for it: the audience https://{domain}/api/v2/. */
  private ManagementAPI management() throws Exception {
    AuthAPI auth =
        AuthAPI.newBuilder(auth0.domain(), auth0.clientId(), auth0.clientSecret()).build();
    String audience = "https://127.0.0.1:" + auth0.port() + "/api/v2/";
    TokenHolder token = auth.requestToken(audience).execute().getBody();
    assertThat(token.getAccessToken()).isNotBlank();
    assertThat(token.getExpiresIn()).isEqualTo(86_400L);
    this.token = token.getAccessToken();
    return ManagementAPI.newBuilder(auth0.domain(), this.token).build();
  }

  private Job awaitCompleted(ManagementAPI mgmt, Job created) throws Exception {
    assertThat(created.getStatus()).isEqualTo("pending");
    clock.advance(Duration.ofSeconds(5));
    Job processing = mgmt.jobs().get(created.getId()).execute().getBody();
    assertThat(processing.getStatus()).isEqualTo("processing");
    assertThat(processing.getPercentageDone()).isEqualTo(50);
    clock.advance(Duration.ofSeconds(5));
    Job done = mgmt.jobs().get(created.getId()).execute().getBody();
    assertThat(done.getStatus()).isEqualTo("completed");
    assertThat(done.getCreatedAt()).isNotNull();
    return done;
  }

  private Path download(Job job, String name) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(job.getLocation())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    Path file = dir.resolve(name);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  private static List<UserRecord> read(UserSource source) {
    List<UserRecord> out = new ArrayList<>();
    try (source) {
      for (SourceEntry e; (e = source.next()) != null; ) {
        out.add((UserRecord) e);
      }
    }
    return out;
  }

  @Test
  void aPlainExportGetsAuth0sDefaultCsvWithTheDefaultFields() throws Exception {
    ManagementAPI mgmt = management();
    Job created = mgmt.jobs().exportUsers(new UsersExportFilter()).execute().getBody();
    assertThat(created.getFormat()).isEqualTo("csv");
    Job done = awaitCompleted(mgmt, created);

    Path csv = download(done, "plain.csv");
    assertThat(InputFormat.detect(csv)).isEqualTo(InputFormat.AUTH0_CSV);
    List<UserRecord> users = read(UserSource.open(csv));
    assertThat(users).hasSize(USERS);
    Map<String, Object> first = SyntheticUsers.builder().count(1).seed(5).build().get(0);
    assertThat(users.get(0).userId()).isEqualTo(first.get("user_id"));
    assertThat(users.get(0).get("created_at")).isEqualTo(first.get("created_at"));
    assertThat(users.get(0).asMap()).doesNotContainKey("identities"); // CSV leaves arrays empty
  }

  @Test
  void csvAndJsonJobsWithExportAsNamesReadBackToTheSameValues() throws Exception {
    ManagementAPI mgmt = management();
    FieldMapping defaults = FieldMapping.auth0Defaults();
    List<UsersExportField> named = new ArrayList<>();
    defaults
        .columns()
        .forEach(c -> named.add(new UsersExportField(c.path().orElseThrow().toString(), c.name())));

    Job csvJob =
        mgmt.jobs()
            .exportUsers(new UsersExportFilter().withFormat("csv").withFields(named))
            .execute()
            .getBody();
    Path csv = download(awaitCompleted(mgmt, csvJob), "named.csv");
    assertThat(Files.readAllLines(csv).get(0))
        .isEqualTo(
            "Id,Given Name,Family Name,Nickname,Name,Email,Email Verified,Picture,Connection,"
                + "Created At,Updated At");

    Job jsonJob =
        mgmt.jobs()
            .exportUsers(
                new UsersExportFilter()
                    .withFormat("json")
                    .withLimit(USERS)
                    .withFields(
                        List.of(
                            new UsersExportField("user_id"),
                            new UsersExportField("identities[0].connection", "connection"),
                            new UsersExportField("email"))))
            .execute()
            .getBody();
    Job jsonDone = awaitCompleted(mgmt, jsonJob);
    String sent = auth0.requests(Auth0Emulator.Endpoint.CREATE_EXPORT).get(1).body();
    assertThat(sent).contains("\"export_as\":\"connection\"");
    Map<String, Object> echo =
        Json.object(
            Json.parse(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(auth0.domain() + "/api/v2/jobs/" + jsonDone.getId()))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()));
    assertThat(new ArrayList<Object>(Json.array(echo.get("fields"))))
        .contains(Map.of("name", "identities[0].connection", "export_as", "connection"));
    Path json = download(jsonDone, "named.json");

    List<UserRecord> fromCsv = read(UserSource.open(csv, InputFormat.AUTO, defaults));
    List<UserRecord> fromJson = read(UserSource.open(json));
    assertThat(fromCsv).hasSize(USERS);
    assertThat(fromJson).hasSize(USERS);
    for (int i = 0; i < USERS; i++) {
      assertThat(fromCsv.get(i).userId()).isEqualTo(fromJson.get(i).userId());
      assertThat(fromCsv.get(i).get("identities[0].connection"))
          .isEqualTo(fromJson.get(i).get("connection"));
      assertThat(fromCsv.get(i).get("email")).isEqualTo(fromJson.get(i).get("email"));
    }
  }
}
