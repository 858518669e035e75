package io.leadbridge.testkit;

import io.leadbridge.testkit.Auth0JobStore.Field;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file of a users-export job with {@code format: csv}, written as Auth0's "Bulk User Exports"
 * page describes it: a header row of the fields' names (or their {@code export_as} names), then one
 * row per user in which every string value is guarded against spreadsheet formulas (its double
 * quotes doubled, a single quote {@code '} put before it, the whole enclosed in double quotes),
 * while numbers, booleans and Auth0's own ISO 8601 dates ({@code created_at}, {@code updated_at},
 * {@code last_login}, {@code last_password_reset}) are written bare. A missing value, and a whole
 * object or array (which CSV cannot hold), is an empty field. Thread-safe: it keeps no state.
 */
final class Auth0CsvExport {
  private static final Set<String> DATES =
      Set.of("created_at", "updated_at", "last_login", "last_password_reset");
  private static final Pattern ISO_DATE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

  private Auth0CsvExport() {}

  /** Writes the header and one row per user; the stream stays open. */
  static void write(
      List<Field> fields,
      Stream<? extends Map<String, ?>> users,
      Map<String, Map<String, String>> edits,
      OutputStream out)
      throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    List<String> header = new ArrayList<>();
    for (Field f : fields) {
      header.add(headerCell(f.column()));
    }
    w.write(String.join(",", header));
    w.write('\n');
    for (Iterator<? extends Map<String, ?>> it = users.iterator(); it.hasNext(); ) {
      Map<String, ?> user = Auth0JobStore.edited(it.next(), edits);
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          w.write(',');
        }
        Field f = fields.get(i);
        w.write(cell(f, f.path() == null ? null : f.path().resolve(user)));
      }
      w.write('\n');
    }
    w.flush();
  }

  private static String headerCell(String name) {
    if (name.indexOf(',') < 0
        && name.indexOf('"') < 0
        && name.indexOf('\n') < 0
        && name.indexOf('\r') < 0) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String cell(Field f, Object value) {
    if (value == null || value instanceof Map || value instanceof List) {
      return "";
    }
    if (value instanceof String) {
      String s = (String) value;
      if (f.path().isTopLevel() && DATES.contains(f.name()) && ISO_DATE.matcher(s).matches()) {
        return s;
      }
      return "\"'" + s.replace("\"", "\"\"") + '"';
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    return value.toString();
  }

  /** Puts a value into a tree at a path, creating the objects and arrays on the way. */
  @SuppressWarnings("unchecked")
  static void assign(Map<String, Object> root, List<Object> segments, Object value) {
    Object current = root;
    for (int i = 0; i < segments.size(); i++) {
      Object segment = segments.get(i);
      if (i == segments.size() - 1) {
        put(current, segment, value);
        return;
      }
      boolean list = segments.get(i + 1) instanceof Integer;
      Object next =
          segment instanceof String
              ? ((Map<String, Object>) current).get(segment)
              : (Integer) segment < ((List<Object>) current).size()
                  ? ((List<Object>) current).get((Integer) segment)
                  : null;
      if (next == null) {
        next = list ? new ArrayList<>() : new LinkedHashMap<String, Object>();
        put(current, segment, next);
      } else if (list ? !(next instanceof List) : !(next instanceof Map)) {
        return;
      }
      current = next;
    }
  }

  @SuppressWarnings("unchecked")
  private static void put(Object container, Object segment, Object value) {
    if (segment instanceof String) {
      ((Map<String, Object>) container).put((String) segment, value);
      return;
    }
    List<Object> list = (List<Object>) container;
    while (list.size() <= (Integer) segment) {
      list.add(null);
    }
    list.set((Integer) segment, value);
  }
}
