package io.leadbridge.core.source;

import io.leadbridge.core.internal.JsonTrees;
import io.leadbridge.core.internal.Projectable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/** Streams the elements of one top-level JSON array. */
final class JsonArrayUserSource implements UserSource, Projectable {
  private java.util.Set<String> keep;

  @Override
  public void keepOnly(java.util.Set<String> properties) {
    this.keep = properties;
  }

  private final Path file;
  private final InputStream in;
  private final JsonParser parser;
  private boolean started;
  private long index;
  private boolean done;
  private boolean closed;

  JsonArrayUserSource(Path file) {
    this.file = file;
    this.in = NdjsonUserSource.open(file);
    this.parser = JsonTrees.FACTORY.createParser(ObjectReadContext.empty(), in);
  }

  @Override
  public SourceEntry next() {
    if (closed) {
      throw new IllegalStateException("This source is closed.");
    }
    if (done) {
      return null;
    }
    try {
      if (!started) {
        started = true;
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_ARRAY) {
          throw new SourceException(
              file
                  + " does not hold a JSON array of users (it starts with "
                  + JsonTrees.describe(first)
                  + "). For one JSON object per line use UserSource.ndjson.");
        }
      }
      JsonToken t = parser.nextToken();
      if (t == null) {
        throw new SourceException(
            "The JSON array in "
                + file
                + " never closes: the file ends before ']'. It is probably truncated.");
      }
      if (t == JsonToken.END_ARRAY) {
        done = true;
        if (parser.nextToken() != null) {
          throw new SourceException(
              file + " has more content after the closing ']' of its array " + where());
        }
        return null;
      }
      long line = parser.currentTokenLocation().getLineNr();
      long position = ++index;
      if (t == JsonToken.START_OBJECT) {
        Map<String, Object> tree = JsonTrees.readUser(parser, keep);
        return UserRecord.trusted(position, tree);
      }
      String kind = JsonTrees.describe(t);
      parser.skipChildren();
      return new MalformedEntry(
          position,
          "array element " + position + " (line " + line + ") is " + kind + ", not a user object");
    } catch (tools.jackson.core.exc.UnexpectedEndOfInputException e) {
      done = true;
      throw new SourceException(
          "The JSON array in "
              + file
              + " never closes: the file ends "
              + where()
              + " before the closing ']'. It is probably truncated; export or download it again.",
          e);
    } catch (JacksonException e) {
      done = true;
      throw new SourceException(
          "Cannot read the JSON array in "
              + file
              + ": "
              + JsonTrees.describe(e)
              + " "
              + where()
              + ". Reading stopped there, since what follows cannot be trusted; fix the file and"
              + " run again.",
          e);
    } catch (UncheckedIOException e) {
      done = true;
      throw new SourceException(
          "Cannot read " + file + " " + where() + ": " + e.getCause().getMessage(), e);
    }
  }

  private String where() {
    return "at line " + parser.currentLocation().getLineNr();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      parser.close();
      in.close();
    } catch (IOException | JacksonException e) {
      throw new SourceException("Cannot close " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "UserSource.jsonArray(" + file + ")";
  }
}
