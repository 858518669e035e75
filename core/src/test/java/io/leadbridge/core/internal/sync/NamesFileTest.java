package io.leadbridge.core.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamesFileTest {
  @TempDir Path dir;

  private long files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void readsBackEachNameByItsOffsetInAnyOrderAndDeletesItsFile() throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (NamesFile names = new NamesFile(dir, "users.csv")) {
      assertThat(files()).as("no file before the first name").isZero();
      for (int i = 0; i < 1000; i++) {
        offsets.add(names.add("auth0|" + i, i % 3 == 0 ? "" : "Zoë." + i + "@example.com"));
      }
      names.seal();
      assertThat(files()).isEqualTo(1);
      for (int i = 999; i >= 0; i -= 7) {
        assertThat(names.at(offsets.get(i)))
            .containsExactly("auth0|" + i, i % 3 == 0 ? "" : "Zoë." + i + "@example.com");
      }
      assertThat(names.at(offsets.get(0))).containsExactly("auth0|0", "");
    }
    assertThat(files()).as("the file is deleted when closed").isZero();
  }

  @Test
  void closesQuietlyWhenNothingWasWritten() {
    new NamesFile(dir, "users.csv").close();
    assertThat(dir).isEmptyDirectory();
  }
}
