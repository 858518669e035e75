package io.leadbridge.core.internal.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashTableTest {
  @TempDir Path dir;

  private static final int N = 20_000;

  /** Fills a table from far below its size, so that it grows several times, and reads it all. */
  private void keepsEveryRecordThroughGrowth(int keyWords) throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    long[] his = new long[N];
    long[] los = new long[N];
    try (HashTable t = new HashTable(dir, "t", keyWords, keyWords + 2, 10)) {
      for (int i = 0; i < N; i++) {
        his[i] = random.nextLong() & ~1L; // keys differ above the low bit, which is not stored
        los[i] = keyWords == 2 ? random.nextLong() : 0;
        long s = t.findOrAdd(his[i], los[i]);
        assertThat(t.added()).isTrue();
        t.set(s, keyWords, i);
        t.set(s, keyWords + 1, ~i);
      }
      assertThat(t.size()).isEqualTo(N);
      assertThat(t.capacity()).isGreaterThan(N);
      for (int i = 0; i < N; i++) {
        long s = t.find(his[i], los[i]);
        assertThat(s).isNotNegative();
        assertThat(t.get(s, 0)).isEqualTo(his[i] | 1);
        assertThat(t.get(s, keyWords)).isEqualTo(i);
        assertThat(t.get(s, keyWords + 1)).isEqualTo(~i);
        assertThat(t.findOrAdd(his[i], los[i])).isEqualTo(s);
        assertThat(t.added()).isFalse();
      }
      assertThat(t.find(random.nextLong(), keyWords == 2 ? random.nextLong() : 0)).isEqualTo(-1);
      long used = 0;
      for (long i = 0; i < t.capacity(); i++) {
        used += t.used(i) ? 1 : 0;
      }
      assertThat(used).isEqualTo(N);
    }
  }

  @Test
  void aTableToldTheShareOfItsInputReadGrowsLastToWhatTheInputNeeds() throws IOException {
    int n = 200_000;
    long[] read = {0};
    try (HashTable t = new HashTable(dir, "t", 2, 3, 1000)) {
      t.growWith(() -> (double) read[0] / n);
      long first = t.capacity();
      java.util.Set<Long> capacities = new java.util.TreeSet<>();
      for (int i = 0; i < n; i++) {
        read[0]++;
        t.findOrAdd(key(i), i);
        capacities.add(t.capacity());
      }
      // it doubles while the whole input needs more, then grows to hold it all at 70 % with a
      // little to spare instead of doubling once more
      long last = t.capacity();
      long doubled = first;
      while (doubled * 7 / 10 < n) {
        doubled *= 2;
      }
      assertThat(last).isBetween((long) (n / 0.7), (long) (n / 0.7 * 1.1)).isLessThan(doubled);
      long previous = 0;
      for (long c : capacities) {
        assertThat(c).isLessThanOrEqualTo(Math.max(first, previous * 2));
        previous = c;
      }
      assertThat(found(t, n)).isEqualTo(n);
    }
  }

  /** The high word of key i: spread as the hashes the tables are keyed by are. */
  private static long key(int i) {
    return (i + 1) * 0x9E3779B97F4A7C15L;
  }

  /** How many of the keys {@code key(i), i} for i below n the table finds. */
  private static int found(HashTable t, int n) {
    int found = 0;
    for (int i = 0; i < n; i++) {
      found += t.find(key(i), i) >= 0 ? 1 : 0;
    }
    return found;
  }

  @Test
  void aWrongShareCostsRoomOrAnotherGrowthButNoRecord() throws IOException {
    int n = 50_000;
    for (double[] lie : new double[][] {{Double.NaN}, {0.5}, {2.0}, {0.01}}) {
      long[] read = {0};
      try (HashTable t = new HashTable(dir, "t", 2, 3, 1000)) {
        // NaN: unknown; a share ten times too small, one too large, and one standing still
        t.growWith(
            () ->
                lie[0] == 0.5
                    ? read[0] / (10.0 * n)
                    : lie[0] == 2.0 ? Math.min(1.0, 4.0 * read[0] / n) : lie[0]);
        for (int i = 0; i < n; i++) {
          read[0]++;
          t.findOrAdd(key(i), i);
        }
        assertThat(t.size()).isEqualTo(n);
        assertThat(t.capacity()).isGreaterThan((long) (n / 0.7));
        assertThat(found(t, n)).isEqualTo(n);
      }
    }
  }

  @Test
  void aTableUsedAfterCloseThrowsWhereItIsUsed() throws IOException {
    HashTable t = new HashTable(dir, "t", 2, 3, 1000);
    long s = t.findOrAdd(2, 3);
    t.set(s, 2, 42);
    t.close();
    // the file is emptied at close: reading its mapping would be a bus error, which the JVM
    // reports later, as an InternalError thrown from wherever the thread then is
    assertThatThrownBy(() -> t.get(s, 2)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> t.find(2, 3)).isInstanceOf(NullPointerException.class);
    t.close(); // twice is harmless
  }

  @Test
  void aTableOfTwoWordKeysKeepsEveryRecordThroughGrowth() throws IOException {
    keepsEveryRecordThroughGrowth(2);
  }

  @Test
  void aTableOfOneWordKeysKeepsEveryRecordThroughGrowth() throws IOException {
    keepsEveryRecordThroughGrowth(1);
  }

  @Test
  void twoWordKeysSharingTheHighWordAreTwoRecordsAndOneWordKeysAreOne() throws IOException {
    try (HashTable two = new HashTable(dir, "two", 2, 3, 10);
        HashTable one = new HashTable(dir, "one", 1, 2, 10)) {
      long a = two.findOrAdd(42, 1);
      long b = two.findOrAdd(42, 2);
      assertThat(a).isNotEqualTo(b);
      assertThat(two.size()).isEqualTo(2);
      one.findOrAdd(42, 0);
      one.findOrAdd(43, 0); // the low bit is not stored: the same key
      assertThat(one.added()).isFalse();
      assertThat(one.size()).isEqualTo(1);
    }
  }

  @Test
  void refusesALayoutWithNoRoomAfterTheKey() {
    assertThatThrownBy(() -> new HashTable(dir, "t", 2, 2, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HashTable(dir, "t", 3, 5, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
