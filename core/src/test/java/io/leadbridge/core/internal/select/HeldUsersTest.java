package io.leadbridge.core.internal.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.ExportException;
import io.leadbridge.core.ExportResult;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.RejectionPolicy;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import io.leadbridge.core.sync.ImportConfirmation;
import io.leadbridge.core.sync.SyncState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the sync state is read on its own thread, the users an export reads are held back and
 * played back once it is there: the export must be exactly the one made with the state read first.
 */
class HeldUsersTest {
  @TempDir Path dir;

  private static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .column("family_name", "lastName")
          .required("email")
          .build();

  @AfterEach
  void stopHolding() {
    RowSelection.holdEveryoneForTests = false;
  }

  private static Map<String, Object> user(String id, String email, String given, String updated) {
    Map<String, Object> u = new LinkedHashMap<>();
    if (id != null) {
      u.put("user_id", id);
    }
    if (email != null) {
      u.put("email", email);
    }
    u.put("given_name", given);
    u.put("family_name", "Family");
    u.put("updated_at", updated);
    return u;
  }

  private static List<Map<String, Object>> firstNight() {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      users.add(
          user("auth0|" + i, "user" + i + "@example.com", "Given" + i, "2024-01-01T00:00:00Z"));
    }
    return users;
  }

  /** Every kind of user the selection treats apart, rejections between them. */
  private static List<Map<String, Object>> secondNight() {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      if (i % 50 == 7) {
        continue; // absent now
      }
      String given = i % 10 == 3 ? "Renamed" + i : "Given" + i;
      users.add(user("auth0|" + i, "user" + i + "@example.com", given, "2024-01-01T00:00:00Z"));
      if (i % 40 == 5) {
        users.add(user(null, "noid" + i + "@example.com", "NoId", "2024-01-01T00:00:00Z"));
        users.add(user("auth0|new" + i, null, "NoEmail", "2024-01-01T00:00:00Z"));
        users.add(user("auth0|" + i, "again" + i + "@example.com", "Again", "2024-02-01T00:00Z"));
        users.add(
            user("auth0|new" + i, "user" + i + "@EXAMPLE.com", "Shares", "2025-01-01T00:00Z"));
      }
    }
    // held as UTF-16, so it comes back unchanged (a rejection of it would fail either way: the
    // rejections file cannot carry it)
    users.add(user("auth0|\uD800odd", "odd@example.com", "Surrogate", "2024-01-01T00:00:00Z"));
    return users;
  }

  private static UserExporter exporter(RejectionPolicy rejections) {
    return UserExporter.builder()
        .mapping(MAPPING)
        .format(CsvFormat.TSV)
        .mergePolicy(MergePolicy.MOST_RECENTLY_UPDATED)
        .rejectionPolicy(rejections)
        .build();
  }

  /** Every file the export left, by name, with its bytes as text. */
  private static Map<String, String> files(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(folder)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
          files.put(p.getFileName().toString(), Files.readString(p));
        }
      }
    }
    return files;
  }

  private static String described(ExportResult r) {
    return r.rowsWritten()
        + " "
        + r.rowsRejected()
        + " "
        + r.rowsUnchanged()
        + " "
        + r.rowsMerged()
        + " "
        + r.rejections()
        + " "
        + r.merges()
        + " "
        + r.rejectionCounts()
        + " "
        + r.sync().orElseThrow()
        + " "
        + r.sync().orElseThrow().lookupChanges()
        + " "
        + r.sync().orElseThrow().absentUsersKept();
  }

  @Test
  void anExportHoldingEveryoneBackIsTheExportMadeWithTheStateReadFirst() throws IOException {
    SyncState state = SyncState.open(dir.resolve("state"));
    UserExporter exporter = exporter(RejectionPolicy.REPORT);
    ExportResult first =
        exporter.export(UserSource.of(firstNight()), dir.resolve("first/users.tsv"), state);
    state.commit(first, ImportConfirmation.all());

    ExportResult read =
        exporter.export(UserSource.of(secondNight()), dir.resolve("read/users.tsv"), state);
    RowSelection.holdEveryoneForTests = true;
    ExportResult held =
        exporter.export(UserSource.of(secondNight()), dir.resolve("held/users.tsv"), state);

    assertThat(read.rowsWritten()).isPositive();
    assertThat(read.rowsRejected()).isGreaterThanOrEqualTo(10);
    assertThat(read.rowsMerged()).isPositive();
    assertThat(read.sync().orElseThrow().absentUsers()).isEqualTo(6);
    assertThat(described(held)).isEqualTo(described(read));
    assertThat(files(dir.resolve("held"))).isEqualTo(files(dir.resolve("read")));
    assertThat(files(dir.resolve("held")).keySet())
        .contains("users.tsv", "users.tsv.rejections", "users.tsv.rowkeys", "users.tsv.merges");
    try (Stream<Path> left = Files.list(dir.resolve("held"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    // and the held export commits as the other would have
    SyncState.Committed c = state.commit(held, ImportConfirmation.all());
    assertThat(c.generation()).isEqualTo(2);
    state.close();
  }

  @Test
  void underTheFailPolicyTheFirstRejectionInSourceOrderEndsTheExport() throws IOException {
    SyncState state = SyncState.open(dir.resolve("state"));
    ExportResult first =
        exporter(RejectionPolicy.REPORT)
            .export(UserSource.of(firstNight()), dir.resolve("first/users.tsv"), state);
    state.commit(first, ImportConfirmation.all());
    List<Map<String, Object>> users = new ArrayList<>(firstNight().subList(0, 20));
    users.add(user("auth0|3", "again@example.com", "Again", "2024-01-01T00:00:00Z"));
    users.add(user("auth0|new", null, "NoEmail", "2024-01-01T00:00:00Z"));
    UserExporter failing = exporter(RejectionPolicy.FAIL);

    String read = message(failing, users, state, "read");
    RowSelection.holdEveryoneForTests = true;
    String held = message(failing, users, state, "held");

    assertThat(read).contains("auth0|3").contains("same user_id");
    assertThat(held).isEqualTo(read);
    state.close();
  }

  private String message(
      UserExporter exporter, List<Map<String, Object>> users, SyncState state, String folder) {
    Throwable[] thrown = new Throwable[1];
    assertThatThrownBy(
            () ->
                exporter.export(
                    UserSource.of(users), dir.resolve(folder).resolve("users.tsv"), state))
        .isInstanceOf(ExportException.class)
        .satisfies(e -> thrown[0] = e);
    return thrown[0].getMessage();
  }
}
