package io.leadbridge.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ChildProcess;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.FolderInUseException;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run that is interrupted, or runs beside another, leaves in its folder. */
class InterruptedRunsTest {
  @TempDir Path dir;

  private static final UserExporter EXPORTER =
      UserExporter.builder()
          .mapping(FieldMapping.builder().column("email", "email").build())
          .build();

  private static UserSource users(int n) {
    return UserSource.of(
        java.util.stream.IntStream.range(0, n)
            .mapToObj(i -> Map.<String, Object>of("email", i + "@example.com"))
            .toList());
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSecondRunOnTheSameFolderIsRefusedNamingTheHolderAndADeadHoldersLockIsTakenOver()
      throws Exception {
    Process holder = ChildProcess.start("hold", dir);
    try {
      ChildProcess.awaitReady(holder);
      assertThatThrownBy(() -> EXPORTER.export(users(3), dir.resolve("users.csv")))
          .isInstanceOf(FolderInUseException.class)
          .hasMessageContaining("Another Leadbridge run is using " + dir)
          .hasMessageContaining("pid " + holder.pid())
          .hasMessageContaining("since ")
          .hasMessageContaining("this export did not start");
      assertThat(names()).containsExactly(FolderLock.NAME);
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // killed without a chance to clean up: its lock file is still there, and taken over
    assertThat(names()).containsExactly(FolderLock.NAME);
    ExportResult result = EXPORTER.export(users(3), dir.resolve("users.csv"));
    assertThat(result.rowsWritten()).isEqualTo(3);
    assertThat(names()).containsExactly("users.csv", "users.csv.rowkeys");
  }

  @Test
  void twoExportsInOneProcessOnOneFolderAreRefusedToo() throws IOException {
    try (FolderLock held = FolderLock.acquire(dir, "import")) {
      assertThatThrownBy(() -> EXPORTER.export(users(3), dir.resolve("users.csv")))
          .isInstanceOf(FolderInUseException.class);
    }
    assertThat(EXPORTER.export(users(3), dir.resolve("users.csv")).rowsWritten()).isEqualTo(3);
  }

  @Test
  void aTerminatedExportLeavesNoTemporaryFileBehind() throws Exception {
    Process child = ChildProcess.start("export", dir);
    ChildProcess.awaitReady(child);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith(".users.csv.") && n.endsWith(".tmp"));
    }
    child.destroy(); // SIGTERM, as a scheduler stopping a job or Ctrl-C
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(names()).isEmpty();
  }

  @Test
  void theNextRunDeletesTemporaryFilesAKilledRunLeft() throws IOException {
    Files.writeString(dir.resolve(".users.csv.123456.part1.tmp"), "email\na@x.com\n");
    Files.createDirectory(dir.resolve(".users.csv.marketo-parts"));
    Files.writeString(dir.resolve(".other.csv.1.part1.tmp"), "not ours");
    EXPORTER.export(users(3), dir.resolve("users.csv"));
    assertThat(names()).containsExactly(".other.csv.1.part1.tmp", "users.csv", "users.csv.rowkeys");
  }
}
