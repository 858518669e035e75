package io.leadbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Json;
import io.leadbridge.testkit.MarketoEmulator.CustomObjectType;
import io.leadbridge.testkit.MarketoEmulator.Endpoint;
import io.leadbridge.testkit.MarketoEmulator.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator's programs, members and custom objects, by raw HTTP. */
class MarketoProgramsAndObjectsTest {
  private final ManualClock clock = ManualClock.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private MarketoEmulator marketo;
  private String token;

  @BeforeEach
  void start() throws Exception {
    marketo =
        MarketoEmulator.builder()
            .clock(clock)
            .addChannel("Webinar", List.of("Invited", "Registered", "Attended"))
            .addProgram(1234, "Spring webinar", "Webinar")
            .addCustomObject(
                new CustomObjectType(
                    "car_c",
                    "Car",
                    List.of(
                        new Field("vin", "VIN", "string", 17, true),
                        new Field("email", "Email", "email", 255, true),
                        new Field("color", "Color", "string", 5, true)),
                    List.of("vin"),
                    "email"))
            .start();
    HttpResponse<String> r =
        get(
            "/identity/oauth/token?grant_type=client_credentials&client_id="
                + marketo.clientId()
                + "&client_secret="
                + marketo.clientSecret());
    token = (String) Json.object(Json.parse(r.body())).get("access_token");
  }

  @AfterEach
  void stop() {
    marketo.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(marketo.endpoint() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> upload(String path, String csv) throws Exception {
    String boundary = "b0undary";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n"
            + csv
            + "\r\n--"
            + boundary
            + "--\r\n";
    return http.send(
        HttpRequest.newBuilder(URI.create(marketo.endpoint() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> result(HttpResponse<String> r) {
    return Json.object(Json.array(Json.object(Json.parse(r.body())).get("result")).get(0));
  }

  private static String errorCode(HttpResponse<String> r) {
    Map<String, Object> m = Json.object(Json.parse(r.body()));
    return String.valueOf(Json.object(Json.array(m.get("errors")).get(0)).get("code"));
  }

  @Test
  void programsChannelsAndMemberDescribeAnswerAsTheAssetAndRestApis() throws Exception {
    assertThat(result(get("/rest/asset/v1/program/1234.json")))
        .containsEntry("name", "Spring webinar")
        .containsEntry("channel", "Webinar");
    assertThat(errorCode(get("/rest/asset/v1/program/99.json"))).isEqualTo("1013");
    Map<String, Object> channel = result(get("/rest/asset/v1/channels/byName.json?name=Webinar"));
    assertThat(Json.array(channel.get("progressionStatuses")))
        .extracting(s -> Json.object(s).get("name"))
        .containsExactly("Invited", "Registered", "Attended");
    assertThat(Json.array(result(get("/rest/v1/programs/members/describe.json")).get("fields")))
        .isNotEmpty();
    assertThat(marketo.requests(Endpoint.PROGRAM)).hasSize(2);
    assertThat(marketo.requests(Endpoint.CHANNEL)).hasSize(1);
  }

  @Test
  void membersAreImportedWithTheirStatusAndCreateMissingLeads() throws Exception {
    HttpResponse<String> bad =
        upload(
            "/bulk/v1/program/1234/members/import.json?format=csv&programMemberStatus=Gone",
            "email\na@example.com\n");
    assertThat(errorCode(bad)).isEqualTo("1003");
    assertThat(
            errorCode(
                upload(
                    "/bulk/v1/program/77/members/import.json?format=csv&programMemberStatus=Invited",
                    "email\na@example.com\n")))
        .isEqualTo("1013");

    HttpResponse<String> ok =
        upload(
            "/bulk/v1/program/1234/members/import.json?format=csv&programMemberStatus=Invited",
            "email,firstName\na@example.com,Ann\nnot-an-email,Bob\n");
    long batch = ((Number) result(ok).get("batchId")).longValue();
    clock.advance(Duration.ofSeconds(5));
    Map<String, Object> status = result(get("/bulk/v1/program/members/batch/" + batch + ".json"));
    assertThat(status)
        .containsEntry("status", "Complete")
        .containsEntry("numOfLeadsProcessed", 1L)
        .containsEntry("numOfRowsFailed", 1L);
    assertThat(get("/bulk/v1/program/members/batch/" + batch + "/failures.json").body())
        .contains("not-an-email,Bob,Invalid email address");
    HttpResponse<String> none = get("/bulk/v1/program/members/batch/" + batch + "/warnings.json");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(Json.object(Json.parse(none.body()))).containsEntry("success", false);
    assertThat(marketo.programMembers(1234))
        .containsOnlyKeys("a@example.com")
        .extractingByKey("a@example.com")
        .satisfies(m -> assertThat(m).containsEntry("statusName", "Invited"));
    assertThat(marketo.leads()).containsOnlyKeys("a@example.com");
    // a lead batch id is not a program member batch
    assertThat(errorCode(get("/bulk/v1/leads/batch/" + batch + ".json"))).isEqualTo("1004");
  }

  @Test
  void customObjectsAreDescribedAndUpsertedByTheirDedupeFields() throws Exception {
    Map<String, Object> car = result(get("/rest/v1/customobjects/car_c/describe.json"));
    assertThat(car.get("dedupeFields")).isEqualTo(List.of("vin"));
    assertThat(errorCode(get("/rest/v1/customobjects/boat_c/describe.json"))).isEqualTo("1013");
    upload(
        "/bulk/v1/program/1234/members/import.json?format=csv&programMemberStatus=Invited",
        "email\na@example.com\n");
    clock.advance(Duration.ofSeconds(5));

    HttpResponse<String> ok =
        upload(
            "/bulk/v1/customobjects/car_c/import.json?format=csv",
            "vin,email,color\nV1,a@example.com,red\nV2,b@example.com,blue\nV1,a@example.com,green\n");
    long batch = ((Number) result(ok).get("batchId")).longValue();
    clock.advance(Duration.ofSeconds(5));
    Map<String, Object> status =
        result(get("/bulk/v1/customobjects/car_c/import/" + batch + "/status.json"));
    assertThat(status)
        .containsEntry("status", "Complete")
        .containsEntry("objectApiName", "car_c")
        .containsEntry("numOfObjectsProcessed", 2L)
        .containsEntry("numOfRowsFailed", 1L);
    assertThat(get("/bulk/v1/customobjects/car_c/import/" + batch + "/failures.json").body())
        .contains("V2,b@example.com,blue,Lead not found");
    assertThat(get("/bulk/v1/customobjects/car_c/import/" + batch + "/warnings.json").statusCode())
        .isEqualTo(404);
    assertThat(marketo.customObjects("car_c"))
        .singleElement()
        .satisfies(r -> assertThat(r).containsEntry("vin", "V1").containsEntry("color", "green"));
    assertThat(marketo.maxCustomObjectImportCount("car_c")).isEqualTo(2);
    assertThat(
            errorCode(
                upload("/bulk/v1/customobjects/car_c/import.json?format=csv", "vin,plate\nV1,x\n")))
        .isEqualTo("1003");
  }
}
