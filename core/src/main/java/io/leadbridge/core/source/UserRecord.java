package io.leadbridge.core.source;

import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.mapping.MappingException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One user as a tree of JSON-like values: {@link String}, {@link Boolean}, {@link Long}, {@link
 * BigInteger}, {@link BigDecimal}, {@code null}, {@link List} and {@link Map} with string keys.
 * Values are looked up by {@link FieldPath}.
 *
 * <pre>{@code
 * Object plan = record.get("user_metadata.plan");
 * Object connection = record.get("identities[0].connection");
 * }</pre>
 *
 * <p>{@link #toString()} shows the position and the number of properties, never a value: records
 * hold personal data.
 *
 * <p>Immutable and thread-safe: every map and list in it is unmodifiable.
 */
public final class UserRecord implements SourceEntry {
  private final long position;
  private final Map<String, Object> values;

  private UserRecord(long position, Map<String, Object> values) {
    this.position = position;
    this.values = values;
  }

  /**
   * Wraps a tree that the caller has already made of the supported types and will not change. Used
   * by the library's own parsers to avoid a copy.
   */
  static UserRecord trusted(long position, Map<String, Object> values) {
    return new UserRecord(position, Collections.unmodifiableMap(values));
  }

  /**
   * Creates a record from a map, copying it deeply. Nested {@link Map}s, {@link Iterable}s and
   * arrays become maps and lists; {@link CharSequence}s and {@link TemporalAccessor}s (an {@code
   * Instant}, say) become strings; integral numbers become {@link Long} or {@link BigInteger},
   * other numbers {@link BigDecimal}.
   *
   * @param position the 1-based position of the record in its source
   * @param values the user's properties
   * @return the record
   * @throws IllegalArgumentException if a value has a type that has no JSON form; the message names
   *     the key and the type, not the value
   */
  public static UserRecord of(long position, Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) normalize(values, "");
    return trusted(position, copy);
  }

  private static Object normalize(Object value, String at) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("The value at '" + at + "' is not a finite number.");
      }
      return new BigDecimal(value.toString());
    }
    if (value instanceof Number) {
      return new BigDecimal(value.toString());
    }
    if (value instanceof CharSequence || value instanceof Character) {
      return value.toString();
    }
    if (value instanceof TemporalAccessor) {
      return value.toString();
    }
    if (value instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              "A key under '" + at + "' is not a string; user records have string keys only.");
        }
        String key = (String) e.getKey();
        out.put(key, normalize(e.getValue(), at.isEmpty() ? key : at + "." + key));
      }
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof Iterable) {
      List<Object> out = new ArrayList<>();
      int i = 0;
      for (Object item : (Iterable<?>) value) {
        out.add(normalize(item, at + "[" + i++ + "]"));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof Object[]) {
      List<Object> out = new ArrayList<>();
      Object[] array = (Object[]) value;
      for (int i = 0; i < array.length; i++) {
        out.add(normalize(array[i], at + "[" + i + "]"));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(
        "The value at '"
            + at
            + "' has type "
            + value.getClass().getName()
            + ", which has no JSON form; convert it to a string, number, boolean, map or list.");
  }

  /**
   * {@inheritDoc}
   *
   * @return the position, 1-based
   */
  @Override
  public long position() {
    return position;
  }

  /**
   * Looks up a value by path.
   *
   * @param path a path such as {@code user_metadata.plan}
   * @return the value, or {@code null} when the path leads nowhere
   * @throws MappingException if the path is malformed
   */
  public Object get(String path) {
    return FieldPath.parse(path).resolve(values);
  }

  /**
   * Looks up a value by a parsed path.
   *
   * @param path the path
   * @return the value, or {@code null} when the path leads nowhere
   */
  public Object get(FieldPath path) {
    return path.resolve(values);
  }

  /**
   * The user's Auth0 id, the {@code user_id} property when it is a string.
   *
   * @return the id, or {@code null} when the record has none
   */
  public String userId() {
    Object id = values.get("user_id");
    return id instanceof String ? (String) id : null;
  }

  /**
   * The whole record as an unmodifiable map.
   *
   * @return the top-level properties
   */
  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * Shows the position and size only; a record's values are personal data.
   *
   * @return a description without values
   */
  @Override
  public String toString() {
    return "UserRecord[position=" + position + ", properties=" + values.size() + "]";
  }
}
