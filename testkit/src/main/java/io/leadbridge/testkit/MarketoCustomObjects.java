package io.leadbridge.testkit;

import io.leadbridge.testkit.MarketoEmulator.CustomObjectType;
import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.MarketoImportQueue.Job;
import io.leadbridge.testkit.internal.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The custom objects of {@link MarketoEmulator}: the types with their fields, dedupe fields and
 * link to leads ({@code GET /rest/v1/customobjects/{apiName}/describe.json}), and the bulk import
 * ({@code POST /bulk/v1/customobjects/{apiName}/import.json}) that inserts or updates records by
 * their dedupe fields. A row whose link value matches no lead fails, as does a row with an empty
 * dedupe field. Thread-safe.
 */
final class MarketoCustomObjects {
  private final Map<String, CustomObjectType> types;
  private final MarketoLeadStore leads;
  private final MarketoUpload upload;
  private final long maxFileBytes;
  private final Map<String, Map<String, Map<String, String>>> records = new HashMap<>();
  private final Map<String, Integer> importCounts = new HashMap<>();

  MarketoCustomObjects(
      List<CustomObjectType> types,
      MarketoLeadStore leads,
      MarketoUpload upload,
      long maxFileBytes) {
    Map<String, CustomObjectType> byName = new LinkedHashMap<>();
    types.forEach(t -> byName.put(t.apiName(), t));
    this.types = Map.copyOf(byName);
    this.leads = leads;
    this.upload = upload;
    this.maxFileBytes = maxFileBytes;
  }

  /** The type a path names after {@code prefix}, up to the next slash, or {@code null}. */
  private CustomObjectType type(String path, String prefix) {
    if (!path.startsWith(prefix)) {
      return null;
    }
    String rest = path.substring(prefix.length());
    int slash = rest.indexOf('/');
    return types.get(slash < 0 ? rest : rest.substring(0, slash));
  }

  /** {@code GET /rest/v1/customobjects/{apiName}/describe.json}: 1013 for an unknown type. */
  void describe(Exchange ex) throws IOException {
    CustomObjectType t = type(ex.path(), "/rest/v1/customobjects/");
    if (t == null) {
      MarketoIdentity.error(ex, "1013", "Object not found");
      return;
    }
    List<Object> fields = new ArrayList<>();
    fields.add(new Field("createdAt", "Created At", "datetime", 0, false).described());
    fields.add(new Field("marketoGUID", "Marketo GUID", "string", 36, false).described());
    fields.add(new Field("updatedAt", "Updated At", "datetime", 0, false).described());
    for (Field f : t.fields()) {
      fields.add(f.described());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", t.apiName());
    r.put("displayName", t.displayName());
    r.put("idField", "marketoGUID");
    r.put("dedupeFields", t.dedupeFields());
    List<Object> searchable = new ArrayList<>();
    searchable.add(t.dedupeFields());
    searchable.add(List.of("marketoGUID"));
    r.put("searchableFields", searchable);
    if (t.linkField() != null) {
      r.put(
          "relationships",
          List.of(
              Map.of(
                  "field",
                  t.linkField(),
                  "type",
                  "parent",
                  "relatedTo",
                  Map.of("name", "Lead", "field", "email"))));
    } else {
      r.put("relationships", List.of());
    }
    r.put("fields", fields);
    ex.json(200, MarketoImportQueue.success("o1", r));
  }

  /** {@code POST /bulk/v1/customobjects/{apiName}/import.json}. */
  void upload(Exchange ex) throws IOException {
    MarketoUpload.Parsed parsed = MarketoUpload.parse(ex, maxFileBytes);
    if (parsed == null) {
      return;
    }
    CustomObjectType t = type(ex.path(), "/bulk/v1/customobjects/");
    if (t == null) {
      MarketoIdentity.error(ex, "1013", "Object not found");
      return;
    }
    List<String> header = parsed.header();
    Field[] columns = new Field[header.size()];
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      columns[i] = t.field(header.get(i));
      if (columns[i] == null || !columns[i].updateable()) {
        unknown.add(header.get(i));
      }
    }
    if (!unknown.isEmpty()) {
      MarketoIdentity.error(
          ex, "1003", "Invalid or read-only fields: " + String.join(", ", unknown));
      return;
    }
    int[] dedupe = new int[t.dedupeFields().size()];
    for (int d = 0; d < dedupe.length; d++) {
      dedupe[d] = indexOf(header, t.dedupeFields().get(d));
      if (dedupe[d] < 0) {
        MarketoIdentity.error(
            ex, "1003", "Dedupe field '" + t.dedupeFields().get(d) + "' is required");
        return;
      }
    }
    int link = t.linkField() == null ? -1 : indexOf(header, t.linkField());
    upload.advance(); // leads whose import has ended by now can be linked to
    Job job =
        MarketoUpload.job(
            header, parsed.delimiter(), parsed.rows(), columns, t.dedupeFields().get(0));
    for (int r = 0; r < job.rows.size(); r++) {
      if (job.failureReason[r] != null) {
        continue;
      }
      List<String> row = job.rows.get(r);
      for (int d : dedupe) {
        if (row.get(d).isEmpty()) {
          job.failureReason[r] = "Dedupe field '" + header.get(d) + "' is empty";
        }
      }
      if (job.failureReason[r] == null && link >= 0 && !leads.contains(row.get(link))) {
        job.failureReason[r] = "Lead not found";
      }
      if (job.failureReason[r] != null) {
        job.warningReason[r] = null;
      }
    }
    job.kind = MarketoImportQueue.Kind.CUSTOM_OBJECTS;
    job.target = t.apiName();
    job.apply = () -> apply(t, job, columns, dedupe);
    upload.queue(ex, job);
  }

  private static int indexOf(List<String> header, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Inserts or updates the records of the rows that did not fail, by their dedupe values. */
  private synchronized void apply(CustomObjectType t, Job job, Field[] columns, int[] dedupe) {
    Map<String, Map<String, String>> store =
        records.computeIfAbsent(t.apiName(), k -> new LinkedHashMap<>());
    for (int r = 0; r < job.rows.size(); r++) {
      if (job.failureReason[r] != null) {
        continue;
      }
      List<String> row = job.rows.get(r);
      StringBuilder key = new StringBuilder();
      for (int d : dedupe) {
        key.append(row.get(d).toLowerCase(Locale.ROOT)).append('\u0000');
      }
      Map<String, String> record =
          store.computeIfAbsent(key.toString(), k -> new LinkedHashMap<>());
      for (int i = 0; i < row.size(); i++) {
        record.put(columns[i].name(), MarketoValueRules.stored(columns[i], row.get(i)));
      }
      importCounts.merge(t.apiName() + "\u0000" + key, 1, Integer::sum);
    }
  }

  /** A copy of a type's records, in the order first imported. */
  synchronized List<Map<String, String>> records(String apiName) {
    List<Map<String, String>> out = new ArrayList<>();
    records.getOrDefault(apiName, Map.of()).values().forEach(r -> out.add(Map.copyOf(r)));
    return out;
  }

  /** The largest number of times a record of a type was imported. */
  synchronized int maxImportCount(String apiName) {
    String prefix = apiName + "\u0000";
    return importCounts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToInt(Map.Entry::getValue)
        .max()
        .orElse(0);
  }
}
