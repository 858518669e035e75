package io.leadbridge.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a POSIX (ustar) tar stream into a folder: regular files with their mode, folders and
 * symbolic links, which is all the PostgreSQL binaries' archive holds. Entries that would land
 * outside the folder are refused.
 */
final class Tar {
  private Tar() {}

  static void extract(InputStream in, Path into) throws IOException {
    byte[] header = new byte[512];
    Path root = into.toAbsolutePath().normalize();
    while (true) {
      if (in.readNBytes(header, 0, 512) < 512) {
        throw new IOException("the archive was cut short");
      }
      if (allZero(header)) {
        return;
      }
      String name = text(header, 0, 100);
      String prefix = text(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      int mode = (int) octal(header, 100, 8);
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      String link = text(header, 157, 100);
      Path target = root.resolve(name).normalize();
      if (!target.startsWith(root)) {
        throw new IOException("an entry points outside the folder: " + name);
      }
      switch (type) {
        case '5':
          Files.createDirectories(target);
          break;
        case '2':
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(link));
          break;
        case '0':
        case '\0':
          Files.createDirectories(target.getParent());
          try (var out = Files.newOutputStream(target)) {
            long left = size;
            byte[] buf = new byte[1 << 16];
            while (left > 0) {
              int n = in.read(buf, 0, (int) Math.min(buf.length, left));
              if (n < 0) {
                throw new IOException("the archive was cut short");
              }
              out.write(buf, 0, n);
              left -= n;
            }
          }
          Files.setPosixFilePermissions(target, permissions(mode | 0444));
          break;
        default:
          skip(in, size);
          break;
      }
      if (type == '0' || type == '\0') {
        skip(in, (512 - size % 512) % 512);
      } else if (type != '5' && type != '2') {
        skip(in, (512 - size % 512) % 512);
      }
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long k = in.skip(left);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new IOException("the archive was cut short");
        }
        k = 1;
      }
      left -= k;
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < all.length; i++) {
      if ((mode & (1 << i)) != 0) {
        p.add(all[i]);
      }
    }
    return p;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    long v = 0;
    for (int i = off; i < off + len; i++) {
      int c = b[i];
      if (c == 0 || c == ' ') {
        if (v != 0) {
          break;
        }
        continue;
      }
      v = v * 8 + (c - '0');
    }
    return v;
  }
}
