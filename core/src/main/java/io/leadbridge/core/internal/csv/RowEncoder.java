package io.leadbridge.core.internal.csv;

import io.leadbridge.core.csv.CsvFormat;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Formats rows in a {@link CsvFormat} and encodes them to bytes in its charset, into a buffer
 * reused from row to row, so that writers can count a row's bytes before they write it. A character
 * the charset cannot represent is refused, never replaced. UTF-8, the usual case, takes a fast
 * path. Not thread-safe: one encoder per writer.
 */
public final class RowEncoder {
  private final CsvFormat format;
  private final CharsetEncoder encoder;
  private final boolean utf8;
  private final StringBuilder text = new StringBuilder(512);
  private byte[] bytes = new byte[4096];
  private int length;
  private char[] chars = new char[1024];

  /** An encoder for rows in {@code format}. */
  public RowEncoder(CsvFormat format) {
    this.format = format;
    this.encoder =
        format
            .charset()
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    this.utf8 = format.charset().equals(StandardCharsets.UTF_8);
  }

  /** Formats and encodes a row; false when a character cannot be encoded. */
  public boolean encode(List<String> values) {
    text.setLength(0);
    CsvRows.append(format, values, text);
    return encodeText();
  }

  /** Formats and encodes a row; false when a character cannot be encoded. */
  public boolean encode(String[] values) {
    text.setLength(0);
    CsvRows.append(format, values, text);
    return encodeText();
  }

  /** The bytes of the row last encoded, from 0 to {@link #length()}. */
  public byte[] bytes() {
    return bytes;
  }

  /** The length of the row last encoded. */
  public int length() {
    return length;
  }

  /**
   * What every file in the format starts with: the byte-order mark, if any, and the header row when
   * the format has one.
   *
   * @throws IllegalArgumentException if a column name cannot be encoded
   */
  public byte[] head(List<String> header) {
    byte[] preamble = CsvRows.preamble(format);
    int n = 0;
    if (format.header()) {
      if (!encode(header)) {
        throw new IllegalArgumentException(
            "A column name cannot be written in " + format.charset().name() + "; rename it.");
      }
      n = length;
    }
    byte[] out = new byte[preamble.length + n];
    System.arraycopy(preamble, 0, out, 0, preamble.length);
    System.arraycopy(bytes, 0, out, preamble.length, n);
    return out;
  }

  private boolean encodeText() {
    int n = text.length();
    if (utf8) {
      int max = Utf8.maxBytes(n);
      if (bytes.length < max) {
        bytes = new byte[Math.max(max, bytes.length * 2)];
      }
      length = Utf8.encode(text, bytes);
      return length >= 0;
    }
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    text.getChars(0, n, chars, 0);
    CharBuffer in = CharBuffer.wrap(chars, 0, n);
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (true) {
      encoder.reset();
      CoderResult r = encoder.encode(in, out, true);
      if (r.isUnderflow()) {
        r = encoder.flush(out);
      }
      if (r.isOverflow()) {
        bytes = new byte[bytes.length * 2];
        out = ByteBuffer.wrap(bytes);
        in.rewind();
        continue;
      }
      if (r.isError()) {
        return false;
      }
      length = out.position();
      return true;
    }
  }
}
