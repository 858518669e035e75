package io.leadbridge.core.internal.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.Rejection;
import io.leadbridge.core.internal.sync.StagedUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateRowsTest {
  @TempDir Path dir;

  private long candidateFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".candidates.tmp")).count();
    }
  }

  /**
   * Rows spread over several files come out whole and in order, the ones left out skipped, and each
   * file is gone once its rows are written, so that the rows are not on the disk twice.
   */
  @Test
  void rowsComeBackInOrderAndEachFileGoesOnceWritten() throws IOException {
    int n = 100;
    try (StagedUsers staged = new StagedUsers(dir, "users.tsv");
        CandidateRows rows = new CandidateRows(dir, "users.tsv", 200)) {
      for (int i = 0; i < n; i++) {
        byte[] row =
            ("row " + i + "\tuser" + i + "@example.com\n").getBytes(StandardCharsets.UTF_8);
        assertThat(rows.add(row, row.length)).isEqualTo(i);
        staged.add(
            new StagedUsers.Staged(i, "auth0|" + i, "user" + i + "@example.com", 0, 0, i, 0, 0, 0));
      }
      rows.seal();
      staged.seal();
      long files = candidateFiles();
      assertThat(files).isGreaterThan(5);

      BitSet leftOut = new BitSet();
      leftOut.set(3);
      leftOut.set(50, 60);
      List<String> written = new ArrayList<>();
      List<Long> filesLeft = new ArrayList<>();
      rows.write(
          leftOut,
          staged,
          new RowSink() {
            @Override
            public int append(byte[] row, int length, String userId, String key)
                throws IOException {
              written.add(new String(row, 0, length, StandardCharsets.UTF_8) + userId + "," + key);
              filesLeft.add(candidateFiles());
              return 1 + written.size() / 30;
            }

            @Override
            public void reject(Rejection rejection) {
              throw new AssertionError(rejection);
            }
          });

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!leftOut.get(i)) {
          expected.add(
              "row "
                  + i
                  + "\tuser"
                  + i
                  + "@example.com\nauth0|"
                  + i
                  + ",user"
                  + i
                  + "@example.com");
        }
      }
      assertThat(written).isEqualTo(expected);
      assertThat(filesLeft.get(0)).isEqualTo(files);
      assertThat(filesLeft.get(filesLeft.size() - 1)).isEqualTo(1);
      assertThat(filesLeft).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(candidateFiles()).isZero();
      // each part starts at a candidate index: the first, the 30th and the 60th row written
      assertThat(rows.partStarts()).containsExactly(0, 30, 70);
    }
  }
}
