package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.Binary;
import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import io.leadbridge.core.internal.sort.ExternalSorter;
import io.leadbridge.core.sync.SyncException;
import io.leadbridge.core.sync.SyncState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The files of a {@link SyncState}: one entry per user, sorted by {@code user_id}, gzipped, with a
 * magic number at the start and the entry count at the end so that a truncated file is detected.
 */
final class StateEntries {
  private static final byte[] MAGIC = {'L', 'B', 'S', '1'};
  private static final int IO_BUFFER = 1 << 16;

  private StateEntries() {}

  /**
   * One user. In a committed state {@code index} is -1 and {@code flag} is 1 when the row with this
   * fingerprint was confirmed by the target. In a pending state {@code index} is the row's place in
   * the export's candidates and {@code flag} its {@link SyncRun} class; or {@code index} is -1 for
   * a user kept as it was, with the flag it had.
   */
  record Entry(String userId, long fingerprint, String key, int flag, int index) {}

  /** Writes entries; they must come in {@code user_id} order. */
  static final class Writer implements Closeable {
    private final FileChannel channel;
    private final GZIPOutputStream gz;
    private final DataOutputStream out;
    private long count;
    private boolean closed;

    Writer(Path file) throws IOException {
      this.channel =
          FileChannel.open(
              file,
              Set.of(
                  StandardOpenOption.WRITE,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING),
              OwnerOnlyFiles.fileAttributes(file));
      OutputStream raw = Channels.newOutputStream(channel);
      this.gz =
          new GZIPOutputStream(raw, IO_BUFFER) {
            {
              def.setLevel(Deflater.BEST_SPEED);
            }
          };
      this.out = new DataOutputStream(new BufferedOutputStream(gz, IO_BUFFER));
      out.write(MAGIC);
    }

    void write(Entry e) throws IOException {
      out.writeByte(1);
      Binary.writeString(out, e.userId());
      out.writeLong(e.fingerprint());
      Binary.writeString(out, e.key());
      out.writeByte(e.flag());
      Binary.writeVarLong(out, e.index() + 1L);
      count++;
    }

    long count() {
      return count;
    }

    /** Ends the file and forces it to disk. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (out) {
        out.writeByte(0);
        Binary.writeVarLong(out, count);
        out.flush();
        gz.finish();
        channel.force(true);
      }
    }
  }

  /** Reads entries in order; {@code null} at the end. */
  static final class Reader implements ExternalSorter.Cursor<Entry> {
    private final Path file;
    private final DataInputStream in;
    private long count;
    private boolean ended;

    Reader(Path file) throws IOException {
      this.file = file;
      InputStream raw = Files.newInputStream(file);
      try {
        this.in =
            new DataInputStream(
                new BufferedInputStream(new GZIPInputStream(raw, IO_BUFFER), IO_BUFFER));
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
          throw damaged(null);
        }
      } catch (ZipException | EOFException e) {
        raw.close();
        throw damaged(e);
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    @Override
    public Entry next() throws IOException {
      if (ended) {
        return null;
      }
      try {
        int marker = in.readUnsignedByte();
        if (marker == 0) {
          long expected = Binary.readVarLong(in);
          if (expected != count || in.read() != -1) {
            throw damaged(null);
          }
          ended = true;
          return null;
        }
        if (marker != 1) {
          throw damaged(null);
        }
        count++;
        String userId = Binary.readString(in);
        long fp = in.readLong();
        String key = Binary.readString(in);
        int flag = in.readUnsignedByte();
        int index = (int) (Binary.readVarLong(in) - 1);
        return new Entry(userId, fp, key, flag, index);
      } catch (ZipException | EOFException e) {
        throw damaged(e);
      }
    }

    private SyncException damaged(Exception cause) {
      return new SyncException(
          "The sync state file "
              + file.getFileName()
              + " is damaged or was cut short. Restore the folder from a backup, or delete it to"
              + " start over with a full run.",
          cause);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
