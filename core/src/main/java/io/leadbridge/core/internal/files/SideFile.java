package io.leadbridge.core.internal.files;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tab-separated side file beside an export ({@code users.tsv.rejections}, {@code .merges}, …):
 * created owner-only under a temporary name on its first row, moved into place by {@link
 * #publish()}, deleted by {@link #discard()}. An export that has no row for it removes the one an
 * earlier export of the same name left.
 */
public final class SideFile {
  /** The format of side files: tab-separated, a line feed after each record. */
  public static final CsvFormat FORMAT = CsvFormat.TSV.toBuilder().recordSeparator("\n").build();

  private final Path dir;
  private final String name;
  private final String[] header;
  private Path temp;
  private CsvWriter out;
  private Path target;

  public SideFile(Path dir, String name, String... header) {
    this.dir = dir;
    this.name = name;
    this.header = header;
  }

  /**
   * Writes a row. A value that is not well-formed text (a lone UTF-16 surrogate, as a JSON {@code
   * "\ud800"} escape gives) is written with U+FFFD in its place: a side file lists what happened to
   * such a user instead of failing the export.
   */
  public void write(String... values) throws IOException {
    if (out == null) {
      temp = OwnerOnlyFiles.createTemp(dir, name, ".tmp");
      out = FORMAT.openWriter(temp);
      out.writeRow(header);
    }
    String[] row = values;
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      if (v != null && !wellFormed(v)) {
        if (row == values) {
          row = values.clone();
        }
        row[i] = replaceLoneSurrogates(v);
      }
    }
    out.writeRow(row);
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  /** Moves the file into place; returns it, or {@code null} when it had no row. */
  public Path publish() throws IOException {
    Path to = dir.resolve(name);
    if (out == null) {
      Files.deleteIfExists(to);
      return null;
    }
    out.close();
    OwnerOnlyFiles.move(temp, to);
    temp = null;
    out = null;
    target = to;
    return to;
  }

  /** The published file, or {@code null}. */
  public Path target() {
    return target;
  }

  /** Deletes the temporary file of an export that failed. */
  public void discard() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException | RuntimeException e) {
        // failing already; the original problem is the one to report
      }
    }
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // a leftover temporary file is hidden and named after the export
      }
    }
  }
}
