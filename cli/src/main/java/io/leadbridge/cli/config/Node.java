package io.leadbridge.cli.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a configuration file with the position it was read at, so that every check, even one
 * made long after reading, can say where the mistake is.
 */
public sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {

  /**
   * Where the value starts.
   *
   * @return the position
   */
  Position at();

  /**
   * What kind of value this is, in words, for messages.
   *
   * @return e.g. {@code "a list"}
   */
  String describe();

  /** The YAML types of a scalar. */
  enum Type {
    /** Text, quoted or not. */
    STRING,
    /** A whole number. */
    INTEGER,
    /** A number with a fraction. */
    DECIMAL,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** {@code null}, {@code ~} or nothing. */
    NULL
  }

  /**
   * A single value.
   *
   * @param at where it starts
   * @param text its text as written (never shown in messages about secrets)
   * @param type its YAML type
   */
  record Scalar(Position at, String text, Type type) implements Node {
    @Override
    public String describe() {
      switch (type) {
        case INTEGER:
        case DECIMAL:
          return "the number " + text;
        case BOOLEAN:
          return text;
        case NULL:
          return "nothing";
        default:
          return "'" + text + "'";
      }
    }

    /** Shows the position and type, not the text, which may be a secret. */
    @Override
    public String toString() {
      return "Scalar[" + at + ", " + type + "]";
    }
  }

  /**
   * One key and its value.
   *
   * @param key the key
   * @param at where the key is
   * @param value the value
   */
  record Entry(String key, Position at, Node value) {}

  /**
   * Keys and values, in the file's order.
   *
   * @param at where it starts
   * @param entries the entries by key
   */
  record Mapping(Position at, Map<String, Entry> entries) implements Node {
    /**
     * Copies the entries, keeping their order.
     *
     * @param at where it starts
     * @param entries the entries by key
     */
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public String describe() {
      return "a set of keys";
    }
  }

  /**
   * A list.
   *
   * @param at where it starts
   * @param items the items
   */
  record Sequence(Position at, List<Node> items) implements Node {
    /**
     * Copies the items.
     *
     * @param at where it starts
     * @param items the items
     */
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }
}
