package io.leadbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.internal.Json;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong, empty or truncated input never wipes what a sync state remembers; on every store (see
 * the subclasses).
 */
abstract class RemovalGuardTest {
  @TempDir Path dir;

  /** Opens a state named {@code name} on the store under test, empty the first time. */
  abstract SyncState openState(String name);

  private static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .required("email")
          .build();
  private static final UserExporter EXPORTER =
      UserExporter.builder().mapping(MAPPING).format(CsvFormat.TSV).build();

  private SyncState state;
  private List<String> committed;

  private static Map<String, Object> user(int i) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", "auth0|" + i);
    u.put("email", "user" + i + "@example.com");
    u.put("given_name", "Given" + i);
    return u;
  }

  private static List<Map<String, Object>> users(int from, int to) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(user(i));
    }
    return out;
  }

  private Path ndjson(List<String> lines) throws IOException {
    Path file = dir.resolve("input.json");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> lines(List<Map<String, Object>> users) {
    return users.stream().map(Json::write).toList();
  }

  private ExportResult export(UserExporter exporter, UserSource source) {
    return exporter.export(source, dir.resolve("out").resolve("users.tsv"), state);
  }

  @BeforeEach
  void aStateOfAHundredUsers() throws IOException {
    state = openState("state");
    state.commit(export(EXPORTER, UserSource.of(users(0, 100))), ImportConfirmation.all());
    committed = SyncStateTest.contents(state);
  }

  private void assertStateUnchangedAndNothingWritten() throws IOException {
    assertThat(state.users()).isEqualTo(100);
    assertThat(state.generation()).isEqualTo(1);
    assertThat(SyncStateTest.contents(state)).isEqualTo(committed);
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      // only what the first, committed run left
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("users.tsv", "users.tsv.rowkeys");
    }
  }

  @Test
  void anEmptyInputIsRefusedNamingTheNumbersAndTheOverride() throws IOException {
    assertThatThrownBy(() -> export(EXPORTER, UserSource.ndjson(ndjson(List.of()))))
        .isInstanceOf(MassRemovalException.class)
        .hasMessageContaining("no user that could be read")
        .hasMessageContaining("all 100 users")
        .hasMessageContaining("allowingMassRemoval")
        .hasMessageContaining("--allow-mass-removal")
        .satisfies(
            e -> {
              MassRemovalException m = (MassRemovalException) e;
              assertThat(m.stateUsers()).isEqualTo(100);
              assertThat(m.absentUsers()).isEqualTo(100);
              assertThat(m.usersRead()).isZero();
            });
    assertStateUnchangedAndNothingWritten();
  }

  @Test
  void aFileOfMalformedLinesSuchAsACsvFileIsRefused() throws IOException {
    Path csv =
        ndjson(List.of("user_id,email", "auth0|1,user1@example.com", "auth0|2,user2@example.com"));
    assertThatThrownBy(() -> export(EXPORTER, UserSource.ndjson(csv)))
        .isInstanceOf(MassRemovalException.class)
        .hasMessageContaining("3 entries, 3 malformed");
    assertStateUnchangedAndNothingWritten();
  }

  @Test
  void aTruncatedInputThatLosesMoreThanHalfTheUsersIsRefused() throws IOException {
    assertThatThrownBy(() -> export(EXPORTER, UserSource.of(users(0, 40))))
        .isInstanceOf(MassRemovalException.class)
        .hasMessageContaining("60 of the state's 100 users (60%) are missing")
        .hasMessageContaining("more than the 50% allowed");
    assertStateUnchangedAndNothingWritten();
  }

  @Test
  void tooManyMalformedEntriesAreRefusedEvenWhenEveryUserIsThere() throws IOException {
    List<String> lines = new ArrayList<>(lines(users(0, 100)));
    for (int i = 0; i < 10; i++) {
      lines.add("{\"user_id\": \"auth0|cut");
    }
    assertThatThrownBy(() -> export(EXPORTER, UserSource.ndjson(ndjson(lines))))
        .isInstanceOf(MassRemovalException.class)
        .hasMessageContaining("10 of the input's 110 entries (9.1%) are malformed")
        .hasMessageContaining("more than the 5% allowed");
    assertStateUnchangedAndNothingWritten();
  }

  @Test
  void absentUsersStayInTheStateWhenTheInputHadAMalformedEntry() throws IOException {
    List<String> lines = new ArrayList<>(lines(users(0, 97)));
    lines.add("{not json");
    ExportResult export = export(EXPORTER, UserSource.ndjson(ndjson(lines)));
    SyncSummary s = export.sync().orElseThrow();
    assertThat(s.absentUsers()).isEqualTo(3);
    assertThat(s.absentUsersKept()).isEqualTo(3);
    assertThat(state.commit(export, ImportConfirmation.all()).users()).isEqualTo(100);

    // the next clean run that still lacks them removes them
    ExportResult clean = export(EXPORTER, UserSource.of(users(0, 97)));
    assertThat(clean.sync().orElseThrow().absentUsersKept()).isZero();
    assertThat(state.commit(clean, ImportConfirmation.all()).users()).isEqualTo(97);
  }

  @Test
  void allowingMassRemovalAcceptsAnyInputAndAbsentUsersLeave() throws IOException {
    UserExporter allowing =
        EXPORTER.toBuilder().removalGuard(RemovalGuard.allowingMassRemoval()).build();
    List<String> lines = new ArrayList<>(lines(users(0, 10)));
    lines.add("{not json");
    ExportResult export = export(allowing, UserSource.ndjson(ndjson(lines)));
    SyncSummary s = export.sync().orElseThrow();
    assertThat(s.absentUsers()).isEqualTo(90);
    assertThat(s.absentUsersKept()).isZero();
    assertThat(state.commit(export, ImportConfirmation.all()).users()).isEqualTo(10);
  }

  @Test
  void usersRejectedForAMissingValueAreNotAbsentSoTheyDoNotTriggerTheGuard() {
    List<Map<String, Object>> noEmails = users(0, 100);
    noEmails.forEach(u -> u.remove("email"));
    ExportResult export = export(EXPORTER, UserSource.of(noEmails));
    assertThat(export.rowsRejected()).isEqualTo(100);
    assertThat(export.sync().orElseThrow().absentUsers()).isZero();
    assertThat(state.commit(export, ImportConfirmation.all()).users()).isEqualTo(100);
  }

  @Test
  void aFirstRunHasNothingToLoseAndIsNeverRefused() {
    SyncState fresh = openState("fresh");
    ExportResult export =
        EXPORTER.export(UserSource.of(List.of()), dir.resolve("out2").resolve("u.tsv"), fresh);
    assertThat(export.rowsWritten()).isZero();
  }

  @Test
  void aGuardTakesFractionsOnly() {
    assertThatThrownBy(() -> new RemovalGuard(50, 0.05, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 0 to 1");
  }
}
