package io.leadbridge.core.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadPipeTest {
  /** The users as the other side saw them, and on which thread. */
  private final List<long[]> seen = new ArrayList<>();

  private final List<String> threads = new ArrayList<>();

  private void hand(LoadPipe pipe, long i) throws IOException {
    pipe.user(i, -i, i * 3, i * 5, i % 2 == 0, i + 7, i + 11, i * 13);
  }

  @Test
  void everyUserReachesTheOtherThreadWholeAndInOrder() throws IOException {
    int n = 4096 * 3 + 17; // more batches than circulate, and a last one part full
    try (LoadPipe pipe =
        new LoadPipe(
            (hi, lo, fp, kh, ok, sh, sl, ua) -> {
              seen.add(new long[] {hi, lo, fp, kh, ok ? 1 : 0, sh, sl, ua});
              if (threads.isEmpty()) {
                threads.add(Thread.currentThread().getName());
              }
            },
            "test-fill")) {
      for (long i = 0; i < n; i++) {
        hand(pipe, i);
      }
      pipe.finish();
    }
    assertThat(threads).containsExactly("test-fill");
    assertThat(seen).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(seen.get(i))
          .containsExactly(i, -i, i * 3L, i * 5L, i % 2 == 0 ? 1 : 0, i + 7L, i + 11L, i * 13L);
    }
  }

  @Test
  void whatTheOtherSideThrowsStopsTheReadingThread() throws IOException {
    IOException full = new IOException("No space left on device");
    try (LoadPipe pipe =
        new LoadPipe(
            (hi, lo, fp, kh, ok, sh, sl, ua) -> {
              if (hi == 5000) {
                throw full;
              }
              seen.add(new long[] {hi});
            },
            "test-fill")) {
      assertThatThrownBy(
              () -> {
                for (long i = 0; i < 1_000_000; i++) {
                  hand(pipe, i);
                }
                pipe.finish();
              })
          .isSameAs(full);
    }
    assertThat(seen).hasSize(5000);
  }

  @Test
  void aReadThatEndsEarlyEndsTheOtherThread() throws Exception {
    Thread[] filler = new Thread[1];
    try (LoadPipe pipe =
        new LoadPipe((hi, lo, fp, kh, ok, sh, sl, ua) -> filler[0] = Thread.currentThread(), "t")) {
      for (long i = 0; i < 5000; i++) {
        hand(pipe, i);
      }
      // the read fails here: no finish()
    }
    filler[0].join(10_000);
    assertThat(filler[0].isAlive()).isFalse();
  }
}
