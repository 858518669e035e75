package io.leadbridge.core.internal.table;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An open-addressing hash table of fixed-width records in {@link MappedLongs}, keyed by 128 bits
 * (two longs), with linear probing; it doubles when it is 70% full. Each record is {@code width}
 * longs: the key's two longs, then the caller's. A record whose first word after the key is 0 and
 * whose key is 0 is free, so keys are stored with their low bit set in the high word. Not
 * thread-safe.
 */
public final class HashTable implements Closeable {
  private final Path dir;
  private final String name;
  private final int width;
  private MappedLongs slots;
  private long capacity;
  private long mask;
  private long size;

  /**
   * An empty table.
   *
   * @param dir where its file goes
   * @param name a name for its file
   * @param width longs per record, at least 3
   * @param expected how many records it will probably hold
   */
  public HashTable(Path dir, String name, int width, long expected) throws IOException {
    this.dir = dir;
    this.name = name;
    this.width = width;
    long cap = 1024;
    while (cap * 7 / 10 < expected) {
      cap <<= 1;
    }
    allocate(cap);
  }

  private void allocate(long cap) throws IOException {
    this.capacity = cap;
    this.mask = cap - 1;
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

  /**
   * The record of a key, or -1.
   *
   * @param hi the key's high word
   * @param lo the key's low word
   */
  public long find(long hi, long lo) {
    long h = stored(hi);
    long i = (lo ^ (hi >>> 17)) & mask;
    while (true) {
      long base = i * width;
      long k = slots.get(base);
      if (k == 0) {
        return -1;
      }
      if (k == h && slots.get(base + 1) == lo) {
        return i;
      }
      i = (i + 1) & mask;
    }
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
    long i = (lo ^ (hi >>> 17)) & mask;
    while (true) {
      long base = i * width;
      long k = slots.get(base);
      if (k == 0) {
        slots.set(base, h);
        slots.set(base + 1, lo);
        size++;
        added = true;
        return i;
      }
      if (k == h && slots.get(base + 1) == lo) {
        added = false;
        return i;
      }
      i = (i + 1) & mask;
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

  /** Word {@code w} (0-based, the key's two words included) of record {@code i}. */
  public long get(long i, int w) {
    return slots.get(i * width + w);
  }

  /** Sets word {@code w} (2 or more) of record {@code i}. */
  public void set(long i, int w, long value) {
    slots.set(i * width + w, value);
  }

  private void grow() throws IOException {
    MappedLongs old = slots;
    long oldCap = capacity;
    allocate(capacity << 1);
    for (long i = 0; i < oldCap; i++) {
      long base = i * width;
      long k = old.get(base);
      if (k == 0) {
        continue;
      }
      long lo = old.get(base + 1);
      long j = (lo ^ (k >>> 17)) & mask;
      while (slots.get(j * width) != 0) {
        j = (j + 1) & mask;
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
