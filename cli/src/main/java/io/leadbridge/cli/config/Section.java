package io.leadbridge.cli.config;

import io.leadbridge.core.internal.Suggestions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One set of keys of a configuration file, bound by name with its type checked: the schema of a
 * section is the list of keys given when it is opened, and any other key is an error naming the
 * nearest known one. Every mistake is a {@link ConfigException} at the key or value's position. A
 * key whose value is {@code null} (written {@code key:} with nothing after it) counts as absent.
 */
public final class Section {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private final String path;
  private final Node.Mapping node;
  private final Path baseDir;
  private final Position at;

  private Section(String path, Node.Mapping node, Path baseDir, List<String> keys, Position at) {
    this.path = path;
    this.node = node;
    this.baseDir = baseDir;
    this.at = at;
    for (Node.Entry e : node.entries().values()) {
      if (!keys.contains(e.key())) {
        String near =
            Suggestions.nearest(e.key(), keys)
                .map(k -> "; did you mean \"" + k + "\"?")
                .orElse(".");
        throw new ConfigException(
            e.at(),
            "unknown key \""
                + e.key()
                + "\""
                + (path.isEmpty() ? "" : " in " + path)
                + near
                + " Keys here: "
                + String.join(", ", keys)
                + ".");
      }
    }
  }

  /**
   * The top-level section of a file.
   *
   * @param root the file's mapping
   * @param baseDir the folder relative paths are resolved against: the file's own
   * @param keys the keys it may hold
   * @return the section
   * @throws ConfigException on the first key not among {@code keys}
   */
  public static Section root(Node.Mapping root, Path baseDir, String... keys) {
    return new Section("", root, baseDir, List.of(keys), root.at());
  }

  /**
   * Where the section is: its key, such as {@code marketo:}, or the start of the file.
   *
   * @return the position
   */
  public Position at() {
    return at;
  }

  /**
   * The dotted name of a key of this section, for messages: {@code marketo.listId}.
   *
   * @param key the key
   * @return the name
   */
  public String name(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * Whether a key is given (with a value other than {@code null}).
   *
   * @param key the key
   * @return true if present
   */
  public boolean has(String key) {
    return entry(key).isPresent();
  }

  /**
   * Where a key is written; the section's position when it is absent.
   *
   * @param key the key
   * @return the position
   */
  public Position where(String key) {
    return entry(key).map(Node.Entry::at).orElse(at);
  }

  private Optional<Node.Entry> entry(String key) {
    Node.Entry e = node.entries().get(key);
    if (e == null
        || (e.value() instanceof Node.Scalar
            && ((Node.Scalar) e.value()).type() == Node.Type.NULL)) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /**
   * A nested section.
   *
   * @param key its key
   * @param keys the keys it may hold
   * @return the section, or {@code null} when absent
   * @throws ConfigException if the value is not a set of keys, or holds an unknown key
   */
  public Section section(String key, String... keys) {
    Node.Entry e = entry(key).orElse(null);
    if (e == null) {
      return null;
    }
    if (!(e.value() instanceof Node.Mapping)) {
      throw new ConfigException(
          e.value().at(),
          name(key)
              + " must be a set of keys ("
              + String.join(", ", keys)
              + "), not "
              + e.value().describe()
              + ".");
    }
    return new Section(name(key), (Node.Mapping) e.value(), baseDir, List.of(keys), e.at());
  }

  /**
   * A list.
   *
   * @param key its key
   * @return the list, or {@code null} when absent
   * @throws ConfigException if the value is not a list
   */
  public Node.Sequence list(String key) {
    Node.Entry e = entry(key).orElse(null);
    if (e == null) {
      return null;
    }
    if (!(e.value() instanceof Node.Sequence)) {
      throw new ConfigException(
          e.value().at(), name(key) + " must be a list, not " + e.value().describe() + ".");
    }
    return (Node.Sequence) e.value();
  }

  private Node.Scalar scalar(String key, String expected) {
    Node.Entry e = entry(key).orElse(null);
    if (e == null) {
      return null;
    }
    if (!(e.value() instanceof Node.Scalar)) {
      throw new ConfigException(
          e.value().at(),
          name(key) + " must be " + expected + ", not " + e.value().describe() + ".");
    }
    return (Node.Scalar) e.value();
  }

  /**
   * A text value.
   *
   * @param key the key
   * @return the text, or {@code null} when absent
   * @throws ConfigException if the value is a number, a boolean, a list or a set of keys
   */
  public String string(String key) {
    Node.Scalar s = scalar(key, "text");
    if (s == null) {
      return null;
    }
    if (s.type() != Node.Type.STRING) {
      throw new ConfigException(
          s.at(),
          name(key) + " must be text, not " + s.describe() + " (put it in quotes if it is text).");
    }
    if (s.text().isBlank()) {
      throw new ConfigException(
          s.at(), name(key) + " is empty; give a value or leave the key out.");
    }
    return s.text();
  }

  /**
   * A single value of any kind, as written: text, a number or a boolean.
   *
   * @param key the key
   * @return the text, or {@code null} when absent
   * @throws ConfigException if the value is a list or a set of keys
   */
  public String text(String key) {
    Node.Scalar s = scalar(key, "text, a number or true or false");
    return s == null ? null : s.text();
  }

  /**
   * A whole number within bounds.
   *
   * @param key the key
   * @param min the smallest allowed
   * @param max the largest allowed
   * @return the number, or {@code null} when absent
   * @throws ConfigException if the value is not a whole number or out of bounds
   */
  public Long number(String key, long min, long max) {
    Node.Scalar s = scalar(key, "a whole number");
    if (s == null) {
      return null;
    }
    long n;
    try {
      if (s.type() != Node.Type.INTEGER) {
        throw new NumberFormatException();
      }
      n = Long.parseLong(s.text().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException(
          s.at(), name(key) + " must be a whole number, not " + s.describe() + ".");
    }
    if (n < min || n > max) {
      throw new ConfigException(
          s.at(),
          String.format(
              Locale.ROOT, "%s must be between %,d and %,d, not %,d.", name(key), min, max, n));
    }
    return n;
  }

  /**
   * A boolean.
   *
   * @param key the key
   * @return the value, or {@code null} when absent
   * @throws ConfigException if the value is not {@code true} or {@code false}
   */
  public Boolean bool(String key) {
    Node.Scalar s = scalar(key, "true or false");
    if (s == null) {
      return null;
    }
    if (s.type() != Node.Type.BOOLEAN) {
      throw new ConfigException(
          s.at(), name(key) + " must be true or false, not " + s.describe() + ".");
    }
    return Boolean.parseBoolean(s.text());
  }

  /**
   * A duration such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO 8601 {@code PT5S}.
   *
   * @param key the key
   * @return the duration, or {@code null} when absent
   * @throws ConfigException if the value is not a positive duration
   */
  public Duration duration(String key) {
    Node.Scalar s = scalar(key, "a duration such as 5s");
    if (s == null) {
      return null;
    }
    String text = s.text().strip();
    Duration d = null;
    Matcher m = DURATION.matcher(text);
    if (s.type() == Node.Type.STRING && m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms":
          d = Duration.ofMillis(n);
          break;
        case "s":
          d = Duration.ofSeconds(n);
          break;
        case "m":
          d = Duration.ofMinutes(n);
          break;
        case "h":
          d = Duration.ofHours(n);
          break;
        default:
          d = Duration.ofDays(n);
      }
    } else if (s.type() == Node.Type.STRING && text.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        d = Duration.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigException(
          s.at(),
          name(key) + " must be a duration such as 500ms, 5s, 2m or 1h, not " + s.describe() + ".");
    }
    return d;
  }

  /**
   * A file or folder, relative to the configuration file's folder unless absolute; {@code ~/}
   * starts at the home folder.
   *
   * @param key the key
   * @return the path, or {@code null} when absent
   * @throws ConfigException if the value is not text or not a valid path
   */
  public Path path(String key) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    try {
      if (text.startsWith("~/")) {
        return Path.of(System.getProperty("user.home")).resolve(text.substring(2));
      }
      return baseDir.resolve(text).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(
          where(key), name(key) + " is not a valid path: " + e.getReason() + ".");
    }
  }

  /**
   * One of a set of words, ignoring case and treating {@code -} and {@code _} alike.
   *
   * @param key the key
   * @param choices the words and what they stand for, in the order to list them
   * @param <T> what they stand for
   * @return the choice, or {@code null} when absent
   * @throws ConfigException if the value is not one of the words
   */
  public <T> T choice(String key, Map<String, T> choices) {
    Node.Scalar s = scalar(key, "one of " + String.join(", ", choices.keySet()));
    if (s == null) {
      return null;
    }
    String text = s.text().strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Map.Entry<String, T> c : choices.entrySet()) {
      if (c.getKey().equals(text)) {
        return c.getValue();
      }
    }
    throw new ConfigException(
        s.at(),
        name(key)
            + " must be one of "
            + String.join(", ", choices.keySet())
            + ", not "
            + s.describe()
            + Suggestions.nearest(text, choices.keySet())
                .map(n -> " (did you mean " + n + "?)")
                .orElse("")
            + ".");
  }

  /**
   * Refuses a key that must not be written, such as a secret.
   *
   * @param key the key
   * @param why why, and what to write instead
   * @throws ConfigException if the key is present, even with no value
   */
  public void refuse(String key, String why) {
    Node.Entry e = node.entries().get(key);
    if (e != null) {
      throw new ConfigException(e.at(), name(key) + ": " + why);
    }
  }

  /**
   * Refuses a combination of keys that exclude each other.
   *
   * @param keys the keys, of which at most one may be given
   * @throws ConfigException at the second key given
   */
  public void atMostOne(String... keys) {
    String first = null;
    for (String k : keys) {
      if (has(k)) {
        if (first != null) {
          throw new ConfigException(
              where(k), "give " + name(first) + " or " + name(k) + ", not both.");
        }
        first = k;
      }
    }
  }
}
