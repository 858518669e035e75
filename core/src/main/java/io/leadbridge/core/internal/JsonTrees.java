package io.leadbridge.core.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/** Builds user trees from a streaming JSON parser. Jackson stays inside this class. */
public final class JsonTrees {
  /** Deepest nesting accepted in one user; Auth0 profiles are a few levels deep. */
  public static final int MAX_DEPTH = 64;

  /** Longest single string value accepted. */
  public static final int MAX_STRING_CHARS = 32 * 1024 * 1024;

  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_STRING_CHARS)
                  .maxNumberLength(1000)
                  .build())
          .build();

  private JsonTrees() {}

  /**
   * Reads a user object whose START_OBJECT is the parser's current token, keeping only the
   * top-level properties in {@code keep} ({@code null} keeps all): the others are skipped without
   * building their subtrees.
   */
  public static Map<String, Object> readUser(JsonParser p, java.util.Set<String> keep) {
    if (keep == null) {
      return readObject(p);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (keep.contains(name)) {
        map.put(name, readValue(p));
      } else {
        p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IllegalStateException("unexpected token " + t);
    }
    return map;
  }

  /** Reads the object whose START_OBJECT is the parser's current token. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readObject(JsonParser p) {
    return (Map<String, Object>) Json.read(p);
  }

  public static Object readValue(JsonParser p) {
    return Json.read(p);
  }

  /** A description of a JSON token kind for messages, e.g. "a JSON string". */
  public static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    switch (t) {
      case START_ARRAY:
        return "a JSON array";
      case VALUE_STRING:
        return "a JSON string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a JSON number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a JSON boolean";
      case VALUE_NULL:
        return "JSON null";
      default:
        return "JSON token " + t;
    }
  }

  /**
   * Describes a parse failure without quoting the input: Jackson's own messages may echo the
   * offending text, which can be personal data.
   */
  public static String describe(JacksonException e) {
    if (e instanceof StreamConstraintsException) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.contains("nesting depth")) {
        return "nested deeper than " + MAX_DEPTH + " levels";
      }
      if (m.contains("String value length")) {
        return "a string value longer than " + MAX_STRING_CHARS + " characters";
      }
      if (m.contains("Number value length")) {
        return "a number with too many digits";
      }
      return "exceeds a size limit";
    }
    String m = String.valueOf(e.getOriginalMessage());
    String where = where(e.getLocation());
    if (m.contains("UTF-8") || m.contains("UTF8")) {
      return "not valid UTF-8" + where;
    }
    if (m.contains("end-of-input") || m.contains("Unexpected end")) {
      return "JSON ends early" + where;
    }
    if (m.contains("control character") || m.contains("CTRL-CHAR")) {
      return "an unescaped control character inside a JSON string" + where;
    }
    return "not valid JSON" + where;
  }

  private static String where(TokenStreamLocation location) {
    if (location == null || location.getColumnNr() < 1) {
      return "";
    }
    return " (column " + location.getColumnNr() + ")";
  }

  /** Writes a JSON-like value as compact JSON. */
  public static String toJson(Object value) {
    return Json.write(value);
  }

  /** Parses a whole small JSON document (a mapping file, say) into a tree. */
  public static Object parseDocument(String json) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
      if (p.nextToken() == null) {
        return null;
      }
      Object value = readValue(p);
      if (p.nextToken() != null) {
        throw new IllegalStateException("more content after the JSON value");
      }
      return value;
    }
  }

  /**
   * Wraps a stream for reading, gunzipping it when its first two bytes are gzip's magic number.
   *
   * @throws IOException with a message that says so if the gzip data ends inside its header
   */
  public static InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        throw new IOException(
            "it starts like gzip but its compressed data ends or breaks within the first bytes;"
                + " the file is truncated or damaged. Download or export it again",
            e);
      }
    }
    return in;
  }
}
