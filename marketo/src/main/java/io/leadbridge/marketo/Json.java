package io.leadbridge.marketo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Parses Marketo's small JSON answers into maps and lists. */
final class Json {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private Json() {}

  /** Parses a document; throws {@link IllegalArgumentException} if it is not JSON. */
  static Object parse(String text) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("empty");
      }
      return value(p);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  private static Object value(JsonParser p) {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, value(p));
        }
        return map;
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        return list;
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  static List<?> array(Object o) {
    return o instanceof List ? (List<?>) o : List.of();
  }

  static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : String.valueOf(v);
  }

  static long number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    if (v instanceof String) {
      try {
        return Long.parseLong((String) v);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** Escapes a string as a JSON string literal. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
