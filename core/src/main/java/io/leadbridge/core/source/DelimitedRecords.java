package io.leadbridge.core.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits RFC 4180 records (comma- or tab-separated, fields optionally in double quotes, a doubled
 * quote for a quote inside, line breaks allowed inside quotes) from a stream of bytes, and says for
 * each field whether it was quoted.
 *
 * <p>Hand-written because the reading of Auth0's CSV exports depends on what Commons CSV does not
 * tell: whether a field was enclosed in quotes (Auth0 quotes every string and nothing else, so
 * {@code "'true"} is a string and {@code true} a boolean, {@code "'"} an empty string and an empty
 * field no value). It works on bytes so that a field that is not valid UTF-8 spoils only its own
 * record, and counts physical lines so that every record has the line it starts on. The delimiter,
 * quote and line breaks are ASCII, which never occurs inside a multi-byte UTF-8 sequence. Not
 * thread-safe.
 */
final class DelimitedRecords {
  /** Longest record accepted; longer records stop the reading. */
  static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

  /** One record: its fields' raw bytes, whether each was quoted, or what is wrong with it. */
  static final class Record {
    final long line;
    final List<byte[]> fields;
    final List<Boolean> quoted;
    final String malformed;

    Record(long line, List<byte[]> fields, List<Boolean> quoted, String malformed) {
      this.line = line;
      this.fields = fields;
      this.quoted = quoted;
      this.malformed = malformed;
    }

    boolean isBlankLine() {
      return malformed == null && fields.size() == 1 && fields.get(0).length == 0 && !quoted.get(0);
    }
  }

  /** The input ends inside a quoted field: the file is cut. */
  static final class UnclosedQuote extends IOException {
    private static final long serialVersionUID = 1L;
    final long line;

    UnclosedQuote(long line) {
      super("a quoted value opened on line " + line + " never closes");
      this.line = line;
    }
  }

  /** A record over {@link #MAX_RECORD_BYTES}. */
  static final class RecordTooLong extends IOException {
    private static final long serialVersionUID = 1L;
    final long line;

    RecordTooLong(long line) {
      super("the record starting on line " + line + " is longer than " + MAX_RECORD_BYTES);
      this.line = line;
    }
  }

  private final InputStream in;
  private final byte delimiter;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int len;
  private boolean eof;
  private long line = 1;
  private byte[] field = new byte[256];
  private int fieldLength;
  private long recordBytes;

  DelimitedRecords(InputStream in, char delimiter) {
    this.in = in;
    this.delimiter = (byte) delimiter;
  }

  private int read() throws IOException {
    if (pos == len) {
      if (eof) {
        return -1;
      }
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        len = 0;
        eof = true;
        return -1;
      }
    }
    return buf[pos++] & 0xFF;
  }

  private int peek() throws IOException {
    int c = read();
    if (c >= 0) {
      pos--;
    }
    return c;
  }

  private void append(int c, long startLine) throws RecordTooLong {
    if (++recordBytes > MAX_RECORD_BYTES) {
      throw new RecordTooLong(startLine);
    }
    if (fieldLength == field.length) {
      field = Arrays.copyOf(field, field.length * 2);
    }
    field[fieldLength++] = (byte) c;
  }

  /**
   * Reads the next record.
   *
   * @return the record, or {@code null} at the end of the input
   * @throws UnclosedQuote if the input ends inside a quoted field
   * @throws RecordTooLong if a record is too long to hold
   * @throws IOException if the input cannot be read
   */
  Record next() throws IOException {
    if (peek() < 0) {
      return null;
    }
    long start = line;
    recordBytes = 0;
    if (field.length > (1 << 20)) {
      field = new byte[256]; // give back the memory of an earlier very long field
    }
    List<byte[]> fields = new ArrayList<>();
    List<Boolean> quoted = new ArrayList<>();
    while (true) {
      fieldLength = 0;
      int c = read();
      boolean q = c == '"';
      if (q) {
        while (true) {
          c = read();
          if (c < 0) {
            throw new UnclosedQuote(start);
          }
          if (c == '"') {
            if (peek() == '"') {
              read();
            } else {
              break;
            }
          } else if (c == '\n') {
            line++;
          }
          append(c, start);
        }
        c = read();
      } else {
        while (c >= 0 && c != delimiter && c != '\n') {
          if (c == '\r' && peek() == '\n') {
            c = read();
            break;
          }
          if (c == '"') {
            skipLine();
            return new Record(
                start,
                fields,
                quoted,
                "value " + (fields.size() + 1) + " holds a quote but is not enclosed in quotes");
          }
          append(c, start);
          c = read();
        }
      }
      if (q && c == '\r' && peek() == '\n') {
        c = read();
      }
      fields.add(Arrays.copyOf(field, fieldLength));
      quoted.add(q);
      if (c == delimiter) {
        continue;
      }
      if (c == '\n') {
        line++;
        return new Record(start, fields, quoted, null);
      }
      if (c < 0) {
        return new Record(start, fields, quoted, null);
      }
      skipLine();
      return new Record(
          start,
          fields,
          quoted,
          "value " + fields.size() + " has more text after its closing quote");
    }
  }

  private void skipLine() throws IOException {
    int c;
    while ((c = read()) >= 0) {
      if (c == '\n') {
        line++;
        return;
      }
    }
  }
}
