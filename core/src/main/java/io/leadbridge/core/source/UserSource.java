package io.leadbridge.core.source;

import java.io.Closeable;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A stream of users to export: read one entry at a time, then closed.
 *
 * <p>Ready-made sources:
 *
 * <ul>
 *   <li>{@link #ndjson(Path)}: one JSON object per line, as Auth0's export job writes it, plain or
 *       gzipped;
 *   <li>{@link #jsonArray(Path)}: a file holding one JSON array of user objects;
 *   <li>{@link #of(Iterable)}: records already in memory.
 * </ul>
 *
 * <p>File sources stream: memory does not grow with the number of users. Input that is not a user
 * (a line that is not a JSON object) comes out as a {@link MalformedEntry} and reading goes on;
 * only a problem that makes the rest of the input untrustworthy throws {@link SourceException}.
 *
 * <pre>{@code
 * try (UserSource users = UserSource.ndjson(Path.of("tenant.json.gz"))) {
 *   ExportResult result = exporter.export(users, Path.of("out/users.tsv"));
 * }
 * }</pre>
 *
 * <p>A source is read by one thread at a time; the ready-made sources are not thread-safe.
 */
public interface UserSource extends Closeable {

  /**
   * Reads the next entry.
   *
   * @return a {@link UserRecord} or a {@link MalformedEntry}; {@code null} at the end
   * @throws SourceException if the source cannot be read further
   */
  SourceEntry next();

  /**
   * Releases what the source holds (files, connections, temporary files). Safe to call twice.
   *
   * @throws SourceException if releasing fails
   */
  @Override
  default void close() {}

  /**
   * Opens an NDJSON file: one JSON object per line. A gzipped file is recognised by its first
   * bytes, whatever its name. Blank lines are skipped; a line that is not a JSON object, or is not
   * valid UTF-8, becomes a {@link MalformedEntry} with its line number. A file that is not NDJSON
   * at all (UTF-16 text, a JSON array, pretty-printed JSON) is refused at its first line with a
   * {@link SourceException} that says what it is.
   *
   * @param file the file
   * @return an open source; close it when done
   * @throws SourceException if the file cannot be opened
   */
  static UserSource ndjson(Path file) {
    return new NdjsonUserSource(Objects.requireNonNull(file, "file"));
  }

  /**
   * Reads NDJSON from a stream, such as standard input, as {@link #ndjson(Path)} reads a file: gzip
   * recognised by its first bytes, one user per line. Closing the source closes the stream.
   *
   * @param in the bytes
   * @param name what the stream is, for messages: {@code "standard input"}
   * @return an open source; close it when done
   * @throws SourceException if the stream's first bytes cannot be read
   */
  static UserSource ndjson(InputStream in, String name) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(name, "name");
    return new NdjsonUserSource(name, NdjsonUserSource.open(in, name));
  }

  /**
   * Opens a file that holds one JSON array of user objects ({@code [{…}, {…}]}), plain or gzipped.
   * An element that is not an object becomes a {@link MalformedEntry}; a syntax error or an array
   * that never closes throws {@link SourceException}, since what follows cannot be read reliably.
   *
   * @param file the file
   * @return an open source; close it when done
   * @throws SourceException if the file cannot be opened or does not hold a JSON array
   */
  static UserSource jsonArray(Path file) {
    return new JsonArrayUserSource(Objects.requireNonNull(file, "file"));
  }

  /**
   * A source over records in memory, each map copied as by {@link UserRecord#of(long, Map)}. A map
   * with a value of an unsupported type becomes a {@link MalformedEntry}; a {@code null} element
   * too.
   *
   * @param users the users' properties, read lazily in iteration order
   * @return a source; closing it does nothing
   */
  static UserSource of(Iterable<? extends Map<String, ?>> users) {
    return new IterableUserSource(Objects.requireNonNull(users, "users"));
  }
}
