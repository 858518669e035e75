package io.leadbridge.core.mapping;

import io.leadbridge.core.internal.Json;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.source.UserRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which columns an export writes and where each value comes from: an ordered list of columns, each
 * a path into the user record (or a function of the record, or a constant) with a column name and a
 * {@link ValueFormat}.
 *
 * <pre>{@code
 * FieldMapping mapping = FieldMapping.builder()
 *     .column("email", "email")
 *     .column("given_name", "firstName")
 *     .column("created_at", "auth0CreatedAt", ValueFormat.isoInstant())
 *     .column("user_metadata.plan", "plan")
 *     .column("identities[0].connection", "connection")
 *     .constant("leadSource", "Auth0")
 *     .required("email")
 *     .build();
 * }</pre>
 *
 * <p>A user missing a {@link Builder#required(String...) required} value is rejected with the
 * reason, never written half-empty. Column names must be unique, ignoring case.
 *
 * <p>{@link #read(Path)} reads a mapping from a file a person can edit; {@link #auth0Defaults()}
 * gives the eleven columns of Auth0's retired User Import / Export extension.
 *
 * <p>Immutable and thread-safe once built (computed columns must be thread-safe functions); the
 * builder is not.
 */
public final class FieldMapping {

  /** One column of a mapping. */
  public static final class Column {
    /** Where a column's value comes from. */
    public enum Kind {
      /** A path into the user record. */
      PATH,
      /** A function of the whole record. */
      COMPUTED,
      /** The same text for every user. */
      CONSTANT
    }

    private final String name;
    private final Kind kind;
    private final FieldPath path;
    private final Function<UserRecord, ?> function;
    private final String constant;
    private final ValueFormat format;

    private Column(
        String name,
        Kind kind,
        FieldPath path,
        Function<UserRecord, ?> function,
        String constant,
        ValueFormat format) {
      this.name = name;
      this.kind = kind;
      this.path = path;
      this.function = function;
      this.constant = constant;
      this.format = format;
    }

    /**
     * The column name written in the header.
     *
     * @return the name
     */
    public String name() {
      return name;
    }

    /**
     * Where the value comes from.
     *
     * @return the kind of column
     */
    public Kind kind() {
      return kind;
    }

    /**
     * The source path, for a {@link Kind#PATH} column.
     *
     * @return the path, or empty for computed and constant columns
     */
    public Optional<FieldPath> path() {
      return Optional.ofNullable(path);
    }

    /**
     * How the value becomes text.
     *
     * @return the format
     */
    public ValueFormat format() {
      return format;
    }

    String value(UserRecord record) {
      switch (kind) {
        case PATH:
          return format.format(record.get(path));
        case COMPUTED:
          return format.format(function.apply(record));
        default:
          return constant;
      }
    }

    @Override
    public String toString() {
      switch (kind) {
        case PATH:
          return name + " <- " + path;
        case COMPUTED:
          return name + " <- (computed)";
        default:
          return name + " <- (constant)";
      }
    }
  }

  private final List<Column> columns;
  private final List<FieldPath> required;
  private final List<String> header;

  private FieldMapping(Builder b) {
    if (b.columns.isEmpty()) {
      throw new MappingException("A field mapping needs at least one column.");
    }
    Map<String, String> seen = new HashMap<>();
    for (Column c : b.columns) {
      String previous = seen.putIfAbsent(c.name.toLowerCase(Locale.ROOT), c.name);
      if (previous != null) {
        throw new MappingException(
            "The column name '"
                + c.name
                + "' is used twice"
                + (previous.equals(c.name) ? "" : " (as '" + previous + "' too, ignoring case)")
                + "; every column needs its own name.");
      }
    }
    this.columns = List.copyOf(b.columns);
    this.required = List.copyOf(new LinkedHashSet<>(b.required));
    List<String> names = new ArrayList<>(columns.size());
    for (Column c : columns) {
      names.add(c.name);
    }
    this.header = Collections.unmodifiableList(names);
  }

  /**
   * A new, empty builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this mapping's columns and required paths, to add to or change.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.columns.addAll(columns);
    b.required.addAll(required);
    return b;
  }

  /**
   * The columns in order.
   *
   * @return an unmodifiable list
   */
  public List<Column> columns() {
    return columns;
  }

  /**
   * The column names in order: the header row.
   *
   * @return an unmodifiable list
   */
  public List<String> header() {
    return header;
  }

  /**
   * The paths a user must have a value for.
   *
   * @return an unmodifiable list
   */
  public List<FieldPath> requiredPaths() {
    return required;
  }

  /**
   * The top-level properties that the path columns and required paths read, in order: {@code
   * user_metadata} for {@code user_metadata.plan}. This is what an Auth0 export job must be asked
   * for. Computed columns may read anything and are not counted.
   *
   * @return an unmodifiable set
   */
  public Set<String> rootProperties() {
    Set<String> roots = new LinkedHashSet<>();
    for (Column c : columns) {
      if (c.path != null) {
        roots.add(c.path.root());
      }
    }
    for (FieldPath p : required) {
      roots.add(p.root());
    }
    return Collections.unmodifiableSet(roots);
  }

  /**
   * Whether the mapping has computed columns, which may read any property of a record.
   *
   * @return true if any column is {@link Column.Kind#COMPUTED}
   */
  public boolean hasComputedColumns() {
    for (Column c : columns) {
      if (c.kind == Column.Kind.COMPUTED) {
        return true;
      }
    }
    return false;
  }

  /**
   * The mapping as text that fixes the rows it writes, when text can: every column a path or a
   * constant, each with a ready-made {@link ValueFormat} ({@code text}, {@code isoInstant}, {@code
   * epochMillis}, {@code date:…}, {@code join:…}), and the required paths. Two mappings with the
   * same definition write the same row from the same user. A sync uses it to leave unparsed the
   * source entries it already sent under the same mapping; a computed column or a format of one's
   * own is code whose effect text cannot show, so such a mapping has none.
   *
   * @return the definition, or empty when a column is computed or has a format of its own
   */
  public Optional<String> definition() {
    StringBuilder out = new StringBuilder("columns:");
    for (Column c : columns) {
      if (c.kind == Column.Kind.COMPUTED || !(c.format instanceof ValueFormats.Named)) {
        return Optional.empty();
      }
      out.append('\n').append(Json.write(c.name)).append(' ');
      if (c.kind == Column.Kind.PATH) {
        out.append("path ").append(Json.write(c.path.toString()));
      } else {
        out.append("constant ").append(Json.write(c.constant));
      }
      out.append(" format ").append(Json.write(c.format.toString()));
    }
    out.append("\nrequired:");
    for (FieldPath p : required) {
      out.append('\n').append(Json.write(p.toString()));
    }
    return Optional.of(out.toString());
  }

  /**
   * The index of a column by name.
   *
   * @param name a column name, compared exactly
   * @return the 0-based index, or -1 if there is no such column
   */
  public int indexOf(String name) {
    return header.indexOf(name);
  }

  /**
   * Maps one user to the values of a row, in column order.
   *
   * @param record the user
   * @return the row's values, unmodifiable, never {@code null} elements
   * @throws RecordRejectedException if a required value is missing or a value cannot be formatted
   */
  public List<String> apply(UserRecord record) {
    return Collections.unmodifiableList(Arrays.asList(row(record)));
  }

  private String[] row(UserRecord record) {
    for (FieldPath p : required) {
      if (isEmpty(record.get(p))) {
        throw new RecordRejectedException(
            RecordRejectedException.Reason.MISSING_REQUIRED,
            "required value '" + p + "' is missing or empty");
      }
    }
    String[] values = new String[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Column c = columns.get(i);
      try {
        String v = c.value(record);
        values[i] = v == null ? "" : v;
      } catch (ValueFormatException e) {
        throw new RecordRejectedException(
            RecordRejectedException.Reason.INVALID_VALUE,
            "column '" + c.name + "': " + e.getMessage());
      } catch (RuntimeException e) {
        throw new RecordRejectedException(
            RecordRejectedException.Reason.INVALID_VALUE,
            "column '"
                + c.name
                + "': the value could not be computed ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    return values;
  }

  private static boolean isEmpty(Object value) {
    if (value == null) {
      return true;
    }
    if (value instanceof String) {
      return ((String) value).isBlank();
    }
    if (value instanceof List) {
      return ((List<?>) value).isEmpty();
    }
    if (value instanceof Map) {
      return ((Map<?, ?>) value).isEmpty();
    }
    return false;
  }

  /**
   * The eleven default columns of Auth0's User Import / Export extension: {@code user_id → Id},
   * {@code given_name → Given Name}, {@code family_name → Family Name}, {@code nickname →
   * Nickname}, {@code name → Name}, {@code email → Email}, {@code email_verified → Email Verified},
   * {@code picture → Picture}, {@code identities[0].connection → Connection}, {@code created_at →
   * Created At}, {@code updated_at → Updated At}. Nothing is required.
   *
   * @return the mapping
   */
  public static FieldMapping auth0Defaults() {
    return builder()
        .column("user_id", "Id")
        .column("given_name", "Given Name")
        .column("family_name", "Family Name")
        .column("nickname", "Nickname")
        .column("name", "Name")
        .column("email", "Email")
        .column("email_verified", "Email Verified")
        .column("picture", "Picture")
        .column("identities[0].connection", "Connection")
        .column("created_at", "Created At")
        .column("updated_at", "Updated At")
        .build();
  }

  /**
   * Reads a mapping from a UTF-8 file. Two forms are accepted.
   *
   * <p><b>A table</b>, one column per line, cells separated by {@code |} or a tab, as in the Auth0
   * extension's "User Field | Column Name" table (a Markdown table pastes as it is):
   *
   * <pre>
   * # lines starting with # are comments
   * User Field               | Column Name | Format     | Required
   * email                    | email       |            | yes
   * given_name               | firstName
   * created_at               | createdAt   | isoInstant
   * identities[0].connection | connection
   * ="Auth0"                 | leadSource
   * </pre>
   *
   * <p>The header line and a {@code ---|---} line are optional and skipped; backticks around a path
   * are ignored; a user field written {@code ="text"} (or {@code =text}) is a constant. {@code
   * Format} is one of {@code text} (the default), {@code isoInstant}, {@code epochMillis}, {@code
   * date:PATTERN} or {@code date:PATTERN@ZONE} (e.g. {@code date:yyyy-MM-dd@Europe/Paris}; UTC when
   * no zone), and {@code join:SEPARATOR}. {@code Required} is {@code yes}/{@code true}/{@code
   * required} or empty.
   *
   * <p><b>JSON</b>, when the file starts with <code>{</code> or {@code [}:
   *
   * <pre>
   * {"columns": [
   *   {"field": "email", "column": "email", "required": true},
   *   {"field": "created_at", "column": "createdAt", "format": "isoInstant"},
   *   {"value": "Auth0", "column": "leadSource"}
   * ]}
   * </pre>
   *
   * <p>A bare array of those objects works too.
   *
   * @param file the mapping file
   * @return the mapping
   * @throws MappingException if the file cannot be read or has a mistake; the message gives the
   *     line or entry
   */
  public static FieldMapping read(Path file) {
    String text;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      String reason = IoErrors.unreadable(file).orElseGet(() -> IoErrors.reason(e));
      throw new MappingException("Cannot read the mapping file " + file + ": " + reason + ".", e);
    }
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MappingException(
          "The mapping file "
              + file
              + " is not UTF-8 text"
              + firstBadByte(bytes)
              + ". Save it as UTF-8 (in most editors: Save As, encoding UTF-8).",
          e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String trimmed = text.strip();
    try {
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        return MappingFiles.fromJson(trimmed);
      }
      return MappingFiles.fromTable(text);
    } catch (MappingException e) {
      throw new MappingException("In the mapping file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Where the first byte that is not UTF-8 is, for the message. */
  private static String firstBadByte(byte[] bytes) {
    java.nio.charset.CharsetDecoder d =
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      return "";
    }
    int at = in.position();
    if (bytes.length >= 2
        && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
            || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF))) {
      return " (it starts with a UTF-16 byte-order mark)";
    }
    return String.format(Locale.ROOT, " (byte 0x%02X at offset %d)", bytes[at] & 0xFF, at);
  }

  /**
   * Parses a format name as used in mapping files: {@code text}, {@code isoInstant}, {@code
   * epochMillis}, {@code date:PATTERN[@ZONE]}, {@code join:SEPARATOR}.
   *
   * @param spec the name
   * @return the format
   * @throws MappingException if the name is unknown or its pattern or zone is invalid
   */
  static ValueFormat parseFormat(String spec) {
    String s = spec == null ? "" : spec.strip();
    if (s.isEmpty() || s.equalsIgnoreCase("text")) {
      return ValueFormat.defaults();
    }
    if (s.equalsIgnoreCase("isoInstant")) {
      return ValueFormat.isoInstant();
    }
    if (s.equalsIgnoreCase("epochMillis")) {
      return ValueFormat.epochMillis();
    }
    if (s.regionMatches(true, 0, "join:", 0, 5)) {
      return ValueFormat.join(spec.strip().substring(5));
    }
    if (s.regionMatches(true, 0, "date:", 0, 5)) {
      String rest = s.substring(5);
      int at = rest.lastIndexOf('@');
      String pattern = at < 0 ? rest : rest.substring(0, at);
      ZoneId zone;
      try {
        zone = at < 0 ? ZoneOffset.UTC : ZoneId.of(rest.substring(at + 1).strip());
      } catch (DateTimeException e) {
        throw new MappingException(
            "Unknown time zone '" + rest.substring(at + 1).strip() + "' in format '" + s + "'.");
      }
      try {
        return ValueFormat.datePattern(pattern, zone);
      } catch (IllegalArgumentException e) {
        throw new MappingException(
            "Invalid date pattern '" + pattern + "' in format '" + s + "': " + e.getMessage());
      }
    }
    throw new MappingException(
        "Unknown format '"
            + s
            + "'; use text, isoInstant, epochMillis, date:PATTERN[@ZONE] or join:SEPARATOR.");
  }

  @Override
  public String toString() {
    return "FieldMapping" + columns + (required.isEmpty() ? "" : " required=" + required);
  }

  /** Builds a {@link FieldMapping}. */
  public static final class Builder {
    private final List<Column> columns = new ArrayList<>();
    private final List<FieldPath> required = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a column whose value is read from a path and formatted by {@link
     * ValueFormat#defaults()}.
     *
     * @param path a path into the user record, e.g. {@code user_metadata.plan}
     * @param name the column name
     * @return this builder
     * @throws MappingException if the path is malformed or the name empty
     */
    public Builder column(String path, String name) {
      return column(path, name, ValueFormat.defaults());
    }

    /**
     * Adds a column whose value is read from a path.
     *
     * @param path a path into the user record, e.g. {@code created_at}
     * @param name the column name
     * @param format how the value becomes text
     * @return this builder
     * @throws MappingException if the path is malformed or the name empty
     */
    public Builder column(String path, String name, ValueFormat format) {
      columns.add(
          new Column(
              checkName(name),
              Column.Kind.PATH,
              FieldPath.parse(path),
              null,
              null,
              Objects.requireNonNull(format, "format")));
      return this;
    }

    /**
     * Adds a column computed from the whole record, formatted by {@link ValueFormat#defaults()}. An
     * exception from the function rejects the user.
     *
     * @param name the column name
     * @param function computes the value
     * @return this builder
     */
    public Builder computed(String name, Function<UserRecord, ?> function) {
      return computed(name, function, ValueFormat.defaults());
    }

    /**
     * Adds a column computed from the whole record.
     *
     * @param name the column name
     * @param function computes the value
     * @param format how the value becomes text
     * @return this builder
     */
    public Builder computed(String name, Function<UserRecord, ?> function, ValueFormat format) {
      columns.add(
          new Column(
              checkName(name),
              Column.Kind.COMPUTED,
              null,
              Objects.requireNonNull(function, "function"),
              null,
              Objects.requireNonNull(format, "format")));
      return this;
    }

    /**
     * Adds a column with the same text for every user, e.g. a lead source.
     *
     * @param name the column name
     * @param value the text
     * @return this builder
     */
    public Builder constant(String name, String value) {
      columns.add(
          new Column(
              checkName(name),
              Column.Kind.CONSTANT,
              null,
              null,
              Objects.requireNonNull(value, "value"),
              ValueFormat.defaults()));
      return this;
    }

    /**
     * Marks paths whose value every written user must have: a user for whom one is missing, {@code
     * null}, blank, or an empty array or object is rejected. The paths need not be columns.
     *
     * @param paths paths such as {@code email}
     * @return this builder
     * @throws MappingException if a path is malformed
     */
    public Builder required(String... paths) {
      for (String p : paths) {
        required.add(FieldPath.parse(p));
      }
      return this;
    }

    /**
     * Removes every column and required path.
     *
     * @return this builder
     */
    public Builder clear() {
      columns.clear();
      required.clear();
      return this;
    }

    private static String checkName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new MappingException("A column name is empty; every column needs a name.");
      }
      for (int i = 0; i < name.length(); i++) {
        if (Character.isISOControl(name.charAt(i))) {
          throw new MappingException(
              "The column name '" + name.strip() + "' contains a control character.");
        }
      }
      return name;
    }

    /**
     * Builds the mapping.
     *
     * @return the mapping
     * @throws MappingException if there are no columns or two columns share a name
     */
    public FieldMapping build() {
      return new FieldMapping(this);
    }
  }
}
