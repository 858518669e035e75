package io.leadbridge.core.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.RemovalGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateComparisonTest {
  @TempDir Path dir;

  private static final UserExporter EXPORTER =
      UserExporter.builder()
          .mapping(FieldMapping.builder().column("email", "email").required("email").build())
          .format(CsvFormat.TSV)
          .build();

  private long tables(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".table.tmp")).count();
    }
  }

  /**
   * The state's entry hashes are read into a table of their own only for an export whose source
   * hashes its entries: others would fill it for nothing.
   */
  @Test
  void theStatesEntryHashesAreReadOnlyForAnExportThatCanSkipEntries() throws IOException {
    Path users = dir.resolve("users.ndjson");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("{\"user_id\":\"auth0|" + i + "\",\"email\":\"u" + i + "@example.com\"}");
    }
    Files.write(users, lines);
    JdbcSyncState state = JdbcSyncState.openEmbedded(dir.resolve("state"));
    try {
      ExportResult first;
      try (UserSource source = UserSource.open(users)) {
        first = EXPORTER.export(source, dir.resolve("out").resolve("users.tsv"), state);
      }
      state.commit(first, ImportConfirmation.all());

      for (boolean entryHashes : new boolean[] {false, true}) {
        Path out = Files.createDirectories(dir.resolve("compare-" + entryHashes));
        try (StateComparison c =
            new StateComparison(
                state,
                RemovalGuard.defaults(),
                List.of("email"),
                CsvFormat.TSV,
                "email",
                out,
                "users.tsv",
                entryHashes)) {
          c.awaitLoad();
          assertThat(c.stateUsers()).isEqualTo(50);
          assertThat(c.mayKnowEntries()).isEqualTo(entryHashes);
          assertThat(tables(out)).isEqualTo(entryHashes ? 2 : 1);
        }
        assertThat(tables(out)).isZero();
      }
    } finally {
      state.close();
    }
  }
}
