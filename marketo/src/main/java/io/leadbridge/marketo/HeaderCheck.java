package io.leadbridge.marketo;

import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.csv.CsvReader;
import io.leadbridge.core.internal.Suggestions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Compares a header with the fields of an import's target: lead fields by default. */
final class HeaderCheck {
  private HeaderCheck() {}

  static List<String> readHeader(Path file, CsvFormat format) {
    try (CsvReader r = format.openReader(file)) {
      return r.header();
    } catch (IOException | UncheckedIOException e) {
      throw new MarketoException("Cannot read the header of " + file + ": " + e.getMessage(), e);
    }
  }

  static void check(List<String> header, List<LeadField> fields) {
    check(header, fields, BulkTarget.leads());
  }

  /** Checks a header against a target's fields: each column must be one, and writable. */
  static void check(List<String> header, List<LeadField> fields, BulkTarget target) {
    Map<String, LeadField> byName = new HashMap<>();
    for (LeadField f : fields) {
      byName.put(f.name().toLowerCase(Locale.ROOT), f);
    }
    List<String> problems = new ArrayList<>();
    for (String column : header) {
      LeadField f = byName.get(column.toLowerCase(Locale.ROOT));
      if (f == null) {
        String closest = closest(column, fields);
        problems.add(
            "\""
                + column
                + "\" is not "
                + target.fieldsNoun()
                + (closest == null ? "" : "; did you mean \"" + closest + "\"?"));
      } else if (!f.updateable()) {
        problems.add("\"" + column + "\" is a read-only field; leave it out");
      } else if (!f.name().equals(column)) {
        problems.add("\"" + column + "\" must be written \"" + f.name() + "\"");
      }
    }
    if (!problems.isEmpty()) {
      throw target.isLeads()
          ? new MarketoHeaderException(problems)
          : new MarketoHeaderException(problems, "the REST API names of " + target.fieldsPlural());
    }
  }

  static String closest(String column, List<LeadField> fields) {
    String key = normalize(column);
    for (LeadField f : fields) {
      if (f.updateable()
          && (normalize(f.name()).equals(key)
              || (f.displayName() != null && normalize(f.displayName()).equals(key)))) {
        return f.name();
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (LeadField f : fields) {
      if (!f.updateable()) {
        continue;
      }
      for (String candidate : new String[] {f.name(), f.displayName()}) {
        if (candidate == null) {
          continue;
        }
        int d = Suggestions.distance(key, normalize(candidate));
        if (d < bestDistance) {
          bestDistance = d;
          best = f.name();
        }
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }
}
