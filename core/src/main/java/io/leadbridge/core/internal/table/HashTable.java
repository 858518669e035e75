package io.leadbridge.core.internal.table;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;

/**
 * An open-addressing hash table of fixed-width records in {@link MappedLongs}, keyed by 128 bits
 * (two longs) or, for a caller that can tell keys apart by other means, by 64 bits; with linear
 * probing; it doubles when it is 70% full (or grows to an estimate, see {@link #growWith}). Its
 * capacity is sized to what is expected rather than rounded up to a power of two, which would leave
 * up to half the file unused. Each record is {@code width} longs: the key's words, then the
 * caller's. A record whose key is 0 is free, so keys are stored with their low bit set in the high
 * word: a key of one word has 63 bits. Not thread-safe.
 */
public final class HashTable implements Closeable {
  private final Path dir;
  private final String name;
  private final int width;
  private final int keyWords;
  private MappedLongs slots;
  private long capacity;
  private long size;

  /**
   * An empty table keyed by two words.
   *
   * @param dir where its file goes
   * @param name a name for its file
   * @param width longs per record, at least 3
   * @param expected how many records it will probably hold
   */
  public HashTable(Path dir, String name, int width, long expected) throws IOException {
    this(dir, name, 2, width, expected);
  }

  /**
   * An empty table.
   *
   * @param dir where its file goes
   * @param name a name for its file
   * @param keyWords 2, or 1 for a key of its high word alone: the low word is then not stored, and
   *     must be 0 wherever a key is given
   * @param width longs per record, more than {@code keyWords}
   * @param expected how many records it will probably hold
   */
  public HashTable(Path dir, String name, int keyWords, int width, long expected)
      throws IOException {
    if (keyWords < 1 || keyWords > 2 || width <= keyWords) {
      throw new IllegalArgumentException("keyWords " + keyWords + ", width " + width);
    }
    this.dir = dir;
    this.name = name;
    this.keyWords = keyWords;
    this.width = width;
    allocate(Math.max(1024, expected * 10 / 7 + 1));
  }

  private void allocate(long cap) throws IOException {
    this.capacity = cap;
    this.slots = new MappedLongs(dir, name, cap * width);
  }

  /** How many records. */
  public long size() {
    return size;
  }

  /** How many records fit before it grows; records are numbered from 0 to capacity - 1. */
  public long capacity() {
    return capacity;
  }

  private static long stored(long hi) {
    return hi | 1L;
  }

  private long home(long hi, long lo) {
    return ((lo ^ (hi >>> 17)) >>> 1) % capacity;
  }

  private long next(long i) {
    return i + 1 == capacity ? 0 : i + 1;
  }

  /**
   * The record of a key, or -1.
   *
   * @param hi the key's high word
   * @param lo the key's low word
   */
  public long find(long hi, long lo) {
    long h = stored(hi);
    long i = home(hi, lo);
    while (true) {
      long base = i * width;
      long k = slots.get(base);
      if (k == 0) {
        return -1;
      }
      if (k == h && (keyWords == 1 || slots.get(base + 1) == lo)) {
        return i;
      }
      i = next(i);
    }
  }

  /** Below this share of the input read, the rate so far says too little: the table doubles. */
  private static final double MIN_FRACTION = 0.001;

  private DoubleSupplier readFraction;

  /**
   * Sizes this table's growth by the share of the input read so far, for a table that started empty
   * and gets about one record per entry of the input: it doubles while the whole input needs more,
   * and its last growth is to what the whole input would bring at the rate so far (70 % full then,
   * with 5 % to spare) rather than to twice its size, which could leave nearly half of it empty. It
   * doubles when the share is unknown ({@link Double#NaN}) or below 0.1 %, and grows again if the
   * estimate falls short. It never grows by more than double at once: a large table made early
   * stays in the page cache, dirty, for the rest of the run, and the system writes it back again
   * and again (a first sync of 10,000,000 users took 97 s to export instead of 67 s when its tables
   * were sized for the whole input at their first growth).
   *
   * @param readFraction the share of the input read, from 0 to 1
   */
  public void growWith(DoubleSupplier readFraction) {
    this.readFraction = readFraction;
  }

  /** The capacity to grow to when full. */
  private long grownCapacity() {
    long doubled = capacity << 1;
    if (readFraction == null) {
      return doubled;
    }
    double f = readFraction.getAsDouble();
    if (!(f >= MIN_FRACTION && f < 1)) {
      return doubled;
    }
    long estimated = (long) Math.ceil((size + 1) / f * 10 / 7 * 1.05);
    return Math.min(doubled, Math.max(estimated, capacity + capacity / 4 + 1));
  }

  /**
   * The record of a key, added (its other words 0) if it was not there; {@link #added()} says
   * which. Record numbers change when the table grows, which only this method does.
   */
  public long findOrAdd(long hi, long lo) throws IOException {
    if ((size + 1) * 10 > capacity * 7) {
      grow();
    }
    long h = stored(hi);
    long i = home(hi, lo);
    while (true) {
      long base = i * width;
      long k = slots.get(base);
      if (k == 0) {
        slots.set(base, h);
        if (keyWords == 2) {
          slots.set(base + 1, lo);
        }
        size++;
        added = true;
        return i;
      }
      if (k == h && (keyWords == 1 || slots.get(base + 1) == lo)) {
        added = false;
        return i;
      }
      i = next(i);
    }
  }

  private boolean added;

  /** Whether the last {@link #findOrAdd} added the record. */
  public boolean added() {
    return added;
  }

  /** Whether record {@code i} holds a key. */
  public boolean used(long i) {
    return slots.get(i * width) != 0;
  }

  /** Word {@code w} (0-based, the key's words included) of record {@code i}. */
  public long get(long i, int w) {
    return slots.get(i * width + w);
  }

  /** Sets word {@code w} (after the key's words) of record {@code i}. */
  public void set(long i, int w, long value) {
    slots.set(i * width + w, value);
  }

  private void grow() throws IOException {
    MappedLongs old = slots;
    long oldCap = capacity;
    allocate(grownCapacity());
    for (long i = 0; i < oldCap; i++) {
      long base = i * width;
      long k = old.get(base);
      if (k == 0) {
        continue;
      }
      long lo = keyWords == 2 ? old.get(base + 1) : 0;
      long j = home(k, lo);
      while (slots.get(j * width) != 0) {
        j = next(j);
      }
      for (int w = 0; w < width; w++) {
        slots.set(j * width + w, old.get(base + w));
      }
    }
    old.close();
  }

  @Override
  public void close() {
    slots.close();
  }
}
