package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leadbridge.core.internal.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneEmulatorsTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private static Map<String, Object> line(ByteArrayOutputStream out) {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.lines()).hasSize(1);
    return Json.object(Json.parse(text.strip()));
  }

  private static Map<String, Object> get(Map<String, Object> m, String key) {
    return Json.object(m.get(key));
  }

  private HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
      throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String marketoToken(Map<String, Object> marketo) {
    return marketo.get("identity")
        + "/oauth/token?grant_type=client_credentials&client_id="
        + marketo.get("clientId")
        + "&client_secret="
        + marketo.get("clientSecret");
  }

  @Test
  void printsOneJsonLineOfEndpointsAndCredentialsAndListsTheRequestsWithSecretsMasked()
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StandaloneEmulators running =
        StandaloneEmulators.start(
            new PrintStream(out, true, StandardCharsets.UTF_8), "--users", "5")) {
      Map<String, Object> json = line(out);
      assertThat(json).containsOnlyKeys("auth0", "marketo");
      Map<String, Object> auth0 = get(json, "auth0");
      Map<String, Object> marketo = get(json, "marketo");
      assertThat(auth0)
          .containsOnlyKeys(
              "domain", "audience", "tokenUrl", "clientId", "clientSecret", "requests");
      assertThat((String) auth0.get("domain")).startsWith("http://127.0.0.1:");
      assertThat(marketo)
          .containsOnlyKeys("endpoint", "identity", "clientId", "clientSecret", "requests");

      String form =
          "grant_type=client_credentials&client_id="
              + auth0.get("clientId")
              + "&client_secret="
              + auth0.get("clientSecret")
              + "&audience="
              + URLEncoder.encode((String) auth0.get("audience"), StandardCharsets.UTF_8);
      HttpResponse<String> token =
          send(
              http,
              HttpRequest.newBuilder(URI.create((String) auth0.get("tokenUrl")))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form)));
      assertThat(token.statusCode()).isEqualTo(200);
      String bearer = (String) Json.object(Json.parse(token.body())).get("access_token");
      assertThat(
              send(
                      http,
                      HttpRequest.newBuilder(
                              URI.create(auth0.get("domain") + "/api/v2/connections"))
                          .header("Authorization", "Bearer " + bearer))
                  .statusCode())
          .isEqualTo(200);
      assertThat(send(http, HttpRequest.newBuilder(URI.create(marketoToken(marketo)))).statusCode())
          .isEqualTo(200);

      String auth0Log =
          send(http, HttpRequest.newBuilder(URI.create((String) auth0.get("requests")))).body();
      List<?> requests = Json.array(Json.parse(auth0Log));
      assertThat(requests).hasSize(2);
      Map<String, Object> second = Json.object(requests.get(1));
      assertThat(second.get("endpoint")).isEqualTo("CONNECTIONS");
      assertThat(Json.object(second.get("headers")).get("authorization"))
          .isEqualTo(List.of("Bearer ***"));
      assertThat(auth0Log)
          .doesNotContain(bearer)
          .doesNotContain((String) auth0.get("clientSecret"));

      String marketoLog =
          send(http, HttpRequest.newBuilder(URI.create((String) marketo.get("requests")))).body();
      assertThat(marketoLog)
          .contains("client_secret=***")
          .doesNotContain((String) marketo.get("clientSecret"));
      assertThat(running.toString()).doesNotContain((String) marketo.get("clientSecret"));
    }
  }

  @Test
  void withTlsServesHttpsTrustedThroughThePemFileAndRefusesClientsThatDoNotTrustIt()
      throws Exception {
    Path pem = dir.resolve("emulators.pem");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StandaloneEmulators running =
        StandaloneEmulators.start(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            "--tls",
            "--cert-file",
            pem.toString())) {
      Map<String, Object> json = line(out);
      assertThat(get(json, "tls").get("certificate")).isEqualTo(pem.toAbsolutePath().toString());
      Map<String, Object> marketo = get(json, "marketo");
      assertThat((String) marketo.get("endpoint")).startsWith("https://127.0.0.1:");
      assertThat((String) get(json, "auth0").get("audience")).startsWith("https://127.0.0.1:");

      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(pem)).build();
      HttpResponse<String> token =
          send(trusting, HttpRequest.newBuilder(URI.create(marketoToken(marketo))));
      assertThat(token.statusCode()).isEqualTo(200);
      assertThat(token.body()).contains("access_token");

      assertThatThrownBy(
              () -> send(http, HttpRequest.newBuilder(URI.create(marketoToken(marketo)))))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path building failed");

      assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
      Process curl =
          new ProcessBuilder(
                  "/usr/bin/curl",
                  "-sS",
                  "--cacert",
                  pem.toString(),
                  get(json, "auth0").get("domain") + "/api/v2/jobs/none")
              .redirectErrorStream(true)
              .start();
      String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(answer).contains("\"statusCode\":401"); // TLS accepted by curl's OpenSSL
    }
  }

  private static SSLContext trusting(Path pem) throws Exception {
    Certificate certificate;
    try (InputStream in = Files.newInputStream(pem)) {
      certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("emulators", certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void theFaultFileHitsTheNthCallOfTheEndpointItNames() throws Exception {
    Path faults = dir.resolve("faults.json");
    Files.writeString(
        faults,
        "[{\"emulator\":\"marketo\",\"endpoint\":\"describe\",\"nth\":2,\"code\":\"606\"},"
            + "{\"emulator\":\"auth0\",\"endpoint\":\"CONNECTIONS\",\"nth\":1,\"status\":503}]");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StandaloneEmulators running =
        StandaloneEmulators.start(
            new PrintStream(out, true, StandardCharsets.UTF_8), "--faults", faults.toString())) {
      Map<String, Object> json = line(out);
      Map<String, Object> marketo = get(json, "marketo");
      String token =
          (String)
              Json.object(
                      Json.parse(
                          send(http, HttpRequest.newBuilder(URI.create(marketoToken(marketo))))
                              .body()))
                  .get("access_token");
      HttpRequest.Builder describe =
          HttpRequest.newBuilder(
                  URI.create(marketo.get("endpoint") + "/rest/v1/leads/describe2.json"))
              .header("Authorization", "Bearer " + token);
      assertThat(send(http, describe.copy()).body()).contains("\"success\":true");
      assertThat(send(http, describe.copy()).body()).contains("\"code\":\"606\"");
      assertThat(send(http, describe.copy()).body()).contains("\"success\":true");

      HttpResponse<String> connections =
          send(
              http,
              HttpRequest.newBuilder(
                  URI.create(get(json, "auth0").get("domain") + "/api/v2/connections")));
      assertThat(connections.statusCode()).isEqualTo(503);
    }
  }

  @Test
  void aWrongFaultFileOrOptionIsRefusedWithTheReason() throws Exception {
    Path faults = dir.resolve("bad.json");
    Files.writeString(
        faults, "[{\"emulator\":\"marketo\",\"endpoint\":\"UPLOAD\",\"nth\":1,\"statuss\":503}]");
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> StandaloneEmulators.start(sink, "--faults", faults.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Fault rule 1 of")
        .hasMessageContaining("unknown key 'statuss'");
    Files.writeString(
        faults, "[{\"emulator\":\"marketo\",\"endpoint\":\"NOPE\",\"nth\":1,\"status\":503}]");
    assertThatThrownBy(() -> StandaloneEmulators.start(sink, "--faults", faults.toString()))
        .hasMessageContaining("unknown endpoint 'NOPE' of marketo");
    assertThatThrownBy(() -> StandaloneEmulators.start(sink, "--users", "many"))
        .hasMessageContaining("--users takes a whole number, not 'many'");
    assertThatThrownBy(() -> StandaloneEmulators.start(sink, "--colour"))
        .hasMessageContaining("Unknown option --colour");
  }

  @Test
  void servesTheUsersOfAFileAndStopsCleanlyOnSigterm() throws Exception {
    Path users = dir.resolve("users.json");
    Files.writeString(users, "{\"user_id\":\"auth0|1\",\"email\":\"a@example.com\"}\nnot json\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StandaloneEmulators.class.getName(),
                "--auth0",
                "--tls",
                "--users-file",
                users.toString())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    try {
      BufferedReader stdout =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Map<String, Object> json = Json.object(Json.parse(stdout.readLine()));
      assertThat(json).containsOnlyKeys("auth0", "tls");
      Path pem = Path.of((String) get(json, "tls").get("certificate"));
      assertThat(pem).exists();

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(dir.resolve("stderr.txt")))
          .contains("1 entries of " + users + " are not users")
          .contains("leadbridge-emulators: stopped");
      assertThat(pem).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }
}
