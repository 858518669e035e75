package io.leadbridge.core.source;

import io.leadbridge.core.mapping.FieldMapping;
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
 *   <li>{@link #open(Path)}: any file below, its format recognised from its first bytes, or {@link
 *       #open(Path, InputFormat)} with the format named;
 *   <li>{@link #ndjson(Path)}: one JSON object per line, as Auth0's export job writes it, plain or
 *       gzipped;
 *   <li>{@link #jsonArray(Path)}: a file holding one JSON array of user objects;
 *   <li>{@link InputFormat#AUTH0_CSV} and {@link InputFormat#AUTH0_TSV}: an Auth0 CSV export (the
 *       export job's default format, the dashboard's Import/Export Users, the retired extension's
 *       CSV or TSV), each row rebuilt into a user as the JSON export holds it;
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
 *
 * // NDJSON, a JSON array or an Auth0 CSV/TSV export, whichever the file is:
 * try (UserSource users = UserSource.open(Path.of("export.csv.gz"))) {
 *   ExportResult result = exporter.export(users, Path.of("out/users.tsv"));
 * }
 *
 * // the retired extension's file, whose headers are display names ("Given Name", "Email"):
 * try (UserSource users =
 *     UserSource.open(Path.of("users.csv"), InputFormat.AUTH0_CSV, FieldMapping.auth0Defaults())) {
 *   ...
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
   * Opens a file of users in whichever format it is: NDJSON, a JSON array, or an Auth0 CSV or TSV
   * export, plain or gzipped, recognised by {@link InputFormat#detect(Path)}. A CSV's headers must
   * be Auth0 field names; see {@link #open(Path, InputFormat, FieldMapping)} for display names.
   *
   * @param file the file
   * @return an open source; close it when done
   * @throws SourceException if the file cannot be opened or its format is none of these
   */
  static UserSource open(Path file) {
    return open(file, InputFormat.AUTO);
  }

  /**
   * Opens a file of users in a given format, or in the one its first bytes show for {@link
   * InputFormat#AUTO}.
   *
   * @param file the file
   * @param format its format
   * @return an open source; close it when done
   * @throws SourceException if the file cannot be opened, or does not hold that format
   */
  static UserSource open(Path file, InputFormat format) {
    return Auth0CsvUserSource.open(file, format, null);
  }

  /**
   * Opens a file of users in a given format (or {@link InputFormat#AUTO}), reading the headers of a
   * CSV or TSV export through a mapping: a header equal to a column name of {@code headerNames}
   * (ignoring case) holds that column's path, so the retired extension's display names read back
   * with {@link FieldMapping#auth0Defaults()} ({@code Given Name} is {@code given_name}, {@code
   * Connection} is {@code identities[0].connection}), and headers renamed with {@code export_as}
   * read back with a mapping that names them.
   *
   * <p><b>How an Auth0 CSV row becomes a user.</b> Every other header must be an Auth0 field name:
   * a field path whose first key is in lower-case snake case ({@code email}, {@code
   * user_metadata.plan}, {@code identities[0].connection}); any other header is refused with a
   * {@link SourceException} naming it. Each row is rebuilt into the tree the JSON export holds,
   * objects and arrays made from the dotted and indexed headers, so that a {@link FieldMapping}
   * writes the same rows from a CSV export as from a JSON export of the same users. Auth0's guard
   * against spreadsheet formulas is undone exactly as its "Bulk User Exports" page describes it:
   * Auth0 encloses every string in double quotes (doubling the quotes inside) and puts a {@code '}
   * before it, and leaves numbers, booleans and its own ISO 8601 dates bare; so a quoted field that
   * starts with {@code '} loses exactly that one character ({@code "''quoted"} reads as {@code
   * 'quoted}), any other quoted field is a string as written, and a bare field is a boolean ({@code
   * true}/{@code false}), a number, no value when empty, or else a string. A row with a different
   * number of values than the header, a quote out of place or bytes that are not UTF-8 is a {@link
   * MalformedEntry} with its line number, and reading goes on; a file that ends inside quotes is
   * truncated and throws {@link SourceException}.
   *
   * <p>Auth0's CSV cannot hold a whole object or array ({@code user_metadata}, {@code identities}):
   * it leaves such a column empty. An export whose mapping reads one says so once, before the first
   * row, with a {@link SourceException} naming every such path.
   *
   * @param file the file
   * @param format its format, or {@link InputFormat#AUTO}
   * @param headerNames a mapping whose column names are display names of the CSV's headers; NDJSON
   *     and JSON arrays ignore it
   * @return an open source; close it when done
   * @throws SourceException if the file cannot be opened, does not hold that format, or has a
   *     header that is neither a field name nor a column name of {@code headerNames}
   */
  static UserSource open(Path file, InputFormat format, FieldMapping headerNames) {
    return Auth0CsvUserSource.open(
        file, format, Objects.requireNonNull(headerNames, "headerNames"));
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
