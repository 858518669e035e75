package io.leadbridge.core.source;

import io.leadbridge.core.internal.EntryHashing;
import io.leadbridge.core.internal.JsonTrees;
import io.leadbridge.core.internal.Projectable;
import io.leadbridge.core.internal.ReadFraction;
import io.leadbridge.core.internal.files.IoErrors;
import io.leadbridge.core.internal.table.Hash128;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;

/** Reads NDJSON line by line from bytes, so a bad line never stops the lines after it. */
final class NdjsonUserSource implements UserSource, Projectable, EntryHashing, ReadFraction {
  private java.util.Set<String> keep;
  private Skipper skipper;
  private long seed1;
  private long seed2;
  private final long[] hash = new long[2];

  @Override
  public String entryFormat() {
    return "ndjson/1: one JSON object per line, parsed by Jackson";
  }

  @Override
  public void hashEntries(long seed1, long seed2, Skipper skipper) {
    this.seed1 = seed1;
    this.seed2 = seed2;
    this.skipper = skipper;
  }

  @Override
  public void keepOnly(java.util.Set<String> properties) {
    this.keep = properties;
  }

  /** Longest line accepted; longer lines are skipped and reported. */
  static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

  private final String name;
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLen;
  private byte[] line = new byte[8192];
  private long lineNumber;
  private boolean eof;
  private boolean closed;

  private boolean started;

  /** The file's bytes read so far, when the source reads a file; else {@code null}. */
  private final Counting counted;

  NdjsonUserSource(Path file) {
    this(file.toString(), counted(file));
  }

  private NdjsonUserSource(String name, Counting counted) {
    this.name = name;
    this.counted = counted;
    this.in = decoded(counted, name);
  }

  NdjsonUserSource(String name, InputStream in) {
    this.name = name;
    this.in = in;
    this.counted = null;
  }

  /** Opens a file, gunzipping it if its first bytes say so; every failure says why. */
  static InputStream open(Path file) {
    return decoded(counted(file), file.toString());
  }

  /** A file's raw bytes, counted as they are read; every failure to open it says why. */
  private static Counting counted(Path file) {
    Optional<String> unreadable = IoErrors.unreadable(file);
    if (unreadable.isPresent()) {
      throw new SourceException("Cannot read " + file + ": " + unreadable.get() + ".");
    }
    try {
      return new Counting(Files.newInputStream(file), Files.size(file));
    } catch (IOException e) {
      throw new SourceException("Cannot read " + file + ": " + IoErrors.reason(e) + ".", e);
    }
  }

  /** A file's stream gunzipped if it is gzip; closed if that fails. */
  private static InputStream decoded(InputStream raw, String name) {
    try {
      return open(raw, name);
    } catch (RuntimeException e) {
      try {
        raw.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The raw bytes of a file as they are read, counted, on the thread that reads them. */
  private static final class Counting extends FilterInputStream {
    final long size;
    long read;

    Counting(InputStream in, long size) {
      super(in);
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(n);
      read += skipped;
      return skipped;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>For a file, the bytes read from it (compressed, if it is gzipped) over its size; the reading
   * runs ahead of the lines by at most two buffers.
   */
  @Override
  public double readFraction() {
    if (counted == null || counted.size <= 0) {
      return Double.NaN;
    }
    return Math.min(1.0, (double) counted.read / counted.size);
  }

  /** Wraps a stream, gunzipping it if its first bytes say so. */
  static InputStream open(InputStream in, String name) {
    try {
      return JsonTrees.open(in);
    } catch (IOException e) {
      throw new SourceException("Cannot read " + name + ": " + IoErrors.reason(e) + ".", e);
    }
  }

  @Override
  public SourceEntry next() {
    if (closed) {
      throw new IllegalStateException("This source is closed.");
    }
    while (!eof) {
      int length;
      boolean tooLong;
      try {
        length = readLine();
        tooLong = length < 0;
      } catch (EOFException | ZipException e) {
        throw new SourceException(
            "The compressed data in "
                + name
                + " ends early or is corrupt after line "
                + lineNumber
                + "; the file is probably truncated. Download or export it again.",
            e);
      } catch (IOException e) {
        throw new SourceException(
            "Cannot read " + name + " after line " + lineNumber + ": " + IoErrors.reason(e), e);
      }
      if (tooLong) {
        return new MalformedEntry(
            lineNumber, "the line is longer than " + MAX_LINE_BYTES + " bytes and was skipped");
      }
      int start = 0;
      if (lineNumber == 1
          && length >= 3
          && line[0] == (byte) 0xEF
          && line[1] == (byte) 0xBB
          && line[2] == (byte) 0xBF) {
        start = 3; // UTF-8 byte-order mark
      }
      if (isBlank(line, start, length)) {
        continue;
      }
      if (!started) {
        started = true;
        checkFirstLine(start, length);
      }
      if (skipper != null) {
        Hash128.hash(line, start, length - start, seed1, seed2, hash);
        if (skipper.skip(hash[0], hash[1], lineNumber, line, start, length - start)) {
          continue;
        }
      }
      return parse(line, start, length - start, lineNumber);
    }
    return null;
  }

  @Override
  public SourceEntry parse(byte[] entry, int length, long position) {
    return parse(entry, 0, length, position);
  }

  private SourceEntry parse(byte[] bytes, int start, int length, long lineNumber) {
    try (JsonParser p =
        JsonTrees.FACTORY.createParser(ObjectReadContext.empty(), bytes, start, length)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return new MalformedEntry(
            lineNumber, "the line holds " + JsonTrees.describe(first) + ", not a user object");
      }
      Map<String, Object> tree = JsonTrees.readUser(p, keep);
      if (p.nextToken() != null) {
        return new MalformedEntry(lineNumber, "the line has more after the user object");
      }
      return UserRecord.trusted(lineNumber, tree);
    } catch (JacksonException e) {
      return new MalformedEntry(lineNumber, JsonTrees.describe(e));
    }
  }

  /**
   * Refuses at once an input that is not NDJSON at all, rather than reporting every one of its
   * lines as malformed: UTF-16 text, a JSON array, a pretty-printed JSON document.
   */
  private void checkFirstLine(int start, int end) {
    boolean bom16 =
        end - start >= 2
            && ((line[start] == (byte) 0xFF && line[start + 1] == (byte) 0xFE)
                || (line[start] == (byte) 0xFE && line[start + 1] == (byte) 0xFF));
    boolean nul = false;
    for (int i = start; i < Math.min(end, start + 64); i++) {
      nul |= line[i] == 0;
    }
    if (bom16 || nul) {
      throw new SourceException(
          name
              + " looks like UTF-16 text ("
              + (bom16 ? "it starts with a UTF-16 byte-order mark" : "it holds NUL bytes")
              + "); Leadbridge reads UTF-8. Convert it, e.g. iconv -f UTF-16 -t UTF-8.");
    }
    int i = start;
    while (i < end && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
      i++;
    }
    int j = end;
    while (j > i && (line[j - 1] == ' ' || line[j - 1] == '\t' || line[j - 1] == '\r')) {
      j--;
    }
    if (i < j && line[i] == '[') {
      throw new SourceException(
          name
              + " holds a JSON array, not one JSON object per line (NDJSON): read it with"
              + " UserSource.jsonArray (--input-format json).");
    }
    if (j - i == 1 && line[i] == '{') {
      throw new SourceException(
          name
              + " holds pretty-printed JSON (an object spread over several lines), not one JSON"
              + " object per line (NDJSON). Write one user per line, e.g. with jq -c.");
    }
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads one line into {@link #line} without its terminator. Returns its length, or -1 when the
   * line was longer than the limit (and has been skipped).
   */
  private int readLine() throws IOException {
    if (line.length > (1 << 20)) {
      line = new byte[8192]; // give back the memory of an earlier very long line
    }
    int n = 0;
    boolean overflow = false;
    boolean any = false;
    while (true) {
      if (bufPos == bufLen) {
        bufLen = in.read(buf, 0, buf.length);
        bufPos = 0;
        if (bufLen <= 0) {
          bufLen = 0;
          eof = true;
          break;
        }
      }
      any = true;
      int from = bufPos;
      int newline = -1;
      for (int i = from; i < bufLen; i++) {
        if (buf[i] == '\n') {
          newline = i;
          break;
        }
      }
      int to = newline < 0 ? bufLen : newline;
      int count = to - from;
      if (!overflow) {
        if ((long) n + count > MAX_LINE_BYTES) {
          overflow = true;
        } else {
          if (n + count > line.length) {
            line =
                Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(n + count, line.length * 2)));
          }
          System.arraycopy(buf, from, line, n, count);
          n += count;
        }
      }
      if (newline >= 0) {
        bufPos = newline + 1;
        break;
      }
      bufPos = bufLen;
    }
    if (any) {
      lineNumber++;
    }
    if (overflow) {
      return -1;
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return n;
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
    return "UserSource.ndjson(" + name + ")";
  }
}
