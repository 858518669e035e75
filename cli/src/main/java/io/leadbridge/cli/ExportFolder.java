package io.leadbridge.cli;

import io.leadbridge.core.csv.CsvFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of a run's output folder, the demo's and every command's: {@code export/} holds the
 * export ({@code users.tsv} or its parts {@code users-001.tsv} …, with side files and the Marketo
 * journal), {@code alterian/} the package. The whole folder is held by one run at a time.
 */
final class ExportFolder {
  private ExportFolder() {}

  /** The export's file: {@code out/export/users.tsv}. */
  static Path exportFile(Path out, CsvFormat format) {
    return out.resolve("export").resolve("users." + format.fileExtension());
  }

  /** The Alterian package's default folder. */
  static Path alterian(Path out) {
    return out.resolve("alterian");
  }

  /**
   * The files the last export in {@code out} wrote in this format, in order: {@code users.tsv}, or
   * its parts.
   */
  static List<Path> exportedFiles(Path out, CsvFormat format) throws IOException {
    Path dir = out.resolve("export");
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    Pattern name = Pattern.compile("users(-\\d{3,})?\\." + format.fileExtension());
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> name.matcher(p.getFileName().toString()).matches())
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(files::add);
    }
    return files;
  }

  /**
   * Removes the export an earlier run wrote in the other file format (users.csv beside a new
   * users.tsv), with its parts and side files, so that no old file is taken for new.
   *
   * @return how many files were removed
   */
  static int removeOtherFormat(Path dir, String ext) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Pattern old = Pattern.compile("users(-\\d{3,})?\\." + ext + "(\\..+)?");
    int removed = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (old.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
          Files.delete(p);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Deletes the Marketo import journals beside an export once a sync has committed what they
   * record. A journal resumes an import that stopped; kept after the commit, it would take a later
   * night's part with the same bytes (a value changed and changed back) for one already imported,
   * and skip it.
   *
   * @return how many journals were deleted
   */
  static int retireJournals(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Pattern journal = Pattern.compile("users(-\\d{3,})?\\.(tsv|csv)\\.marketo-journal");
    int deleted = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (journal.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
          Files.delete(p);
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** What is wrong with an input file in a few words, or {@code null} when it can be read. */
  static String inputProblem(Path input) {
    return Files.isDirectory(input)
        ? "it is a folder, not a file"
        : !Files.exists(input)
            ? "no such file"
            : !Files.isReadable(input) ? "permission denied" : null;
  }
}
