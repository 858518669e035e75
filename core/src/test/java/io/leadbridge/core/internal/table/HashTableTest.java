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
