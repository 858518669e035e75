package io.leadbridge.core.internal.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams users into PostgreSQL with {@code COPY ... FROM STDIN} (text format) on the commit's
 * connection, inside its transaction: several times faster than statements for a large commit, and
 * as atomic, since a failed or unfinished {@code COPY} aborts the transaction. Loaded only for a
 * PostgreSQL store, through {@link #of}, so that core never needs the driver otherwise.
 *
 * <p>One {@code COPY} at a time: {@link #begin}, {@link #row}s, {@link #end}. Not thread-safe.
 */
final class PostgresCopy {
  private static final int FLUSH_AT = 1 << 16;

  private final PGConnection pg;
  private final byte[] buffer = new byte[FLUSH_AT + 4096];
  private int length;
  private CopyIn copy;
  private long rows;
  private boolean first = true;

  private PostgresCopy(PGConnection pg) {
    this.pg = pg;
  }

  /**
   * The copier for a connection, or {@code null} when the connection is not pgjdbc's (a pool that
   * cannot unwrap it, or another driver): the caller then writes with statements.
   */
  static PostgresCopy of(Connection c) {
    try {
      if (c.isWrapperFor(PGConnection.class)) {
        return new PostgresCopy(c.unwrap(PGConnection.class));
      }
    } catch (SQLException | LinkageError e) {
      // not pgjdbc, or its classes are not visible here
    }
    return null;
  }

  /** What {@link #readLongs} hands over: one row's values, valid only during the call. */
  interface LongRow {
    void row(long[] values) throws IOException;
  }

  /**
   * Reads the rows of a query whose columns are all {@code bigint} or {@code boolean} (as 1 or 0)
   * through {@code COPY (query) TO STDOUT} in the binary format: no text to parse and no objects
   * per row, several times faster than a result set for the state's bulk read.
   */
  void readLongs(String query, int columns, LongRow into) throws SQLException, IOException {
    org.postgresql.copy.CopyOut out =
        pg.getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT WITH (FORMAT binary)");
    boolean done = false;
    try {
      java.io.DataInputStream in =
          new java.io.DataInputStream(
              new java.io.BufferedInputStream(new CopyOutStream(out), 1 << 16));
      byte[] header = new byte[11];
      in.readFully(header);
      in.readInt(); // flags
      in.skipBytes(in.readInt()); // header extension
      long[] values = new long[columns];
      while (true) {
        int fields = in.readShort();
        if (fields == -1) {
          break;
        }
        if (fields != columns) {
          throw new IOException("COPY sent " + fields + " columns instead of " + columns);
        }
        for (int i = 0; i < columns; i++) {
          int length = in.readInt();
          if (length == 8) {
            values[i] = in.readLong();
          } else if (length == 1) {
            values[i] = in.readByte();
          } else if (length == -1) {
            values[i] = 0;
          } else {
            throw new IOException("COPY sent a value of " + length + " bytes");
          }
        }
        into.row(values);
      }
      while (out.readFromCopy() != null) {
        // the end of the stream
      }
      done = true;
    } finally {
      if (!done && out.isActive()) {
        try {
          out.cancelCopy();
        } catch (SQLException e) {
          // already failing
        }
      }
    }
  }

  /** The data of a {@code COPY TO STDOUT} as a stream. */
  private static final class CopyOutStream extends java.io.InputStream {
    private final org.postgresql.copy.CopyOut out;
    private byte[] chunk;
    private int at;

    CopyOutStream(org.postgresql.copy.CopyOut out) {
      this.out = out;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (chunk == null || at == chunk.length) {
        try {
          chunk = out.readFromCopy();
        } catch (SQLException e) {
          throw new IOException(e);
        }
        at = 0;
        if (chunk == null) {
          return -1;
        }
      }
      int n = Math.min(len, chunk.length - at);
      System.arraycopy(chunk, at, b, off, n);
      at += n;
      return n;
    }
  }

  /** Starts {@code COPY table (columns) FROM STDIN}. */
  void begin(String table, String columns) throws SQLException {
    copy = pg.getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
    first = true;
    length = 0;
    rows = 0;
  }

  /** Adds a text value, escaped for the text format. */
  PostgresCopy text(String value) throws SQLException {
    separate();
    for (int i = 0, n = value.length(); i < n; i++) {
      char ch = value.charAt(i);
      if (ch < 0x80) {
        switch (ch) {
          case '\\' -> put2('\\', '\\');
          case '\t' -> put2('\\', 't');
          case '\n' -> put2('\\', 'n');
          case '\r' -> put2('\\', 'r');
          default -> put(ch);
        }
      } else {
        // the rare character beyond ASCII: encoded by the JDK, surrogate pairs included
        int end = i + 1;
        while (end < n && value.charAt(end) >= 0x80) {
          end++;
        }
        byte[] b = value.substring(i, end).getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
          put(x);
        }
        i = end - 1;
      }
    }
    return this;
  }

  /** Adds a number. */
  PostgresCopy number(long value) throws SQLException {
    separate();
    if (value == Long.MIN_VALUE) {
      for (byte b : Long.toString(value).getBytes(StandardCharsets.US_ASCII)) {
        put(b);
      }
      return this;
    }
    if (value < 0) {
      put('-');
      value = -value;
    }
    int start = length;
    do {
      put((int) ('0' + value % 10));
      value /= 10;
    } while (value != 0);
    for (int a = start, b = length - 1; a < b; a++, b--) {
      byte t = buffer[a];
      buffer[a] = buffer[b];
      buffer[b] = t;
    }
    return this;
  }

  /** Adds a boolean. */
  PostgresCopy bool(boolean value) throws SQLException {
    separate();
    put(value ? 't' : 'f');
    return this;
  }

  private void separate() throws SQLException {
    if (!first) {
      put('\t');
    }
    first = false;
  }

  /** Ends the row. */
  void endRow() throws SQLException {
    put('\n');
    first = true;
    rows++;
    if (length >= FLUSH_AT) {
      flush();
    }
  }

  /** Ends the {@code COPY}; returns the rows the server took. */
  long end() throws SQLException {
    flush();
    CopyIn c = copy;
    copy = null;
    long n = c.endCopy();
    return n < 0 ? rows : n;
  }

  /** Abandons a {@code COPY} begun, if any (the transaction is rolled back after). */
  void cancel() {
    if (copy != null && copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        // the connection is gone, or the COPY already failed: the rollback follows
      }
    }
    copy = null;
  }

  private void flush() throws SQLException {
    if (length > 0) {
      copy.writeToCopy(buffer, 0, length);
      length = 0;
    }
  }

  private void put(int b) throws SQLException {
    if (length == buffer.length) {
      flush(); // a value longer than the slack: COPY takes a row in several pieces
    }
    buffer[length++] = (byte) b;
  }

  private void put2(int a, int b) throws SQLException {
    put(a);
    put(b);
  }
}
