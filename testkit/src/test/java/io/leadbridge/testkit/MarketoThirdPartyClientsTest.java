package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replays, byte for byte, the requests that the two most used non-Java Marketo clients send, and
 * checks that the emulator answers each as Marketo does.
 *
 * <p>The shapes come from their public source: marketorestpython (jepcastelein/marketo-rest-python,
 * {@code marketorestpython/client.py} and {@code helper/http_lib.py}, on requests: the token as a
 * GET with its parameters in the query, every other call with {@code Authorization: Bearer} and
 * {@code Accept-Encoding: gzip}, the import as a multipart form whose part {@code file} carries the
 * file name as given, Get Leads by Filter Type as a form {@code POST} with {@code _method=GET}) and
 * node-marketo-rest (MadKudu/node-marketo, {@code lib/connection.js}, {@code lib/util.js}, {@code
 * lib/api/lead.js}: 0.11 on restler sends the query as the query and joins every bulk path as
 * {@code {endpoint}/../bulk/v1/…}, so {@code /rest/../bulk/v1/…}; 0.12 on axios sends a GET's
 * options as a JSON body {@code {"query": {…}}}). Each client's {@code Connection: keep-alive} is
 * sent as {@code close} so that the answer can be read to its end.
 */
class MarketoThirdPartyClientsTest {
  private static final String PYTHON_HEADERS =
      "User-Agent: python-requests/2.32.3\nAccept-Encoding: gzip\nAccept: */*";
  private static final String RESTLER_HEADERS = "Accept: */*\nUser-Agent: Restler for node.js";
  private static final String AXIOS_HEADERS =
      "Accept: application/json, text/plain, */*\nUser-Agent: axios/1.6.7\n"
          + "Accept-Encoding: gzip, compress, deflate, br";

  private final ManualClock clock = ManualClock.create();
  private final MarketoEmulator marketo =
      MarketoEmulator.builder().clock(clock).sleeper(clock.sleeper()).rowsPerSecond(100).start();
  private final int port = marketo.endpoint().getPort();

  @AfterEach
  void stop() {
    marketo.close();
  }

  private static Map<String, Object> json(RawHttp.Answer a) {
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.headers().get("content-type")).startsWith("application/json");
    return Json.object(Json.parse(a.body()));
  }

  private static Map<String, Object> result(Map<String, Object> answer) {
    assertThat(answer.get("success")).as(String.valueOf(answer)).isEqualTo(true);
    return Json.object(Json.array(answer.get("result")).get(0));
  }

  private String token(String headers) throws Exception {
    RawHttp.Answer a =
        RawHttp.send(
            port,
            "GET /identity/oauth/token?grant_type=client_credentials&client_id="
                + marketo.clientId()
                + "&client_secret="
                + marketo.clientSecret()
                + " HTTP/1.1\n"
                + headers);
    Map<String, Object> token = json(a);
    assertThat(token).containsKeys("access_token", "token_type", "expires_in", "scope");
    return (String) token.get("access_token");
  }

  @Test
  void marketorestpythonRunsTheWholeBulkImportFlow() throws Exception {
    String auth = "\nAuthorization: Bearer " + token(PYTHON_HEADERS);

    // describe(): GET /rest/v1/leads/describe.json
    Map<String, Object> v1 =
        json(
            RawHttp.send(
                port, "GET /rest/v1/leads/describe.json HTTP/1.1\n" + PYTHON_HEADERS + auth));
    assertThat(v1.get("success")).isEqualTo(true);
    Map<String, Object> email =
        Json.array(v1.get("result")).stream()
            .map(Json::object)
            .filter(f -> "Email Address".equals(f.get("displayName")))
            .findFirst()
            .orElseThrow();
    assertThat(email).containsKeys("id", "dataType", "length");
    assertThat(email.get("rest")).isEqualTo(Map.of("name", "email", "readOnly", false));
    assertThat(email.get("soap")).isEqualTo(Map.of("name", "Email", "readOnly", false));

    // describe2()
    Map<String, Object> lead =
        result(
            json(
                RawHttp.send(
                    port, "GET /rest/v1/leads/describe2.json HTTP/1.1\n" + PYTHON_HEADERS + auth)));
    assertThat(new java.util.ArrayList<Object>(Json.array(lead.get("searchableFields"))))
        .contains(List.of("email"));

    // import_lead('csv', 'leads.csv', lookupField='email'): requests' multipart, the file as given
    String boundary = "4f1c0b2a9e8d7c6b5a4f3e2d1c0b9a88";
    String csv = "email,firstName,lastName\nann@example.com,Ann,Lee\nnot-an-email,Bo,Ng\n";
    byte[] body =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n"
                + csv
                + "\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> queued =
        result(
            json(
                RawHttp.send(
                    port,
                    "POST /bulk/v1/leads.json?format=csv&lookupField=email HTTP/1.1\n"
                        + PYTHON_HEADERS
                        + auth
                        + "\nContent-Type: multipart/form-data; boundary="
                        + boundary,
                    body)));
    assertThat(queued.get("status")).isEqualTo("Queued");
    long batch = (Long) queued.get("batchId");

    clock.advance(Duration.ofSeconds(5));
    Map<String, Object> status =
        result(
            json(
                RawHttp.send(
                    port,
                    "GET /bulk/v1/leads/batch/"
                        + batch
                        + ".json HTTP/1.1\n"
                        + PYTHON_HEADERS
                        + auth)));
    assertThat(status.get("status")).isEqualTo("Complete");
    assertThat(status.get("numOfRowsFailed")).isEqualTo(1L);
    assertThat(status.get("message"))
        .isEqualTo("Import completed with errors, 1 records imported (1 members), 1 failed");

    // get_import_failure_file / get_import_warning_file: mode='nojson', the text as it is
    RawHttp.Answer failures =
        RawHttp.send(
            port,
            "GET /bulk/v1/leads/batch/"
                + batch
                + "/failures.json HTTP/1.1\n"
                + PYTHON_HEADERS
                + auth);
    assertThat(failures.status()).isEqualTo(200);
    assertThat(failures.body())
        .startsWith("email,firstName,lastName,Import Failure Reason\n")
        .contains("not-an-email,Bo,Ng,Invalid email address");
    RawHttp.Answer warnings =
        RawHttp.send(
            port,
            "GET /bulk/v1/leads/batch/"
                + batch
                + "/warnings.json HTTP/1.1\n"
                + PYTHON_HEADERS
                + auth);
    assertThat(warnings.body()).isEqualTo("email,firstName,lastName,Import Warning Reason\n");

    // get_multiple_leads_by_filter_type('email', ['ann@example.com']): a form POST, _method=GET
    byte[] form =
        "_method=GET&filterValues=ann%40example.com&filterType=email"
            .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> found =
        json(
            RawHttp.send(
                port,
                "POST /rest/v1/leads.json HTTP/1.1\n"
                    + "User-Agent: python-requests/2.32.3\nAccept-Encoding: gzip, deflate\n"
                    + "Accept: */*"
                    + auth
                    + "\nContent-type: application/x-www-form-urlencoded; charset=utf-8",
                form));
    assertThat(Json.array(found.get("result"))).hasSize(1);
    assertThat(Json.object(Json.array(found.get("result")).get(0)))
        .containsEntry("email", "ann@example.com")
        .containsEntry("firstName", "Ann")
        .containsEntry("id", 1L);
  }

  @Test
  void nodeMarketoRestCallsAreAnsweredIncludingBulkPathsWithDotSegments() throws Exception {
    String auth = "\nAuthorization: Bearer " + token(RESTLER_HEADERS);
    String boundary = "----node";
    byte[] upload =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nemail\nzed@example.com\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8);
    // a bulk call as node-marketo-rest 0.11 joins it: {endpoint}/../bulk/v1/...
    Map<String, Object> queued =
        result(
            json(
                RawHttp.send(
                    port,
                    "POST /rest/../bulk/v1/leads.json?format=csv HTTP/1.1\n"
                        + RESTLER_HEADERS
                        + auth
                        + "\nContent-Type: multipart/form-data; boundary="
                        + boundary,
                    upload)));
    long batch = (Long) queued.get("batchId");
    Map<String, Object> status =
        result(
            json(
                RawHttp.send(
                    port,
                    "GET /rest/../bulk/v1/leads/batch/"
                        + batch
                        + ".json HTTP/1.1\n"
                        + RESTLER_HEADERS
                        + auth)));
    assertThat(status.get("batchId")).isEqualTo(batch);
    assertThat(marketo.requests(Endpoint.STATUS)).hasSize(1);
    assertThat(marketo.requests(Endpoint.STATUS).get(0).path())
        .isEqualTo("/bulk/v1/leads/batch/" + batch + ".json");

    // lead.describe(), lead.describe2()
    assertThat(
            json(RawHttp.send(
                    port, "GET /rest/v1/leads/describe.json HTTP/1.1\n" + RESTLER_HEADERS + auth))
                .get("success"))
        .isEqualTo(true);
    assertThat(
            result(
                json(
                    RawHttp.send(
                        port,
                        "GET /rest/v1/leads/describe2.json HTTP/1.1\n" + RESTLER_HEADERS + auth))))
        .containsKeys("name", "searchableFields", "fields");

    // lead.find('email', [...]) on restler: the query in the query string
    Map<String, Object> none =
        json(
            RawHttp.send(
                port,
                "GET /rest/v1/leads.json?filterType=email&filterValues=zed%40example.com%2Cx%40y.z"
                    + " HTTP/1.1\n"
                    + RESTLER_HEADERS
                    + auth));
    assertThat(none.get("success")).isEqualTo(true);
    assertThat(Json.array(none.get("result"))).isEmpty(); // not imported yet by the clock

    // lead.find on axios (0.12): the options as a JSON body of a GET, which Marketo does not read
    byte[] jsonBody =
        "{\"query\":{\"filterType\":\"email\",\"filterValues\":\"zed@example.com\"}}"
            .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> refused =
        json(
            RawHttp.send(
                port,
                "GET /rest/v1/leads.json HTTP/1.1\n"
                    + AXIOS_HEADERS
                    + auth
                    + "\nContent-Type: application/json",
                jsonBody));
    assertThat(refused.get("success")).isEqualTo(false);
    assertThat(refused.get("errors").toString()).contains("1003");

    // bulkLeadExtract.create(): an endpoint the emulator has not, answered as Marketo answers one
    Map<String, Object> unknown =
        json(
            RawHttp.send(
                port,
                "POST /rest/../bulk/v1/leads/export/create.json HTTP/1.1\n"
                    + AXIOS_HEADERS
                    + auth
                    + "\nContent-Type: application/json",
                "{\"fields\":[\"email\"],\"filter\":{}}".getBytes(StandardCharsets.UTF_8)));
    assertThat(unknown.get("success")).isEqualTo(false);
    assertThat(unknown.get("errors").toString()).contains("610");
  }

  @Test
  void theIdentityEndpointAlsoTakesPostAsAdobeDocumentsIt() throws Exception {
    Map<String, Object> inQuery =
        json(
            RawHttp.send(
                port,
                "POST /identity/oauth/token?grant_type=client_credentials&client_id="
                    + marketo.clientId()
                    + "&client_secret="
                    + marketo.clientSecret()
                    + " HTTP/1.1\nAccept: */*"));
    assertThat(inQuery).containsKey("access_token");
    byte[] form =
        ("grant_type=client_credentials&client_id="
                + marketo.clientId()
                + "&client_secret="
                + marketo.clientSecret())
            .getBytes(StandardCharsets.UTF_8);
    Map<String, Object> inBody =
        json(
            RawHttp.send(
                port,
                "POST /identity/oauth/token HTTP/1.1\n"
                    + "Content-Type: application/x-www-form-urlencoded",
                form));
    assertThat(inBody.get("access_token")).isEqualTo(inQuery.get("access_token"));
  }

  @Test
  void anUnknownPathIsHttp200WithError610NotA404() throws Exception {
    String auth = "\nAuthorization: Bearer " + token(AXIOS_HEADERS);
    RawHttp.Answer a = RawHttp.send(port, "GET /rest/v1/nothing/here.json HTTP/1.1" + auth);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).contains("\"success\":false").contains("\"code\":\"610\"");
  }
}
