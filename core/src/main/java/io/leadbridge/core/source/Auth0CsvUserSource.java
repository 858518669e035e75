package io.leadbridge.core.source;

import io.leadbridge.core.internal.MappingAware;
import io.leadbridge.core.internal.Projectable;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.mapping.FieldMapping;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * Reads an Auth0 CSV or TSV export back into user records: each header is a field path (or, through
 * a header mapping, a display name), and each row becomes a tree rebuilt from those paths.
 *
 * <p>The formula guard is undone by one rule, from Auth0's "Bulk User Exports" page: Auth0 encloses
 * every string value in double quotes, doubles the quotes inside, and puts a single quote {@code '}
 * before it; it leaves other values (numbers, booleans, its own ISO 8601 dates) bare and writes
 * nothing for a missing value. So a field that was enclosed in quotes and starts with {@code '}
 * loses exactly that one character ({@code "''quoted"} is the string {@code 'quoted}); a quoted
 * field without it is a string taken as written; a bare field is {@code true}/{@code false} as a
 * boolean, a JSON number as a number, empty as no value, and anything else (a date) as a string.
 */
final class Auth0CsvUserSource implements UserSource, Projectable, MappingAware {
  /**
   * Bare numbers read as numbers only in forms whose text a number gives back unchanged (no
   * exponent, no {@code -0}), so that a bare value in a file that does not follow Auth0's quoting
   * is written out as it was read.
   */
  private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]*");

  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");

  private final String name;
  private final char delimiter;
  private final InputStream in;
  private final DelimitedRecords records;
  private final Auth0CsvColumns columns;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private Set<String> keep;
  private boolean closed;
  private boolean done;

  /**
   * See {@link UserSource#open(Path, InputFormat, FieldMapping)}; {@code headerNames} may be null.
   */
  static UserSource open(Path file, InputFormat format, FieldMapping headerNames) {
    java.util.Objects.requireNonNull(file, "file");
    java.util.Objects.requireNonNull(format, "format");
    InputFormat f = format == InputFormat.AUTO ? InputFormat.detect(file) : format;
    switch (f) {
      case NDJSON:
        return UserSource.ndjson(file);
      case JSON_ARRAY:
        return UserSource.jsonArray(file);
      case AUTH0_TSV:
        return new Auth0CsvUserSource(file, '\t', headerNames);
      default:
        return new Auth0CsvUserSource(file, ',', headerNames);
    }
  }

  Auth0CsvUserSource(Path file, char delimiter, FieldMapping headerNames) {
    this.name = file.toString();
    this.delimiter = delimiter;
    this.in = NdjsonUserSource.open(file);
    try {
      this.records = new DelimitedRecords(in, delimiter);
      this.columns = readHeader(headerNames);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException ignored) {
      // already failing
    }
  }

  // ------------------------------------------------------------------------------ the header

  private Auth0CsvColumns readHeader(FieldMapping headerNames) {
    DelimitedRecords.Record header;
    try {
      do {
        header = records.next();
      } while (header != null && header.isBlankLine());
    } catch (IOException e) {
      throw failure(e);
    }
    if (header == null) {
      throw new SourceException(
          name + " is empty: an Auth0 CSV export starts with a header row of field names.");
    }
    if (header.malformed != null) {
      throw new SourceException(
          "The header row of " + name + " cannot be read: " + header.malformed + ".");
    }
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < header.fields.size(); i++) {
      String text;
      try {
        text = decode(header.fields.get(i));
      } catch (CharacterCodingException e) {
        throw new SourceException(
            "The header row of "
                + name
                + " is not UTF-8 text (column "
                + (i + 1)
                + "). Save the file as UTF-8.");
      }
      if (i == 0 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      texts.add(text);
    }
    return Auth0CsvColumns.of(name, texts, headerNames);
  }

  // ------------------------------------------------------------------------------ the mapping

  @Override
  public void keepOnly(Set<String> properties) {
    this.keep = Set.copyOf(properties);
  }

  @Override
  public void checkMapping(FieldMapping mapping) {
    columns.checkMapping(mapping);
  }

  // ------------------------------------------------------------------------------ the rows

  @Override
  public SourceEntry next() {
    if (closed) {
      throw new IllegalStateException("This source is closed.");
    }
    if (done) {
      return null;
    }
    DelimitedRecords.Record r;
    try {
      do {
        r = records.next();
      } while (r != null && r.isBlankLine());
    } catch (IOException e) {
      done = true;
      throw failure(e);
    }
    if (r == null) {
      done = true;
      return null;
    }
    if (r.malformed != null) {
      return new MalformedEntry(r.line, r.malformed);
    }
    List<Auth0CsvColumns.Column> list = columns.list();
    if (r.fields.size() != list.size()) {
      return new MalformedEntry(
          r.line,
          "the row has "
              + r.fields.size()
              + (r.fields.size() == 1 ? " value" : " values")
              + ", the header has "
              + list.size());
    }
    Map<String, Object> user = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      Auth0CsvColumns.Column c = list.get(i);
      if (c.whole || (keep != null && !keep.contains(c.path.root()))) {
        continue;
      }
      Object value;
      try {
        value = value(r.fields.get(i), r.quoted.get(i));
      } catch (CharacterCodingException e) {
        return new MalformedEntry(
            r.line, "value " + (i + 1) + " ('" + c.header + "') is not valid UTF-8");
      }
      if (value != null) {
        assign(user, c.path.segments(), value);
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) freeze(user);
    return UserRecord.trusted(r.line, frozen);
  }

  /** A field as a value, by Auth0's rules (see the class comment). */
  private Object value(byte[] bytes, boolean quoted) throws CharacterCodingException {
    String text = decode(bytes);
    if (quoted) {
      return text.startsWith("'") ? text.substring(1) : text;
    }
    if (text.isEmpty()) {
      return null;
    }
    if (text.equals("true")) {
      return Boolean.TRUE;
    }
    if (text.equals("false")) {
      return Boolean.FALSE;
    }
    if (text.length() <= 1000 && INTEGER.matcher(text).matches()) {
      BigInteger big = new BigInteger(text);
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }
    if (text.length() <= 1000 && DECIMAL.matcher(text).matches()) {
      BigDecimal decimal = new BigDecimal(text);
      return decimal.signum() == 0 && text.startsWith("-") ? text : decimal;
    }
    return text;
  }

  private String decode(byte[] bytes) throws CharacterCodingException {
    return utf8.decode(ByteBuffer.wrap(bytes)).toString();
  }

  /** Puts a value into the tree at a path, creating the objects and arrays on the way. */
  private static void assign(Map<String, Object> root, List<Object> segments, Object value) {
    Object current = root;
    for (int i = 0; i < segments.size(); i++) {
      Object segment = segments.get(i);
      if (i == segments.size() - 1) {
        set(current, segment, value);
        return;
      }
      boolean list = segments.get(i + 1) instanceof Integer;
      Object next = get(current, segment);
      if (next == null) {
        next = list ? new ArrayList<>() : new LinkedHashMap<String, Object>();
        set(current, segment, next);
      } else if (list ? !(next instanceof List) : !(next instanceof Map)) {
        return; // a value of another kind is already there: two columns disagree, the first wins
      }
      current = next;
    }
  }

  private static Object get(Object container, Object segment) {
    if (segment instanceof String) {
      return ((Map<?, ?>) container).get(segment);
    }
    List<?> list = (List<?>) container;
    int index = (Integer) segment;
    return index < list.size() ? list.get(index) : null;
  }

  @SuppressWarnings("unchecked")
  private static void set(Object container, Object segment, Object value) {
    if (segment instanceof String) {
      ((Map<String, Object>) container).put((String) segment, value);
      return;
    }
    List<Object> list = (List<Object>) container;
    int index = (Integer) segment;
    while (list.size() <= index) {
      list.add(null);
    }
    list.set(index, value);
  }

  private static Object freeze(Object value) {
    if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, freeze(v)));
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object v : (List<?>) value) {
        out.add(freeze(v));
      }
      return Collections.unmodifiableList(out);
    }
    return value;
  }

  private SourceException failure(IOException e) {
    if (e instanceof DelimitedRecords.UnclosedQuote) {
      return new SourceException(
          name
              + " ends inside a quoted value opened on line "
              + ((DelimitedRecords.UnclosedQuote) e).line
              + ": the file is probably truncated. Export or download it again.",
          e);
    }
    if (e instanceof DelimitedRecords.RecordTooLong) {
      return new SourceException(
          "The row starting on line "
              + ((DelimitedRecords.RecordTooLong) e).line
              + " of "
              + name
              + " is longer than "
              + DelimitedRecords.MAX_RECORD_BYTES
              + " bytes; reading stopped there.",
          e);
    }
    if (e instanceof EOFException || e instanceof ZipException) {
      return new SourceException(
          "The compressed data in "
              + name
              + " ends early or is corrupt; the file is probably truncated. Download or export it"
              + " again.",
          e);
    }
    return new SourceException("Cannot read " + name + ": " + IoErrors.reason(e), e);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } catch (IOException e) {
      throw new SourceException("Cannot close " + name + ": " + IoErrors.reason(e), e);
    }
  }

  @Override
  public String toString() {
    return "UserSource.open(" + name + ", " + (delimiter == '\t' ? "AUTH0_TSV" : "AUTH0_CSV") + ")";
  }
}
