package io.leadbridge.core.internal;

import io.leadbridge.core.internal.files.ByteInput;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Variable-length numbers and length-prefixed UTF-8 strings for Leadbridge's own binary files. */
public final class Binary {
  private Binary() {}

  public static void writeVarLong(DataOutput out, long value) throws IOException {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  public static long readVarLong(DataInput in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("a number in the file is malformed");
  }

  /** Writes {@code null} and the empty string alike, as the empty string. */
  public static void writeString(DataOutput out, String s) throws IOException {
    if (s == null || s.isEmpty()) {
      out.writeByte(0);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeVarLong(out, bytes.length);
    out.write(bytes);
  }

  public static String readString(DataInput in) throws IOException {
    long n = readVarLong(in);
    if (n == 0) {
      return "";
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new EOFException("a string in the file is longer than any Leadbridge writes");
    }
    if (in instanceof ByteInput) {
      return ((ByteInput) in).readUtf8((int) n);
    }
    byte[] bytes = new byte[(int) n];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
