package io.leadbridge.core.internal.sort;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.internal.Binary;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalSorterTest {
  @TempDir Path dir;

  record Item(String key, long seq) {}

  static final ExternalSorter.Codec<Item> CODEC =
      new ExternalSorter.Codec<>() {
        @Override
        public void write(DataOutputStream out, Item value) throws IOException {
          Binary.writeString(out, value.key());
          Binary.writeVarLong(out, value.seq());
        }

        @Override
        public Item read(DataInput in) throws IOException {
          return new Item(Binary.readString(in), Binary.readVarLong(in));
        }

        @Override
        public long heapBytes(Item value) {
          return 64 + value.key().length();
        }
      };

  private static final Comparator<Item> ORDER =
      Comparator.comparing(Item::key).thenComparingLong(Item::seq);

  private List<Item> sortAll(List<Item> items, long budget, int[] spills) throws IOException {
    List<Item> out = new ArrayList<>();
    try (ExternalSorter<Item> sorter = new ExternalSorter<>(dir, "items", ORDER, CODEC, budget)) {
      for (Item i : items) {
        sorter.add(i);
      }
      try (ExternalSorter.Cursor<Item> c = sorter.sorted()) {
        for (Item i; (i = c.next()) != null; ) {
          out.add(i);
        }
      }
      spills[0] = sorter.spills();
    }
    return out;
  }

  private static List<Item> random(int n) {
    SplittableRandom r = new SplittableRandom(7);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // few distinct keys, so that equal keys meet across files; unicode and empty keys included
      String key = r.nextInt(10) == 0 ? "" : "k" + r.nextInt(5000) + (r.nextBoolean() ? "é𝄞" : "");
      items.add(new Item(key, i));
    }
    return items;
  }

  @Test
  void sortsInMemoryWhenTheBudgetHoldsEverything() throws IOException {
    List<Item> items = random(1000);
    int[] spills = new int[1];
    List<Item> sorted = sortAll(items, 1L << 30, spills);
    assertThat(spills[0]).isZero();
    List<Item> expected = new ArrayList<>(items);
    expected.sort(ORDER);
    assertThat(sorted).isEqualTo(expected);
  }

  @Test
  void mergesMoreSpilledFilesThanItOpensAtOnceAndDeletesThem() throws IOException {
    List<Item> items = random(20_000);
    int[] spills = new int[1];
    // about 40 items per file: hundreds of files, merged 64 at a time in several rounds
    List<Item> sorted = sortAll(items, 3_000, spills);
    assertThat(spills[0]).isGreaterThan(ExternalSorter.MAX_FAN_IN * 4);
    List<Item> expected = new ArrayList<>(items);
    expected.sort(ORDER);
    assertThat(sorted).isEqualTo(expected);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }
}
