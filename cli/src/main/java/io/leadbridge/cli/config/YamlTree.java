package io.leadbridge.cli.config;

import io.leadbridge.core.internal.files.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads a YAML file into {@link Node}s that keep their positions, with Jackson's YAML parser.
 * Jackson's data binding would map the file onto classes in one call, but the positions are gone
 * once it has: a check made afterwards (a secret written inline, an environment variable that is
 * not set, two keys that exclude each other, a mapping file that cannot be read) could not say
 * where the mistake is. So the tree is built from the parser's tokens here, and {@link Section}
 * binds it.
 */
public final class YamlTree {
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  private final String name;

  private YamlTree(String name) {
    this.name = name;
  }

  /**
   * Reads a file that must hold one YAML mapping; an empty file is an empty mapping.
   *
   * @param file the file
   * @param name the file as the user named it, for messages
   * @return the top-level mapping
   * @throws ConfigException if the file cannot be read, is not UTF-8, is not valid YAML, holds
   *     something other than a mapping, or repeats a key
   */
  public static Node.Mapping read(Path file, String name) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          name, IoErrors.unreadable(file).orElseGet(() -> IoErrors.reason(e)));
    }
    return new YamlTree(name).parse(decode(bytes, name));
  }

  /**
   * Reads YAML text that must hold one mapping.
   *
   * @param text the text
   * @param name the name of its file, for messages
   * @return the top-level mapping
   * @throws ConfigException as {@link #read(Path, String)}
   */
  public static Node.Mapping parse(String text, String name) {
    return new YamlTree(name).parse(text);
  }

  private Node.Mapping parse(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (JsonParser p = YAML.createParser(ObjectReadContext.empty(), body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return new Node.Mapping(new Position(name, 1, 1), Map.of());
      }
      Node root = value(p);
      if (p.nextToken() != null) {
        throw new ConfigException(
            position(p.currentTokenLocation()),
            "a second YAML document: a configuration file holds one (remove the '---' line).");
      }
      if (!(root instanceof Node.Mapping)) {
        throw new ConfigException(
            root.at(),
            "the configuration must be a set of keys such as 'marketo:' and 'state:', not "
                + root.describe()
                + ".");
      }
      return (Node.Mapping) root;
    } catch (JacksonException e) {
      throw syntax(e);
    }
  }

  private Node value(JsonParser p) {
    Position at = position(p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Node.Entry> entries = new LinkedHashMap<>();
          for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
            String key = p.currentName();
            Position keyAt = position(p.currentTokenLocation());
            p.nextToken();
            Node.Entry before = entries.get(key);
            if (before != null) {
              throw new ConfigException(
                  keyAt,
                  "the key \""
                      + key
                      + "\" is given twice; the first is at line "
                      + before.at().line()
                      + ". Keep one.");
            }
            entries.put(key, new Node.Entry(key, keyAt, value(p)));
          }
          return new Node.Mapping(at, entries);
        }
      case START_ARRAY:
        {
          List<Node> items = new ArrayList<>();
          for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            items.add(value(p));
          }
          return new Node.Sequence(at, items);
        }
      case VALUE_NUMBER_INT:
        return new Node.Scalar(at, p.getString(), Node.Type.INTEGER);
      case VALUE_NUMBER_FLOAT:
        return new Node.Scalar(at, p.getString(), Node.Type.DECIMAL);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Node.Scalar(at, p.getString().toLowerCase(Locale.ROOT), Node.Type.BOOLEAN);
      case VALUE_NULL:
        return new Node.Scalar(at, "", Node.Type.NULL);
      default:
        return new Node.Scalar(at, p.getString(), Node.Type.STRING);
    }
  }

  private Position position(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return new Position(name, 1, 1);
    }
    return new Position(name, location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  /**
   * The parser's complaint in one line with its position. SnakeYAML's own message quotes the line
   * with a caret under the mistake, which may be a secret someone pasted: only its problem
   * statement is kept.
   */
  private ConfigException syntax(JacksonException e) {
    Position at = position(e.getLocation());
    String problem = null;
    for (Throwable t = e.getCause(); t != null && problem == null; t = t.getCause()) {
      if (t instanceof org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException) {
        org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException m =
            (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException) t;
        problem = m.getProblem();
        if (m.getProblemMark().isPresent()) {
          at =
              new Position(
                  name,
                  m.getProblemMark().get().getLine() + 1,
                  m.getProblemMark().get().getColumn() + 1);
        }
      }
    }
    if (problem == null) {
      problem = e.getOriginalMessage();
    }
    String oneLine = String.valueOf(problem).replaceAll("\\s+", " ").strip();
    if (oneLine.length() > 160) {
      oneLine = oneLine.substring(0, 160) + "…";
    }
    return new ConfigException(at, "not valid YAML: " + oneLine + ".");
  }

  /** The text, or where the first byte that is not UTF-8 is. */
  private static String decode(byte[] bytes, String name) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length + 1);
      CoderResult r = decoder.reset().decode(in, out, true);
      int at = r.isError() ? in.position() : 0;
      out.flip();
      int line = 1;
      int column = 1;
      while (out.hasRemaining()) {
        if (out.get() == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      throw new ConfigException(
          new Position(name, line, column),
          String.format(
              Locale.ROOT,
              "not UTF-8 text (byte 0x%02X). Save the file as UTF-8.",
              bytes[at] & 0xFF));
    }
  }
}
