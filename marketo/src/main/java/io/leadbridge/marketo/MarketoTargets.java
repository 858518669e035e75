package io.leadbridge.marketo;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.http.Deadline;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a program member or custom object target before any upload, and reads the fields its files
 * may name: the program ({@code GET /rest/asset/v1/program/{id}.json}), its channel's statuses
 * ({@code GET /rest/asset/v1/channels/byName.json}) and the program member fields ({@code GET
 * /rest/v1/programs/members/describe.json}); or the custom object's describe ({@code GET
 * /rest/v1/customobjects/{apiName}/describe.json}) with its fields and dedupe fields. Messages name
 * the program, status or object, never a row's values. Stateless.
 */
final class MarketoTargets {
  /** Codes with which Marketo says that an asset or object does not exist. */
  private static final Set<String> NOT_FOUND = Set.of("610", "702", "1003", "1013");

  private MarketoTargets() {}

  static ImportApi.TargetFields programMembers(
      MarketoTransport transport, BulkTarget target, Deadline deadline) {
    long id = target.programId().orElseThrow();
    String status = target.memberStatus().orElseThrow();
    String notFound =
        "Program "
            + id
            + " does not exist in the instance, or the API user's workspace cannot see it: check"
            + " the id (the number in the program's URL in Marketo).";
    Map<String, Object> program =
        first(
            transport,
            "program " + id,
            "/rest/asset/v1/program/" + id + ".json",
            notFound,
            deadline);
    String channel = Json.string(program, "channel");
    if (channel == null || channel.isEmpty()) {
      throw new MarketoTargetException(
          "Program " + id + " has no channel, so no member status can be checked.");
    }
    Map<String, Object> c =
        first(
            transport,
            "channel of program " + id,
            "/rest/asset/v1/channels/byName.json?name="
                + URLEncoder.encode(channel, StandardCharsets.UTF_8).replace("+", "%20"),
            "The channel \"" + channel + "\" of program " + id + " was not found.",
            deadline);
    List<String> statuses = new ArrayList<>();
    for (Object o : Json.array(c.get("progressionStatuses"))) {
      String name = Json.string(Json.object(o), "name");
      if (name != null) {
        statuses.add(name);
      }
    }
    if (!statuses.contains(status)) {
      String near = null;
      for (String s : statuses) {
        if (s.equalsIgnoreCase(status)) {
          near = s;
        }
      }
      throw new MarketoTargetException(
          "\""
              + status
              + "\" is not a status of program "
              + id
              + " (channel \""
              + channel
              + "\")"
              + (near == null ? "" : "; did you mean \"" + near + "\"?")
              + "; its statuses are: "
              + String.join(", ", statuses)
              + ".");
    }
    List<LeadField> fields = new ArrayList<>(transport.describeLeadFields(deadline));
    Set<String> names = new HashSet<>();
    fields.forEach(f -> names.add(f.name().toLowerCase(Locale.ROOT)));
    Map<String, Object> members =
        first(
            transport,
            "describe program members",
            "/rest/v1/programs/members/describe.json",
            "Marketo did not describe program members.",
            deadline);
    for (LeadField f : fields(members)) {
      if (names.add(f.name().toLowerCase(Locale.ROOT))) {
        fields.add(f);
      }
    }
    return new ImportApi.TargetFields(target, List.copyOf(fields), List.of("email"));
  }

  static ImportApi.TargetFields customObject(
      MarketoTransport transport, BulkTarget target, ImportOptions options, Deadline deadline) {
    String api = target.apiName().orElseThrow();
    Map<String, Object> d =
        first(
            transport,
            "describe custom object " + api,
            "/rest/v1/customobjects/" + api + "/describe.json",
            "Custom object \""
                + api
                + "\" does not exist in the instance: check its API name in Admin > Marketo"
                + " Custom Objects (the object must be approved).",
            deadline);
    List<String> dedupe = new ArrayList<>();
    for (Object o : Json.array(d.get("dedupeFields"))) {
      dedupe.add(String.valueOf(o));
    }
    if (dedupe.isEmpty()) {
      throw new MarketoTargetException(
          "Custom object \"" + api + "\" has no dedupe fields in its describe.");
    }
    return new ImportApi.TargetFields(target, fields(d), List.copyOf(dedupe));
  }

  /** The first result of a GET, or a {@link MarketoTargetException} when there is none. */
  private static Map<String, Object> first(
      MarketoTransport transport, String what, String path, String notFound, Deadline deadline) {
    Map<String, Object> answer;
    try {
      answer = transport.getJson(what, path, deadline);
    } catch (MarketoServiceException e) {
      String code = e.serviceCode().orElse("");
      if (NOT_FOUND.contains(code)) {
        throw new MarketoTargetException(notFound + " (Marketo " + code + ")", e);
      }
      throw e;
    }
    List<?> result = Json.array(answer.get("result"));
    if (result.isEmpty()) {
      throw new MarketoTargetException(notFound);
    }
    return Json.object(result.get(0));
  }

  /** The fields of a describe's result, as lead fields are read. */
  static List<LeadField> fields(Map<String, Object> described) {
    List<LeadField> out = new ArrayList<>();
    for (Object f : Json.array(described.get("fields"))) {
      Map<String, Object> m = Json.object(f);
      String name = Json.string(m, "name");
      if (name == null) {
        continue;
      }
      out.add(
          new LeadField(
              name,
              Json.string(m, "displayName"),
              Json.string(m, "dataType"),
              (int) Json.number(m, "length", 0),
              !Boolean.FALSE.equals(m.get("updateable"))));
    }
    return List.copyOf(out);
  }
}
