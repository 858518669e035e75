package io.leadbridge.core.internal.sync;

import io.leadbridge.core.internal.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code user_id}s and key values of the state's users that the export asked for by their id
 * hash, written once as the state's names pass reads them and then read back by the offset {@link
 * #add} returned. An owner-only temporary file, created at the first name and deleted by {@link
 * #close()}.
 */
final class NamesFile implements AutoCloseable {
  private final Path dir;
  private final String name;
  private Path file;
  private DataOutputStream out;
  private long written;
  private FileChannel in;

  NamesFile(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** Writes a user's id and key value; returns where to read them back. */
  long add(String userId, String key) throws IOException {
    if (out == null) {
      file = OwnerOnlyFiles.createTemp(dir, name, ".names.tmp");
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    }
    long offset = written;
    byte[] id = userId.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    out.writeInt(id.length);
    out.write(id);
    out.writeInt(k.length);
    out.write(k);
    written += 8 + id.length + k.length;
    return offset;
  }

  /** Ends the writing: call once the names pass is over, before the first {@link #at}. */
  void seal() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  /** The id and key value written at {@code offset}. */
  String[] at(long offset) throws IOException {
    if (in == null) {
      in = FileChannel.open(file, StandardOpenOption.READ);
    }
    ByteBuffer idBytes = read(offset + 4, read(offset, 4).getInt());
    long keyAt = offset + 4 + idBytes.capacity();
    ByteBuffer keyBytes = read(keyAt + 4, read(keyAt, 4).getInt());
    return new String[] {
      new String(idBytes.array(), StandardCharsets.UTF_8),
      new String(keyBytes.array(), StandardCharsets.UTF_8)
    };
  }

  private ByteBuffer read(long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (in.read(b, position + b.position()) < 0) {
        throw new EOFException("the names file ended early");
      }
    }
    return b.flip();
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        out.close();
      }
      if (in != null) {
        in.close();
      }
    } catch (IOException e) {
      // cleaning up
    }
    OwnerOnlyFiles.deleteQuietly(file);
  }
}
