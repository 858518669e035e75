package io.leadbridge.core.internal.files;

import java.io.Closeable;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Leadbridge's own temporary files, written through a {@link java.io.DataOutputStream}, in
 * big-endian order as {@link DataInput} reads them, from a buffer of its own: a number is decoded
 * in place instead of going through a locked stream call per value, which is most of the time it
 * takes to read back millions of small records. One thread; not for files of others ({@link
 * #readLine()} is not supported).
 */
public final class ByteInput implements DataInput, Closeable {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int limit;

  /** Reads {@code in} through a buffer of {@code bufferBytes} (at least 16). */
  public ByteInput(InputStream in, int bufferBytes) {
    this.in = in;
    this.buf = new byte[Math.max(16, bufferBytes)];
  }

  /** Opens a file with a buffer of 64 KB. */
  public static ByteInput open(Path file) throws IOException {
    return new ByteInput(Files.newInputStream(file), 1 << 16);
  }

  /** Makes at least {@code n} bytes (at most the buffer's size) available, or throws at the end. */
  private void need(int n) throws IOException {
    if (limit - pos >= n) {
      return;
    }
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    pos = 0;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        throw new EOFException();
      }
      limit += r;
    }
  }

  @Override
  public void readFully(byte[] b) throws IOException {
    readFully(b, 0, b.length);
  }

  @Override
  public void readFully(byte[] b, int off, int len) throws IOException {
    int done = Math.min(len, limit - pos);
    System.arraycopy(buf, pos, b, off, done);
    pos += done;
    while (done < len) {
      if (len - done >= buf.length) {
        int r = in.read(b, off + done, len - done);
        if (r < 0) {
          throw new EOFException();
        }
        done += r;
      } else {
        need(1);
        int k = Math.min(len - done, limit - pos);
        System.arraycopy(buf, pos, b, off + done, k);
        pos += k;
        done += k;
      }
    }
  }

  @Override
  public int skipBytes(int n) throws IOException {
    int skipped = 0;
    while (skipped < n) {
      if (pos == limit) {
        try {
          need(1);
        } catch (EOFException e) {
          break;
        }
      }
      int k = Math.min(n - skipped, limit - pos);
      pos += k;
      skipped += k;
    }
    return skipped;
  }

  @Override
  public boolean readBoolean() throws IOException {
    return readUnsignedByte() != 0;
  }

  @Override
  public byte readByte() throws IOException {
    need(1);
    return buf[pos++];
  }

  @Override
  public int readUnsignedByte() throws IOException {
    need(1);
    return buf[pos++] & 0xFF;
  }

  @Override
  public short readShort() throws IOException {
    need(2);
    short v = (short) ((buf[pos] << 8) | (buf[pos + 1] & 0xFF));
    pos += 2;
    return v;
  }

  @Override
  public int readUnsignedShort() throws IOException {
    return readShort() & 0xFFFF;
  }

  @Override
  public char readChar() throws IOException {
    return (char) readShort();
  }

  @Override
  public int readInt() throws IOException {
    need(4);
    int v = (int) INT.get(buf, pos);
    pos += 4;
    return v;
  }

  @Override
  public long readLong() throws IOException {
    need(8);
    long v = (long) LONG.get(buf, pos);
    pos += 8;
    return v;
  }

  @Override
  public float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public double readDouble() throws IOException {
    return Double.longBitsToDouble(readLong());
  }

  /** The next {@code n} bytes as UTF-8 text, decoded from the buffer where they fit in it. */
  public String readUtf8(int n) throws IOException {
    if (n > buf.length) {
      byte[] b = new byte[n];
      readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  /** Not supported: these files hold no lines. */
  @Override
  public String readLine() {
    throw new UnsupportedOperationException("readLine");
  }

  @Override
  public String readUTF() throws IOException {
    return DataInputStream.readUTF(this);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
