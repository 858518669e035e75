package io.leadbridge.core.internal.select;

import io.leadbridge.core.Rejection;
import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.ByteInput;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an export read while the sync state was still being read on another thread, held in an
 * owner-only temporary file in the order it happened, to be played back once the state is there:
 * the users to stage (id, position, key value, {@code updated_at}, source entry hash, encoded row),
 * the source entries held unparsed (hash, position, bytes) and the rejections, so that everything,
 * the selection's own rejections included, still comes in source order. Strings are kept as UTF-16
 * code units, so that an id with an unpaired surrogate comes back as it was. Used once, by one
 * thread.
 */
final class HeldUsers implements Closeable {
  private static final int STAGE = 1;
  private static final int REJECT = 2;
  private static final int ENTRY = 3;

  /**
   * A user held back, besides its encoded row: its {@code user_id}, position, key value, {@code
   * updated_at} and the hash of the entry it was read from (0 and 0 if none).
   */
  record HeldUser(
      String userId, long position, String key, long updatedAt, long sourceHi, long sourceLo) {}

  /** What a play back hands each held event to. */
  interface Replay {
    void stage(HeldUser user, byte[] row, int length) throws IOException;

    void entry(long hashHi, long hashLo, long position, byte[] bytes, int length)
        throws IOException;

    void reject(Rejection r) throws IOException;
  }

  private final Path file;
  private final DataOutputStream out;
  private long bytes;
  private long count;
  private byte[] buffer = new byte[256]; // a string's UTF-16 code units, big-endian

  HeldUsers(Path dir, String outputName) throws IOException {
    this.file = OwnerOnlyFiles.createTemp(dir, outputName, ".held.tmp");
    this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }

  /** About how many bytes are held. */
  long bytes() {
    return bytes;
  }

  /** How many events are held. */
  long count() {
    return count;
  }

  void stage(HeldUser user, byte[] row, int length) throws IOException {
    String userId = user.userId();
    String key = user.key();
    out.writeByte(STAGE);
    writeChars(userId);
    Binary.writeVarLong(out, user.position());
    writeChars(key);
    out.writeLong(user.updatedAt());
    out.writeLong(user.sourceHi());
    out.writeLong(user.sourceLo());
    Binary.writeVarLong(out, length);
    out.write(row, 0, length);
    bytes += 40 + 2L * (userId == null ? 0 : userId.length()) + 2L * key.length() + length;
    count++;
  }

  /** Holds a source entry unparsed: its hash, position and bytes. */
  void entry(long hashHi, long hashLo, long position, byte[] b, int off, int len)
      throws IOException {
    out.writeByte(ENTRY);
    out.writeLong(hashHi);
    out.writeLong(hashLo);
    Binary.writeVarLong(out, position);
    Binary.writeVarLong(out, len);
    out.write(b, off, len);
    bytes += 32 + len;
    count++;
  }

  void reject(Rejection r) throws IOException {
    out.writeByte(REJECT);
    Binary.writeVarLong(out, r.position());
    writeChars(r.userId());
    out.writeByte(r.reason().ordinal());
    writeChars(r.detail());
    bytes += 16 + 2L * (r.userId() == null ? 0 : r.userId().length()) + 2L * r.detail().length();
    count++;
  }

  /** Plays back every event in the order held, then deletes the file. */
  void replay(Replay to) throws IOException {
    out.close();
    Rejection.Reason[] reasons = Rejection.Reason.values();
    byte[] row = new byte[256];
    try (ByteInput in = ByteInput.open(file)) {
      for (long i = 0; i < count; i++) {
        int kind = in.readUnsignedByte();
        if (kind == STAGE) {
          String userId = readChars(in);
          long position = Binary.readVarLong(in);
          String key = readChars(in);
          long updatedAt = in.readLong();
          long sourceHi = in.readLong();
          long sourceLo = in.readLong();
          int length = (int) Binary.readVarLong(in);
          if (length > row.length) {
            row = new byte[Math.max(length, row.length * 2)];
          }
          in.readFully(row, 0, length);
          to.stage(new HeldUser(userId, position, key, updatedAt, sourceHi, sourceLo), row, length);
        } else if (kind == ENTRY) {
          long hi = in.readLong();
          long lo = in.readLong();
          long position = Binary.readVarLong(in);
          int length = (int) Binary.readVarLong(in);
          if (length > row.length) {
            row = new byte[Math.max(length, row.length * 2)];
          }
          in.readFully(row, 0, length);
          to.entry(hi, lo, position, row, length);
        } else if (kind == REJECT) {
          long position = Binary.readVarLong(in);
          String userId = readChars(in);
          Rejection.Reason reason = reasons[in.readUnsignedByte()];
          to.reject(new Rejection(position, userId, reason, readChars(in)));
        } else {
          throw new IOException("the users held by this export are damaged");
        }
      }
    } catch (EOFException e) {
      throw new IOException("the users held by this export were cut short", e);
    } finally {
      close();
    }
  }

  private void writeChars(String s) throws IOException {
    if (s == null) {
      Binary.writeVarLong(out, 0);
      return;
    }
    int n = s.length();
    Binary.writeVarLong(out, n + 1L);
    if (buffer.length < 2 * n) {
      buffer = new byte[Math.max(2 * n, 2 * buffer.length)];
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buffer[2 * i] = (byte) (c >>> 8);
      buffer[2 * i + 1] = (byte) c;
    }
    out.write(buffer, 0, 2 * n);
  }

  private String readChars(DataInput in) throws IOException {
    long n = Binary.readVarLong(in);
    if (n == 0) {
      return null;
    }
    int length = (int) (n - 1);
    if (buffer.length < 2 * length) {
      buffer = new byte[Math.max(2 * length, 2 * buffer.length)];
    }
    in.readFully(buffer, 0, 2 * length);
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = (char) ((buffer[2 * i] & 0xFF) << 8 | (buffer[2 * i + 1] & 0xFF));
    }
    return new String(c);
  }

  /** Deletes the file. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      // cleaning up
    }
    OwnerOnlyFiles.deleteQuietly(file);
  }
}
