package io.leadbridge.core.mapping;

import io.leadbridge.core.internal.JsonTrees;
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
        add(b, field, column, format, isYes(required, lineNo));
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

  private static boolean isYes(String s, int lineNo) {
    String v = s.toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("no") || v.equals("false")) {
      return false;
    }
    if (v.equals("yes") || v.equals("true") || v.equals("required") || v.equals("y")) {
      return true;
    }
    throw new MappingException(
        "line " + lineNo + ": Required must be yes, no or empty, not '" + s + "'.");
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
    if (doc instanceof Map) {
      columns = ((Map<?, ?>) doc).get("columns");
    }
    if (!(columns instanceof List)) {
      throw new MappingException(
          "expected {\"columns\": [...]} or an array of {\"field\", \"column\"} objects.");
    }
    FieldMapping.Builder b = FieldMapping.builder();
    int i = 0;
    for (Object entry : (List<?>) columns) {
      i++;
      if (!(entry instanceof Map)) {
        throw new MappingException("column entry " + i + " is not an object.");
      }
      Map<?, ?> m = (Map<?, ?>) entry;
      Object column = m.get("column");
      if (!(column instanceof String)) {
        throw new MappingException("column entry " + i + " has no \"column\" name.");
      }
      Object format = m.get("format");
      Object required = m.get("required");
      try {
        if (m.containsKey("value")) {
          Object value = m.get("value");
          b.constant((String) column, value == null ? "" : ValueFormat.defaults().format(value));
        } else {
          Object field = m.get("field");
          if (!(field instanceof String)) {
            throw new MappingException("it has no \"field\" path (or \"value\" for a constant).");
          }
          b.column((String) field, (String) column, FieldMapping.parseFormat((String) format));
          if (Boolean.TRUE.equals(required)) {
            b.required((String) field);
          }
        }
      } catch (ClassCastException e) {
        throw new MappingException("column entry " + i + ": \"format\" must be a string.");
      } catch (MappingException e) {
        throw new MappingException("column entry " + i + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }
}
