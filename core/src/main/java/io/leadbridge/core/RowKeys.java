package io.leadbridge.core;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.files.SideFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Traces exported rows back to their users: for every written row, the part it went to, its row
 * number there, the user's {@code user_id} and the value of a key column (by default {@code
 * email}). Kept in a side file beside the export ({@code users.tsv.rowkeys}), read by streaming, so
 * memory does not grow with the number of rows.
 *
 * <p>Marketo's failure and warning files carry no row number; a later stage looks up the key value
 * of each failed row here to name the user it came from:
 *
 * <pre>{@code
 * Map<String, List<String>> ids = export.rowKeys().orElseThrow().userIdsByKey(failedEmails);
 * }</pre>
 *
 * <p>The side file holds personal data: it is created owner-readable only.
 *
 * <p>Immutable and thread-safe: each read opens the file anew.
 */
public final class RowKeys {

  /**
   * One written row.
   *
   * @param part the 1-based number of the part the row is in: {@code ExportResult.files().get(part
   *     - 1)}
   * @param row the 1-based data row number within that part
   * @param userId the user's {@code user_id}, or empty when the record had none
   * @param key the key column's value as written, or empty
   */
  public record RowKey(int part, long row, String userId, String key) {}

  static final CsvFormat FORMAT = SideFile.FORMAT;
  private static final List<String> FIXED = List.of("part", "row", "user_id");

  private final Path file;
  private final String keyColumn;

  private RowKeys(Path file, String keyColumn) {
    this.file = file;
    this.keyColumn = keyColumn;
  }

  static RowKeys of(Path file, String keyColumn) {
    return new RowKeys(file, keyColumn);
  }

  /**
   * Opens an existing row-keys file, for example one left by an earlier run.
   *
   * @param file the side file
   * @return the row keys
   * @throws LeadbridgeException if the file cannot be read or is not a row-keys file
   */
  public static RowKeys open(Path file) {
    Objects.requireNonNull(file, "file");
    try (CsvReader reader = FORMAT.openReader(file)) {
      List<String> header = reader.header();
      if (header.size() != 4 || !header.subList(0, 3).equals(FIXED)) {
        throw new LeadbridgeException(file + " is not a Leadbridge row-keys file.");
      }
      return new RowKeys(file, header.get(3));
    } catch (IOException e) {
      throw new LeadbridgeException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static List<String> header(String keyColumn) {
    List<String> h = new ArrayList<>(FIXED);
    h.add(keyColumn);
    return h;
  }

  /**
   * Where the row keys are stored.
   *
   * @return the side file
   */
  public Path file() {
    return file;
  }

  /**
   * The column whose value is kept as the key, e.g. {@code email}.
   *
   * @return the key column's name
   */
  public String keyColumn() {
    return keyColumn;
  }

  /**
   * Reads every row key in order.
   *
   * @param action receives each row key
   * @throws UncheckedIOException if the file cannot be read
   */
  public void forEach(Consumer<RowKey> action) {
    try (CsvReader reader = FORMAT.openReader(file)) {
      for (List<String> r; (r = reader.next()) != null; ) {
        action.accept(
            new RowKey(Integer.parseInt(r.get(0)), Long.parseLong(r.get(1)), r.get(2), r.get(3)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the row keys in " + file, e);
    }
  }

  /**
   * Finds the users whose rows had the given key values, reading the file once.
   *
   * @param keys key values as written in the export (compared exactly)
   * @return for each key found, the {@code user_id}s of its rows in export order
   * @throws UncheckedIOException if the file cannot be read
   */
  public Map<String, List<String>> userIdsByKey(Collection<String> keys) {
    Set<String> wanted = new HashSet<>(keys);
    Map<String, List<String>> found = new HashMap<>();
    forEach(
        k -> {
          if (wanted.contains(k.key())) {
            found.computeIfAbsent(k.key(), x -> new ArrayList<>()).add(k.userId());
          }
        });
    return found;
  }

  /**
   * Finds the user of a given row, reading the file until it is found.
   *
   * @param part the 1-based part number
   * @param row the 1-based data row number in it
   * @return the row key, or empty if there is no such row
   */
  public Optional<RowKey> find(int part, long row) {
    RowKey[] hit = new RowKey[1];
    forEach(
        k -> {
          if (hit[0] == null && k.row() == row && k.part() == part) {
            hit[0] = k;
          }
        });
    return Optional.ofNullable(hit[0]);
  }

  @Override
  public String toString() {
    return "RowKeys[" + file + ", key=" + keyColumn + "]";
  }
}
