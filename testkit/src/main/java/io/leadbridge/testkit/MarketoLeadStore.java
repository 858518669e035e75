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
      out.add(m);
    }
    Map<String, Object> lead = new LinkedHashMap<>();
    lead.put("name", "Lead");
    lead.put("fields", out);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", "r1");
    m.put("success", true);
    m.put("result", List.of(lead));
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
      for (int i = 0; i < header.size(); i++) {
        Field f = field(header.get(i));
        lead.put(f.name(), MarketoValueRules.stored(f, row.get(i)));
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
