package io.leadbridge.testkit;

import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.internal.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The leads of {@link MarketoEmulator}: the lead schema and its {@code describe2.json}, and the
 * leads themselves, upserted by lookup value as imports complete, with how many times each was
 * imported. Thread-safe.
 */
final class MarketoLeadStore {
  private final List<Field> fields;
  private final Map<String, Map<String, String>> leads = new LinkedHashMap<>();
  private final Map<String, Integer> importCounts = new HashMap<>();
  private final Map<String, Long> ids = new HashMap<>();

  /** The fields Get Leads by Filter Type searches by, as describe2 lists them. */
  private static final java.util.Set<String> SEARCHABLE = java.util.Set.of("id", "email");

  MarketoLeadStore(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  /** The schema's field with this REST name, in any case, or {@code null}. */
  Field field(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** {@code GET /rest/v1/leads/describe2.json}. */
  void describe(Exchange ex) throws IOException {
    List<Object> out = new ArrayList<>();
    for (Field f : fields) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f.name());
      m.put("displayName", f.displayName());
      m.put("dataType", f.dataType());
      if (f.length() > 0) {
        m.put("length", f.length());
      }
      m.put("updateable", f.updateable());
      m.put("crmManaged", false);
      out.add(m);
    }
    List<Object> searchable = new ArrayList<>();
    for (Field f : fields) {
      if (SEARCHABLE.contains(f.name())) {
        searchable.add(List.of(f.name()));
      }
    }
    Map<String, Object> lead = new LinkedHashMap<>();
    lead.put("name", "Lead");
    lead.put("searchableFields", searchable);
    lead.put("fields", out);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "r1");
    m.put("success", true);
    m.put("result", List.of(lead));
    ex.json(200, m);
  }

  /**
   * {@code GET /rest/v1/leads/describe.json}: each field with its id, display name, type, length
   * and its REST and SOAP names, as Adobe's "Leads" page shows it.
   */
  void describeV1(Exchange ex) throws IOException {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", (long) i + 1);
      m.put("displayName", f.displayName());
      m.put("dataType", f.dataType());
      if (f.length() > 0) {
        m.put("length", f.length());
      }
      m.put("rest", Map.of("name", f.name(), "readOnly", !f.updateable()));
      String soap = Character.toUpperCase(f.name().charAt(0)) + f.name().substring(1);
      m.put("soap", Map.of("name", soap, "readOnly", !f.updateable()));
      out.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "d1");
    m.put("success", true);
    m.put("result", out);
    ex.json(200, m);
  }

  /**
   * {@code GET /rest/v1/leads.json?filterType=…&filterValues=…[&fields=…]}, or the same as a form
   * {@code POST}ed with {@code _method=GET} (Sync Leads, a {@code POST} without it, is not emulated
   * and answers 610): the leads whose field {@code filterType} has one of the comma-separated
   * values (at most 300), with the fields asked for or the default ones (id, email, firstName,
   * lastName, updatedAt, createdAt).
   */
  void leadsByFilter(Exchange ex) throws IOException {
    Map<String, String> q = io.leadbridge.testkit.internal.Forms.query(ex.query());
    if (ex.method().equals("POST")) {
      // a long filter is sent as a form with _method=GET; a POST without it would be Sync Leads
      String type = ex.header("content-type");
      if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
        q.putAll(io.leadbridge.testkit.internal.Forms.pairs(ex.bodyText()));
      }
      if (!"GET".equals(q.get("_method"))) {
        MarketoIdentity.error(ex, "610", "Requested resource not found");
        return;
      }
    }
    String filterType = q.get("filterType");
    String filterValues = q.get("filterValues");
    if (filterType == null || filterValues == null || filterValues.isEmpty()) {
      MarketoIdentity.error(ex, "1003", "filterType and filterValues are required");
      return;
    }
    Field filter = field(filterType);
    if (filter == null || !SEARCHABLE.contains(filter.name())) {
      MarketoIdentity.error(ex, "1003", "Invalid filterType '" + filterType + "'");
      return;
    }
    String[] values = filterValues.split(",");
    if (values.length > 300) {
      MarketoIdentity.error(ex, "1003", "Too many values in filterValues (max 300)");
      return;
    }
    List<String> wanted =
        q.containsKey("fields")
            ? List.of(q.get("fields").split(","))
            : List.of("id", "updatedAt", "lastName", "email", "createdAt", "firstName");
    List<Object> result = new ArrayList<>();
    synchronized (this) {
      for (String value : values) {
        for (Map.Entry<String, Map<String, String>> e : leads.entrySet()) {
          String id = String.valueOf(ids.get(e.getKey()));
          boolean match =
              filter.name().equals("id")
                  ? id.equals(value.strip())
                  : value.strip().equalsIgnoreCase(e.getValue().get(filter.name()));
          if (match) {
            Map<String, Object> lead = new LinkedHashMap<>();
            for (String name : wanted) {
              if (name.equals("id")) {
                lead.put("id", ids.get(e.getKey()));
              } else {
                lead.put(name, e.getValue().get(name));
              }
            }
            result.add(lead);
          }
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "l1");
    m.put("result", result);
    m.put("success", true);
    ex.json(200, m);
  }

  /**
   * Upserts the rows of one completed import, all at once, by the value of their lookup column;
   * rows with a failure reason are left out, values longer than their field allows are truncated.
   */
  synchronized void upsert(
      List<String> header, List<List<String>> rows, int lookupIndex, String[] failureReason) {
    for (int r = 0; r < rows.size(); r++) {
      if (failureReason[r] != null) {
        continue;
      }
      List<String> row = rows.get(r);
      String key = row.get(lookupIndex).toLowerCase(Locale.ROOT);
      Map<String, String> lead = leads.computeIfAbsent(key, k -> new LinkedHashMap<>());
      ids.computeIfAbsent(key, k -> (long) ids.size() + 1);
      for (int i = 0; i < header.size(); i++) {
        Field f = field(header.get(i));
        String v = row.get(i);
        lead.put(
            f.name(), f.length() > 0 && v.length() > f.length() ? v.substring(0, f.length()) : v);
      }
      importCounts.merge(key, 1, Integer::sum);
    }
  }

  /** A copy of the leads, each lead's fields immutable. */
  synchronized Map<String, Map<String, String>> leads() {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    leads.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    return copy;
  }

  synchronized int importCount(String lookupValue) {
    return importCounts.getOrDefault(lookupValue.toLowerCase(Locale.ROOT), 0);
  }

  synchronized int maxImportCount() {
    return importCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
