package io.leadbridge.core.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A path to a value inside a user record: {@code email}, {@code user_metadata.plan}, {@code
 * identities[0].connection}, or, for keys that contain dots or brackets, the quoted form {@code
 * user_metadata["a.b"]} (single quotes work too; a backslash escapes the quote inside).
 *
 * <p>A path that meets a missing key, an index past the end of an array, or a value of the wrong
 * kind (an index into an object, a key into a string) resolves to {@code null}: it never throws.
 *
 * <pre>{@code
 * FieldPath path = FieldPath.parse("identities[0].connection");
 * Object connection = path.resolve(record.asMap());   // "Username-Password-Authentication" or null
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FieldPath {
  private final String text;
  private final Object[] segments; // String for a key, Integer for an index

  private FieldPath(String text, Object[] segments) {
    this.text = text;
    this.segments = segments;
  }

  /**
   * Parses a path.
   *
   * @param path the path text, for example {@code user_metadata.plan}
   * @return the parsed path
   * @throws MappingException if the path is empty or malformed; the message says where
   */
  public static FieldPath parse(String path) {
    Objects.requireNonNull(path, "path");
    List<Object> out = new ArrayList<>();
    int i = 0;
    int n = path.length();
    if (n == 0) {
      throw new MappingException("A field path is empty; write a name such as 'email'.");
    }
    boolean expectName = true;
    while (i < n) {
      char c = path.charAt(i);
      if (c == '[') {
        int close;
        if (i + 1 < n && (path.charAt(i + 1) == '"' || path.charAt(i + 1) == '\'')) {
          char q = path.charAt(i + 1);
          StringBuilder key = new StringBuilder();
          int j = i + 2;
          boolean closed = false;
          while (j < n) {
            char d = path.charAt(j);
            if (d == '\\' && j + 1 < n) {
              key.append(path.charAt(j + 1));
              j += 2;
            } else if (d == q) {
              closed = true;
              j++;
              break;
            } else {
              key.append(d);
              j++;
            }
          }
          if (!closed || j >= n || path.charAt(j) != ']') {
            throw bad(path, "a quoted key must end with " + q + "]");
          }
          out.add(key.toString());
          close = j;
        } else {
          close = path.indexOf(']', i);
          if (close < 0) {
            throw bad(path, "'[' without a closing ']'");
          }
          String index = path.substring(i + 1, close);
          if (index.isEmpty()
              || !index.chars().allMatch(Character::isDigit)
              || index.length() > 9) {
            throw bad(
                path, "an index must be a whole number such as [0], or a quoted key [\"a.b\"]");
          }
          out.add(Integer.valueOf(index));
        }
        i = close + 1;
        expectName = false;
        if (i < n && path.charAt(i) == '.') {
          i++;
          expectName = true;
          if (i == n) {
            throw bad(path, "it ends with '.'");
          }
        }
      } else {
        if (!expectName) {
          throw bad(path, "expected '.' or '[' at position " + (i + 1));
        }
        int j = i;
        while (j < n && path.charAt(j) != '.' && path.charAt(j) != '[') {
          if (path.charAt(j) == ']') {
            throw bad(path, "']' without an opening '['");
          }
          j++;
        }
        String name = path.substring(i, j).strip();
        if (name.isEmpty()) {
          throw bad(path, "an empty name at position " + (i + 1));
        }
        out.add(name);
        expectName = false;
        i = j;
        if (i < n && path.charAt(i) == '.') {
          i++;
          expectName = true;
          if (i == n) {
            throw bad(path, "it ends with '.'");
          }
        }
      }
    }
    if (!(out.get(0) instanceof String)) {
      throw bad(path, "it must start with a property name, not an index");
    }
    return new FieldPath(path, out.toArray());
  }

  private static MappingException bad(String path, String why) {
    return new MappingException("Invalid field path '" + path + "': " + why + ".");
  }

  /**
   * The top-level property this path starts from: {@code user_metadata} for {@code
   * user_metadata.plan}. Auth0's export job is asked for these.
   *
   * @return the first key of the path
   */
  public String root() {
    return (String) segments[0];
  }

  /**
   * Whether the path is a single top-level property such as {@code email}.
   *
   * @return true for a one-segment path
   */
  public boolean isTopLevel() {
    return segments.length == 1;
  }

  /**
   * The steps of the path in order: a {@link String} for each key, an {@link Integer} for each
   * array index. {@code identities[0].connection} is {@code ["identities", 0, "connection"]}.
   *
   * @return an unmodifiable list, never empty; the first step is always a key
   */
  public List<Object> segments() {
    return List.of(segments);
  }

  /**
   * Follows the path through a tree of maps and lists.
   *
   * @param root a record's top-level map (or any JSON-like value)
   * @return the value found, or {@code null} where any step is missing or of the wrong kind
   */
  public Object resolve(Object root) {
    Object current = root;
    for (Object segment : segments) {
      if (current == null) {
        return null;
      }
      if (segment instanceof String) {
        if (!(current instanceof Map)) {
          return null;
        }
        current = ((Map<?, ?>) current).get(segment);
      } else {
        if (!(current instanceof List)) {
          return null;
        }
        List<?> list = (List<?>) current;
        int index = (Integer) segment;
        current = index < list.size() ? list.get(index) : null;
      }
    }
    return current;
  }

  /**
   * The path as it was written.
   *
   * @return the path text
   */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath && text.equals(((FieldPath) o).text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
