package io.leadbridge.core.internal;

import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON helpers every Leadbridge module shares: small documents (API answers, request bodies,
 * journals) to and from trees of maps, lists, strings, booleans, {@link Long}, {@link BigInteger}
 * and {@link BigDecimal}. Not part of the API: exported only to Leadbridge's own modules.
 */
public final class Json {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private Json() {}

  /**
   * Parses a whole document.
   *
   * @param text the JSON text
   * @return the tree, or {@code null} when the text is empty or not JSON
   */
  public static Object parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
      if (p.nextToken() == null) {
        return null;
      }
      Object value = read(p);
      return p.nextToken() == null ? value : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  /**
   * Reads the value whose first token is the parser's current token.
   *
   * @param p a parser positioned on a value
   * @return the tree
   * @throws JacksonException if the input is not valid JSON
   * @throws IllegalStateException if the input ends or holds an unexpected token
   */
  public static Object read(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IllegalStateException("unexpected end of input");
    }
    switch (t) {
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
          case LONG:
            return p.getLongValue();
          default:
            return p.getBigIntegerValue();
        }
      case VALUE_NUMBER_FLOAT:
        return p.getDecimalValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken next;
        while ((next = p.nextToken()) == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, read(p));
        }
        if (next != JsonToken.END_OBJECT) {
          throw new IllegalStateException("unexpected token " + next);
        }
        return map;
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      default:
        throw new IllegalStateException("unexpected token " + t);
    }
  }

  /**
   * Writes a tree as compact JSON; numbers in plain notation, unknown types as strings.
   *
   * @param value the tree
   * @return the JSON text
   */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
      write(g, value);
    }
    return out.toString();
  }

  /**
   * A generator writing UTF-8 to a stream, for long outputs such as NDJSON files.
   *
   * @param out the stream
   * @return the generator; closing it closes the stream
   */
  public static JsonGenerator generator(OutputStream out) {
    return FACTORY.createGenerator(ObjectWriteContext.empty(), out, JsonEncoding.UTF8);
  }

  /**
   * Writes a tree to a generator.
   *
   * @param g the generator
   * @param value the tree
   */
  public static void write(JsonGenerator g, Object value) {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof Boolean) {
      g.writeBoolean((Boolean) value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigInteger) {
      g.writeNumber((BigInteger) value);
    } else if (value instanceof BigDecimal) {
      g.writeNumber(((BigDecimal) value).toPlainString());
    } else if (value instanceof Number) {
      g.writeNumber(new BigDecimal(value.toString()).toPlainString());
    } else if (value instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        g.writeName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof Iterable) {
      g.writeStartArray();
      for (Object item : (Iterable<?>) value) {
        write(g, item);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(value));
    }
  }

  /**
   * The value as an object.
   *
   * @param value a tree
   * @return the map, or an empty map when the value is not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }

  /**
   * The value as an array.
   *
   * @param value a tree
   * @return the list, or an empty list when the value is not an array
   */
  public static List<?> array(Object value) {
    return value instanceof List ? (List<?>) value : List.of();
  }

  /**
   * A string property.
   *
   * @param map an object
   * @param key the property
   * @return the string, or {@code null} when absent or not a string
   */
  public static String string(Map<String, ?> map, String key) {
    Object v = map.get(key);
    return v instanceof String ? (String) v : null;
  }

  /**
   * A whole-number property, also when sent as a string.
   *
   * @param map an object
   * @param key the property
   * @param fallback the value when absent or not a number
   * @return the number
   */
  public static long number(Map<String, ?> map, String key, long fallback) {
    Object v = map.get(key);
    if (v instanceof Number) {
      return ((Number) v).longValue();
    }
    if (v instanceof String) {
      try {
        return Long.parseLong(((String) v).trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  /**
   * A string as a JSON string literal, quotes included.
   *
   * @param s the string
   * @return the literal
   */
  public static String quote(String s) {
    return write(s);
  }
}
