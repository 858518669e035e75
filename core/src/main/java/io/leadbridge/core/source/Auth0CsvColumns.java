package io.leadbridge.core.source;

import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.mapping.FieldPath;
import io.leadbridge.core.mapping.MappingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The columns of an Auth0 CSV export: which field path each header stands for (a field name, or a
 * display name through a header mapping), which columns hold whole objects or arrays that Auth0
 * leaves empty, and whether a mapping reads a value the columns cannot hold. Immutable.
 */
final class Auth0CsvColumns {
  /** Auth0 profile attributes that are objects or arrays: Auth0's CSV leaves them empty. */
  private static final Set<String> WHOLE_VALUES =
      Set.of("identities", "user_metadata", "app_metadata", "multifactor");

  /** A header read as a field name: a path whose first key is in lower-case snake case. */
  private static final Pattern FIELD_ROOT = Pattern.compile("[a-z_][a-z0-9_]*");

  /** Highest array index accepted in a header, so that one header cannot fill the memory. */
  private static final int MAX_INDEX = 1000;

  /** One column: its header, the path it is read into, and whether rows skip it. */
  static final class Column {
    final String header;
    final FieldPath path;
    final boolean whole; // a whole object or array: Auth0 leaves it empty, reading skips it

    Column(String header, FieldPath path, boolean whole) {
      this.header = header;
      this.path = path;
      this.whole = whole;
    }
  }

  private final String name;
  private final List<Column> columns;

  private Auth0CsvColumns(String name, List<Column> columns) {
    this.name = name;
    this.columns = columns;
  }

  /** The columns in header order. */
  List<Column> list() {
    return columns;
  }

  /**
   * Reads the headers of a file.
   *
   * @throws SourceException naming every header that is neither a field name nor in the mapping,
   *     two headers for one field, or an index too high
   */
  static Auth0CsvColumns of(String name, List<String> texts, FieldMapping headerNames) {
    Map<String, FieldPath> byName = new HashMap<>();
    if (headerNames != null) {
      for (FieldMapping.Column c : headerNames.columns()) {
        c.path().ifPresent(p -> byName.put(c.name().toLowerCase(Locale.ROOT), p));
      }
    }
    List<String> unknown = new ArrayList<>();
    List<FieldPath> paths = new ArrayList<>();
    for (String text : texts) {
      FieldPath path = byName.get(text.toLowerCase(Locale.ROOT));
      if (path == null) {
        path = fieldName(text);
      }
      if (path == null) {
        unknown.add(text);
      }
      paths.add(path);
    }
    if (!unknown.isEmpty()) {
      throw new SourceException(unknownHeaders(name, unknown, headerNames != null));
    }
    Map<FieldPath, String> seen = new HashMap<>();
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      FieldPath path = paths.get(i);
      String before = seen.putIfAbsent(path, texts.get(i));
      if (before != null) {
        throw new SourceException(
            "The headers '"
                + before
                + "' and '"
                + texts.get(i)
                + "' of "
                + name
                + " both stand for the field "
                + path
                + "; each field may have one column only.");
      }
      for (Object segment : path.segments()) {
        if (segment instanceof Integer && (Integer) segment > MAX_INDEX) {
          throw new SourceException(
              "The header '"
                  + texts.get(i)
                  + "' of "
                  + name
                  + " has an array index above "
                  + MAX_INDEX
                  + "; Auth0 users have no such arrays.");
        }
      }
    }
    for (int i = 0; i < texts.size(); i++) {
      FieldPath path = paths.get(i);
      boolean whole = isWhole(path);
      for (FieldPath other : paths) {
        whole |= other != path && isBelow(other, path);
      }
      out.add(new Column(texts.get(i), path, whole));
    }
    return new Auth0CsvColumns(name, Collections.unmodifiableList(out));
  }

  private static boolean isWhole(FieldPath path) {
    return path.isTopLevel() && WHOLE_VALUES.contains(path.root());
  }

  /** Whether {@code inner} lies strictly inside {@code outer}. */
  private static boolean isBelow(FieldPath inner, FieldPath outer) {
    List<Object> a = inner.segments();
    List<Object> b = outer.segments();
    return a.size() > b.size() && a.subList(0, b.size()).equals(b);
  }

  /** The header as an Auth0 field name, or {@code null} if it is not one. */
  private static FieldPath fieldName(String header) {
    if (header.isEmpty() || !header.strip().equals(header)) {
      return null;
    }
    FieldPath path;
    try {
      path = FieldPath.parse(header);
    } catch (MappingException e) {
      return null;
    }
    return FIELD_ROOT.matcher(path.root()).matches() ? path : null;
  }

  private static String unknownHeaders(String name, List<String> unknown, boolean mapped) {
    StringBuilder b = new StringBuilder();
    b.append(name)
        .append(
            unknown.size() == 1 ? " has a column header that is" : " has column headers that are")
        .append(" not an Auth0 field name");
    if (mapped) {
      b.append(" nor a column name of the header mapping");
    }
    b.append(": ");
    for (int i = 0; i < unknown.size(); i++) {
      b.append(i == 0 ? "" : ", ").append('\'').append(unknown.get(i)).append('\'');
    }
    b.append(". An Auth0 export names its columns by field (email, user_metadata.plan,")
        .append(" identities[0].connection) or by the export_as names the export asked for.");
    if (!mapped) {
      b.append(" A file of the retired User Import / Export extension has display names")
          .append(" (Id, Given Name, Email, …): read it with")
          .append(" UserSource.open(file, InputFormat.AUTH0_CSV, FieldMapping.auth0Defaults()),")
          .append(" or with a mapping whose column names are these headers and whose paths say")
          .append(" which field each holds.");
    } else {
      b.append(" Add a column to the header mapping for each, named as the header, with the")
          .append(" field path it holds.");
    }
    return b.toString();
  }

  /** See {@link io.leadbridge.core.internal.MappingAware#checkMapping}. */
  void checkMapping(FieldMapping mapping) {
    Set<FieldPath> needed = new LinkedHashSet<>();
    for (FieldMapping.Column c : mapping.columns()) {
      c.path().ifPresent(needed::add);
    }
    needed.addAll(mapping.requiredPaths());
    List<String> problems = new ArrayList<>();
    for (FieldPath p : needed) {
      String problem = problem(p);
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    throw new SourceException(
        "The CSV export "
            + name
            + " cannot hold "
            + (problems.size() == 1 ? "a value" : "values")
            + " the mapping reads: "
            + String.join("; ", problems)
            + ". Auth0's CSV holds single values only: it leaves a whole object or array (such as"
            + " user_metadata or identities) empty. Export in JSON (format json, as"
            + " Auth0ExportJob does), or map single values such as user_metadata.plan or"
            + " identities[0].connection and export those fields.");
  }

  private String problem(FieldPath needed) {
    for (Column c : columns) {
      if (c.path.equals(needed) && !c.whole) {
        return null;
      }
    }
    for (Column c : columns) {
      if (c.path.equals(needed)) {
        return "'" + needed + "' is a whole object or array (column '" + c.header + "' is empty)";
      }
      if (isBelow(needed, c.path)) {
        return "'"
            + needed
            + "' lies inside column '"
            + c.header
            + "', an object or array the CSV leaves empty";
      }
    }
    List<String> parts = new ArrayList<>();
    for (Column c : columns) {
      if (isBelow(c.path, needed)) {
        parts.add(c.path.toString());
      }
    }
    if (!parts.isEmpty()) {
      return "'"
          + needed
          + "' is read whole, but the CSV holds only "
          + (parts.size() == 1 ? "one part of it" : "parts of it")
          + " ("
          + String.join(", ", parts)
          + ")";
    }
    if (isWhole(needed)) {
      return "'" + needed + "' is a whole object or array, which the CSV cannot hold";
    }
    return null;
  }
}
