package io.leadbridge.core.internal.table;

/**
 * MurmurHash3 (x64, 128 bits) of a string's UTF-16 code units: the identity of a {@code user_id} in
 * the sync comparison's tables and in the stored state. Two different ids share a hash with a
 * chance of about 2<sup>-128</sup> per pair, far below the 2<sup>-64</sup> a row fingerprint
 * already accepts. The values are stored: changing this function changes the schema.
 */
public final class Hash128 {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private Hash128() {}

  /** A buffer per thread for {@link #hash64}. */
  private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[2]);

  /**
   * Hashes a string into {@code out[0]} (high) and {@code out[1]} (low).
   *
   * @param s the string
   * @param out two longs
   */
  public static void hash(CharSequence s, long[] out) {
    int n = s.length();
    long h1 = 0x9368e53c2f6af274L ^ n;
    long h2 = 0x586dcd208f7cd3fdL;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long k1 =
          s.charAt(i)
              | (long) s.charAt(i + 1) << 16
              | (long) s.charAt(i + 2) << 32
              | (long) s.charAt(i + 3) << 48;
      long k2 =
          s.charAt(i + 4)
              | (long) s.charAt(i + 5) << 16
              | (long) s.charAt(i + 6) << 32
              | (long) s.charAt(i + 7) << 48;
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    for (int j = 0; i < n; i++, j++) {
      if (j < 4) {
        k1 |= (long) s.charAt(i) << (16 * j);
      } else {
        k2 |= (long) s.charAt(i) << (16 * (j - 4));
      }
    }
    finish(h1, h2, k1, k2, n, out);
  }

  /**
   * A 64-bit hash of a string.
   *
   * @param s the string
   * @return the hash
   */
  public static long hash64(CharSequence s) {
    long[] out = LAST.get();
    hash(s, out);
    return out[0];
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * MurmurHash3 (x64, 128 bits) of bytes, started from a seed of two longs, into {@code out[0]}
   * (high) and {@code out[1]} (low): two seeds give two unrelated hashes of the same bytes.
   *
   * @param b the bytes
   * @param off where they start
   * @param len how many
   * @param seed1 the seed's first word
   * @param seed2 the seed's second word
   * @param out two longs
   */
  public static void hash(byte[] b, int off, int len, long seed1, long seed2, long[] out) {
    long h1 = seed1;
    long h2 = seed2;
    int i = off;
    int end = off + len;
    for (; i + 16 <= end; i += 16) {
      long k1 = (long) LONGS.get(b, i);
      long k2 = (long) LONGS.get(b, i + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    for (int j = 0; i < end; i++, j++) {
      if (j < 8) {
        k1 |= (b[i] & 0xFFL) << (8 * j);
      } else {
        k2 |= (b[i] & 0xFFL) << (8 * (j - 8));
      }
    }
    finish(h1, h2, k1, k2, len, out);
  }

  /** Murmur3's last block and finalisation, shared by both inputs. */
  private static void finish(long h1, long h2, long k1, long k2, long n, long[] out) {
    h1 ^= mixK1(k1);
    h2 ^= mixK2(k2);
    h1 ^= n;
    h2 ^= n;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    out[0] = h1;
    out[1] = h2;
  }

  private static long mixK1(long k1) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    return k1 * C2;
  }

  private static long mixK2(long k2) {
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    return k2 * C1;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
