package io.leadbridge.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The parsing floor: the least work that turns an NDJSON export into the eleven columns of {@code
 * FieldMapping.auth0Defaults()}. One Jackson streaming parser over the whole file pulls the values
 * by hand, and a plain {@link BufferedWriter} writes them as TSV with minimal quoting. No mapping,
 * no rejections, no row keys, no size limit: what Leadbridge does on top is measured against this.
 */
public final class Floor {
  private static final String[] FIELDS = {
    "user_id",
    "given_name",
    "family_name",
    "nickname",
    "name",
    "email",
    "email_verified",
    "picture",
    "identities",
    "created_at",
    "updated_at"
  };
  private static final int IDENTITIES = 8;
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private Floor() {}

  /**
   * Converts {@code input} to {@code output}.
   *
   * @param input an NDJSON file of Auth0 users
   * @param output the TSV file to write
   * @return the number of users written
   * @throws IOException if a file cannot be read or written
   */
  public static long export(Path input, Path output) throws IOException {
    long users = 0;
    String[] values = new String[FIELDS.length];
    try (InputStream in = Files.newInputStream(input);
        JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), in);
        BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      writeRow(out, FIELDS);
      while (p.nextToken() == JsonToken.START_OBJECT) {
        java.util.Arrays.fill(values, "");
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          int index = indexOf(p.currentName());
          JsonToken t = p.nextToken();
          if (index == IDENTITIES) {
            values[index] = firstConnection(p, t);
          } else if (index >= 0 && t.isScalarValue()) {
            String v = p.getValueAsString();
            values[index] = v == null ? "" : v;
          } else {
            p.skipChildren();
          }
        }
        writeRow(out, values);
        users++;
      }
    }
    return users;
  }

  private static int indexOf(String name) {
    for (int i = 0; i < FIELDS.length; i++) {
      if (FIELDS[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String firstConnection(JsonParser p, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return "";
    }
    String connection = "";
    boolean first = true;
    JsonToken item;
    while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
      if (first && item == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String key = p.currentName();
          JsonToken v = p.nextToken();
          if (key.equals("connection") && v == JsonToken.VALUE_STRING) {
            connection = p.getString();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
      first = false;
    }
    return connection;
  }

  private static void writeRow(BufferedWriter out, String[] values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.write('\t');
      }
      String v = values[i];
      if (needsQuotes(v)) {
        out.write('"');
        out.write(v.replace("\"", "\"\""));
        out.write('"');
      } else {
        out.write(v);
      }
    }
    out.write("\r\n");
  }

  private static boolean needsQuotes(String v) {
    if (v.isEmpty()) {
      return false;
    }
    if (v.charAt(0) <= ' ' || v.charAt(v.length() - 1) <= ' ') {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\t' || c == '"' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }
}
