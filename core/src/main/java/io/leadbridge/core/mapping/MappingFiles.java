package io.leadbridge.core.mapping;

import io.leadbridge.core.internal.JsonTrees;
import io.leadbridge.core.internal.Suggestions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses the two mapping file forms described on {@link FieldMapping#read}. */
final class MappingFiles {
  private MappingFiles() {}

  static FieldMapping fromTable(String text) {
    FieldMapping.Builder b = FieldMapping.builder();
    String[] lines = text.split("\r\n|\n|\r", -1);
    boolean any = false;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      int lineNo = n + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = split(line);
      if (cells.length < 2) {
        throw new MappingException(
            "line " + lineNo + ": expected 'User Field | Column Name', separated by | or a tab.");
      }
      if (cells[0].matches("[-:\\s]+") && cells[1].matches("[-:\\s]+")) {
        continue; // Markdown separator row
      }
      String field = unquote(cells[0]);
      if (!any && field.equalsIgnoreCase("User Field")) {
        continue; // header row
      }
      String column = cells[1].strip();
      String format = cells.length > 2 ? cells[2] : "";
      String required = cells.length > 3 ? cells[3].strip() : "";
      if (cells.length > 4) {
        throw new MappingException(
            "line "
                + lineNo
                + ": more than four cells (User Field | Column Name | Format | Required).");
      }
      try {
        add(b, field, column, format, isYes(required));
      } catch (MappingException e) {
        throw new MappingException("line " + lineNo + ": " + e.getMessage(), e);
      }
      any = true;
    }
    if (!any) {
      throw new MappingException("no columns found.");
    }
    return b.build();
  }

  private static String[] split(String line) {
    String l = line;
    if (l.contains("|")) {
      if (l.startsWith("|")) {
        l = l.substring(1);
      }
      if (l.endsWith("|")) {
        l = l.substring(0, l.length() - 1);
      }
      String[] cells = l.split("\\|", -1);
      for (int i = 0; i < cells.length; i++) {
        cells[i] = cells[i].strip();
      }
      return cells;
    }
    String[] cells = l.split("\t", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].strip();
    }
    return cells;
  }

  private static String unquote(String cell) {
    String s = cell.strip();
    if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    return s;
  }

  private static boolean isYes(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("no") || v.equals("false")) {
      return false;
    }
    if (v.equals("yes") || v.equals("true") || v.equals("required") || v.equals("y")) {
      return true;
    }
    throw new MappingException("Required must be yes, no or empty, not '" + s + "'.");
  }

  private static void add(
      FieldMapping.Builder b, String field, String column, String format, boolean required) {
    if (field.startsWith("=")) {
      String value = field.substring(1);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      b.constant(column, value);
      return;
    }
    if (field.isEmpty()) {
      throw new MappingException("the user field is empty.");
    }
    b.column(field, column, FieldMapping.parseFormat(format));
    if (required) {
      b.required(field);
    }
  }

  private static final List<String> TOP_KEYS = List.of("columns");
  private static final List<String> ENTRY_KEYS =
      List.of("field", "column", "format", "required", "value");

  static FieldMapping fromJson(String json) {
    Object doc;
    try {
      doc = JsonTrees.parseDocument(json);
    } catch (RuntimeException e) {
      String detail =
          e instanceof tools.jackson.core.JacksonException
              ? JsonTrees.describe((tools.jackson.core.JacksonException) e)
              : e.getMessage();
      throw new MappingException("the JSON cannot be read: " + detail + ".", e);
    }
    Object columns = doc;
    String prefix = "";
    if (doc instanceof Map) {
      Map<?, ?> top = (Map<?, ?>) doc;
      checkKeys(top, TOP_KEYS, "the top-level object");
      columns = top.get("columns");
      prefix = "columns";
    }
    if (!(columns instanceof List)) {
      throw new MappingException(
          "expected {\"columns\": [...]} or an array of {\"field\", \"column\"} objects.");
    }
    FieldMapping.Builder b = FieldMapping.builder();
    int i = 0;
    for (Object entry : (List<?>) columns) {
      String where = "column entry " + (i + 1) + " (" + prefix + "[" + i + "]";
      i++;
      if (!(entry instanceof Map)) {
        throw new MappingException(where + "): it is not an object.");
      }
      Map<?, ?> m = (Map<?, ?>) entry;
      try {
        checkKeys(m, ENTRY_KEYS, null);
        String column = string(m, "column", true);
        String format = string(m, "format", false);
        Object required = m.get("required");
        if (required != null && !(required instanceof Boolean)) {
          throw new KeyException(
              "required",
              "\"required\" must be true or false, not " + JsonTrees.toJson(required) + ".");
        }
        if (m.containsKey("value")) {
          if (m.containsKey("field") || format != null || required != null) {
            throw new MappingException(
                "a constant (\"value\") takes no \"field\", \"format\" or \"required\".");
          }
          Object value = m.get("value");
          if (value instanceof Map || value instanceof List) {
            throw new KeyException("value", "\"value\" must be text, a number or a boolean.");
          }
          b.constant(column, value == null ? "" : ValueFormat.defaults().format(value));
        } else {
          String field = string(m, "field", false);
          if (field == null) {
            throw new MappingException("it has no \"field\" path (or \"value\" for a constant).");
          }
          b.column(field, column, FieldMapping.parseFormat(format));
          if (Boolean.TRUE.equals(required)) {
            b.required(field);
          }
        }
      } catch (MappingException e) {
        String detail = e.getMessage();
        String key = e instanceof KeyException ? "." + ((KeyException) e).key : "";
        throw new MappingException(where + key + "): " + detail, e);
      }
    }
    return b.build();
  }

  /** A mistake in one key of a JSON entry, so that its path can be named. */
  private static final class KeyException extends MappingException {
    private static final long serialVersionUID = 1L;
    final String key;

    KeyException(String key, String message) {
      super(message);
      this.key = key;
    }
  }

  private static String string(Map<?, ?> m, String key, boolean needed) {
    Object v = m.get(key);
    if (v == null) {
      if (needed) {
        throw new MappingException("it has no \"" + key + "\" name.");
      }
      return null;
    }
    if (!(v instanceof String)) {
      throw new KeyException(
          key, "\"" + key + "\" must be a string, not " + JsonTrees.toJson(v) + ".");
    }
    return (String) v;
  }

  private static void checkKeys(Map<?, ?> m, List<String> known, String where) {
    for (Object k : m.keySet()) {
      if (!known.contains(k)) {
        String key = String.valueOf(k);
        String near = Suggestions.nearest(key, known).orElse(null);
        String message =
            "unknown key \""
                + key
                + "\""
                + (near == null ? "" : "; did you mean \"" + near + "\"?")
                + " Keys are "
                + String.join(", ", known)
                + ".";
        if (where == null) {
          throw new KeyException(key, message);
        }
        throw new MappingException("in " + where + ": " + message);
      }
    }
  }
}
