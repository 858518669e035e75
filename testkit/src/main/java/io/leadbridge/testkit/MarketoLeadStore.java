package io.leadbridge.testkit;

import io.leadbridge.testkit.MarketoEmulator.Field;
import io.leadbridge.testkit.internal.Exchange;
import io.leadbridge.testkit.internal.Forms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The leads of {@link MarketoEmulator}: the lead schema and its {@code describe2.json}, the leads
 * themselves, upserted by lookup value as imports complete, with how many times each was imported,
 * and the Leads API's query by filter type ({@code GET /rest/v1/leads.json}). Thread-safe.
 */
final class MarketoLeadStore {
  /** Values a query may filter on at once, as Adobe's Leads page says. */
  static final int MAX_FILTER_VALUES = 300;

  /** The longest URL a GET may have; longer queries go as a POST with {@code _method=GET}. */
  static final int MAX_URL = 8 * 1024;

  private final List<Field> fields;
  private final Map<String, Map<String, String>> leads = new LinkedHashMap<>();
  private final Map<String, Integer> importCounts = new HashMap<>();
  private final Map<String, Long> ids = new HashMap<>();

  /** The fields Get Leads by Filter Type searches by, as describe2 lists them. */
  private static final java.util.Set<String> SEARCHABLE = java.util.Set.of("id", "email");

  private volatile boolean readAccess;

  MarketoLeadStore(List<Field> fields, boolean readAccess) {
    this.fields = List.copyOf(fields);
    this.readAccess = readAccess;
  }

  void readAccess(boolean allowed) {
    this.readAccess = allowed;
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
      Map<String, Object> m = f.described();
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
   * Upserts the rows of one completed import, all at once, by the value of their lookup column;
   * rows with a failure reason are left out, values longer than their field allows are truncated
   * ({@link MarketoValueRules#stored}).
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
        lead.put(f.name(), MarketoValueRules.stored(f, row.get(i)));
      }
      importCounts.merge(key, 1, Integer::sum);
      ids.computeIfAbsent(key, k -> (long) ids.size() + 1);
    }
  }

  /**
   * {@code GET /rest/v1/leads.json?filterType=…&filterValues=…&fields=…}, or the same as a form in
   * a {@code POST} with {@code _method=GET}: the leads whose field holds one of up to 300 values,
   * with the fields asked for (by default email, updatedAt, createdAt, lastName, firstName and id);
   * a field a lead has no value for is left out. 603 when the API user may not read leads, 414 for
   * a URL over 8 KB, 1003 for a filter type that is not a field or too many values.
   */
  void query(Exchange ex) throws IOException {
    if (!readAccess) {
      MarketoIdentity.error(ex, "603", "Access denied");
      return;
    }
    Map<String, String> params;
    if (ex.method().equals("POST")) {
      // a long filter goes as a form with _method=GET, in the URL or in the form itself
      params = new java.util.HashMap<>(Forms.pairs(ex.query() == null ? "" : ex.query()));
      params.putAll(Forms.pairs(ex.bodyText()));
      if (!"GET".equals(params.get("_method"))) {
        MarketoIdentity.error(ex, "1003", "Creating leads is not emulated");
        return;
      }
    } else {
      String raw = ex.query() == null ? "" : ex.query();
      if (ex.path().length() + 1 + raw.length() > MAX_URL) {
        ex.text(414, "text/html;charset=UTF-8", "<html>Request-URI Too Long</html>");
        return;
      }
      params = Forms.pairs(raw);
    }
    Field filter = field(params.getOrDefault("filterType", ""));
    if (filter == null || !SEARCHABLE.contains(filter.name())) {
      MarketoIdentity.error(ex, "1003", "Invalid filterType");
      return;
    }
    List<String> values = split(params.getOrDefault("filterValues", ""));
    if (values.isEmpty() || values.size() > MAX_FILTER_VALUES) {
      MarketoIdentity.error(ex, "1003", "filterValues must hold 1 to 300 values");
      return;
    }
    List<String> wanted = split(params.getOrDefault("fields", ""));
    if (wanted.isEmpty()) {
      wanted = List.of("email", "updatedAt", "createdAt", "lastName", "firstName", "id");
    }
    List<Object> result = new ArrayList<>();
    synchronized (this) {
      Set<String> keys = new HashSet<>();
      values.forEach(v -> keys.add(v.toLowerCase(Locale.ROOT)));
      for (Map.Entry<String, Map<String, String>> e : leads.entrySet()) {
        String v =
            filter.name().equals("id")
                ? String.valueOf(ids.get(e.getKey()))
                : e.getValue().get(filter.name());
        if (v == null || !keys.contains(v.toLowerCase(Locale.ROOT))) {
          continue;
        }
        Map<String, Object> lead = new LinkedHashMap<>();
        for (String name : wanted) {
          if (name.equals("id")) {
            lead.put("id", ids.get(e.getKey()));
            continue;
          }
          Field f = field(name);
          String stored = f == null ? null : e.getValue().get(f.name());
          if (stored != null) {
            lead.put(f.name(), typed(f, stored));
          }
        }
        result.add(lead);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "l" + System.nanoTime() % 100000);
    m.put("success", true);
    m.put("result", result);
    ex.json(200, m);
  }

  private static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** A stored value as the Leads API gives it: numbers and booleans as JSON ones. */
  private static Object typed(Field f, String stored) {
    try {
      switch (f.dataType()) {
        case "integer":
        case "score":
        case "percent":
          return Long.parseLong(stored.startsWith("+") ? stored.substring(1) : stored);
        case "float":
        case "currency":
          return Double.parseDouble(stored);
        case "boolean":
          return stored.equalsIgnoreCase("true") || stored.equals("1");
        default:
          return stored;
      }
    } catch (NumberFormatException e) {
      return stored;
    }
  }

  /** A copy of the leads, each lead's fields immutable. */
  synchronized Map<String, Map<String, String>> leads() {
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    leads.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    return copy;
  }

  /** Whether a lead has this lookup value (any case). */
  synchronized boolean contains(String lookupValue) {
    return leads.containsKey(lookupValue.toLowerCase(Locale.ROOT));
  }

  synchronized int importCount(String lookupValue) {
    return importCounts.getOrDefault(lookupValue.toLowerCase(Locale.ROOT), 0);
  }

  synchronized int maxImportCount() {
    return importCounts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
