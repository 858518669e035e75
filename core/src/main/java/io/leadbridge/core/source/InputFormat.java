package io.leadbridge.core.source;

import io.leadbridge.core.internal.files.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The kinds of file {@link UserSource#open(Path, InputFormat)} reads, each plain or gzipped (gzip
 * is recognised by its first bytes, whatever the file's name).
 *
 * <pre>{@code
 * InputFormat format = InputFormat.detect(Path.of("tenant.csv.gz"));   // AUTH0_CSV
 * try (UserSource users = UserSource.open(Path.of("tenant.csv.gz"), format)) { ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum InputFormat {
  /** Recognise the format from the file's first bytes: see {@link #detect(Path)}. */
  AUTO,
  /** One JSON object per line, as Auth0's export job writes with {@code format: json}. */
  NDJSON,
  /** One JSON array of user objects. */
  JSON_ARRAY,
  /**
   * An Auth0 CSV export: the users-exports job's default format and the dashboard's Import/Export
   * Users, or the retired extension's CSV. The header row names the fields.
   */
  AUTH0_CSV,
  /** As {@link #AUTH0_CSV}, with tabs between values: the retired extension's TSV. */
  AUTH0_TSV;

  /** How many bytes of a file {@link #detect} looks at. */
  private static final int SNIFF_BYTES = 64 * 1024;

  /**
   * The format of a name as written on a command line: {@code auto}, {@code ndjson}, {@code json}
   * (a JSON array), {@code csv}, {@code tsv}, or a constant's name, in any case.
   *
   * @param name the name
   * @return the format
   * @throws IllegalArgumentException if the name is none of those; the message lists them
   */
  public static InputFormat fromName(String name) {
    Objects.requireNonNull(name, "name");
    String n = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    switch (n) {
      case "auto":
        return AUTO;
      case "ndjson":
      case "jsonl":
        return NDJSON;
      case "json":
      case "json_array":
        return JSON_ARRAY;
      case "csv":
      case "auth0_csv":
        return AUTH0_CSV;
      case "tsv":
      case "auth0_tsv":
        return AUTH0_TSV;
      default:
        throw new IllegalArgumentException(
            "Unknown input format '"
                + name
                + "': use auto, ndjson, json (a JSON array), csv or tsv (an Auth0 CSV or TSV"
                + " export).");
    }
  }

  /**
   * Recognises a file's format from its first bytes, after un-gzipping them: a first non-blank
   * character <code>{</code> is {@link #NDJSON}, {@code [} is {@link #JSON_ARRAY}; otherwise the
   * first line is a header row, {@link #AUTH0_TSV} if it holds more tabs than commas outside
   * quotes, else {@link #AUTH0_CSV}. An empty or blank file is {@link #NDJSON} (no users).
   *
   * @param file the file
   * @return the format, never {@link #AUTO}
   * @throws SourceException if the file cannot be read, is UTF-16 text, or is not text at all
   */
  public static InputFormat detect(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] head;
    int n;
    try (InputStream in = NdjsonUserSource.open(file)) {
      head = new byte[SNIFF_BYTES];
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new SourceException(
          "Cannot read " + file + " to recognise its format: " + IoErrors.reason(e) + ".", e);
    }
    return detect(head, n, file.toString());
  }

  static InputFormat detect(byte[] b, int n, String name) {
    int i = 0;
    if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
      i = 3;
    }
    if (n - i >= 2
        && ((b[i] == (byte) 0xFF && b[i + 1] == (byte) 0xFE)
            || (b[i] == (byte) 0xFE && b[i + 1] == (byte) 0xFF))) {
      throw new SourceException(
          name
              + " looks like UTF-16 text (it starts with a UTF-16 byte-order mark); Leadbridge"
              + " reads UTF-8. Convert it, e.g. iconv -f UTF-16 -t UTF-8.");
    }
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
      i++;
    }
    if (i == n) {
      return NDJSON;
    }
    if (b[i] == '{') {
      return NDJSON;
    }
    if (b[i] == '[') {
      return JSON_ARRAY;
    }
    int tabs = 0;
    int commas = 0;
    boolean quoted = false;
    for (int j = i; j < n; j++) {
      byte c = b[j];
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        break;
      } else if (c == 0 || (c > 0 && c < 0x20 && c != '\t')) {
        throw new SourceException(
            name
                + " is neither NDJSON, a JSON array nor an Auth0 CSV/TSV export: its first line"
                + " holds "
                + (c == 0 ? "NUL bytes (UTF-16 or binary data)" : "control characters")
                + ". Give the export file itself (gzipped or not).");
      } else if (!quoted && c == '\t') {
        tabs++;
      } else if (!quoted && c == ',') {
        commas++;
      }
    }
    return tabs > commas ? AUTH0_TSV : AUTH0_CSV;
  }
}
