package io.leadbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.leadbridge.core.ExportResult;
import io.leadbridge.core.Merge;
import io.leadbridge.core.MergePolicy;
import io.leadbridge.core.Rejection;
import io.leadbridge.core.UserExporter;
import io.leadbridge.core.UserExporterTest;
import io.leadbridge.core.csv.CsvFormat;
import io.leadbridge.core.mapping.FieldMapping;
import io.leadbridge.core.source.UserSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync state's behaviour, the same on every store: {@link EmbeddedSyncStateTest} runs it on the
 * embedded database, {@link PostgresSyncStateTest} on a real PostgreSQL server.
 */
abstract class SyncStateTest {
  @TempDir Path dir;

  /** Opens a state named {@code name} on the store under test, empty the first time. */
  abstract SyncState openState(String name);

  /** What the store holds, as text: to show that a failed run left it exactly as it was. */
  static List<String> contents(SyncState state) {
    return ((io.leadbridge.core.internal.sync.JdbcSyncState) state).contents();
  }

  /** Checks that the store keeps nothing beside its database once runs are over. */
  void assertNothingLeftBeside(SyncState state) throws IOException {}

  private static final FieldMapping MAPPING =
      FieldMapping.builder()
          .column("email", "email")
          .column("given_name", "firstName")
          .column("family_name", "lastName")
          .required("email")
          .build();

  private static final UserExporter EXPORTER =
      UserExporter.builder().mapping(MAPPING).format(CsvFormat.TSV).build();

  static Map<String, Object> user(int i) {
    return user("auth0|" + i, "user" + i + "@example.com", "Given" + i, "2024-01-01T00:00:00Z");
  }

  static Map<String, Object> user(String id, String email, String given, String updatedAt) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("user_id", id);
    if (email != null) {
      u.put("email", email);
    }
    u.put("given_name", given);
    u.put("family_name", "Family");
    if (updatedAt != null) {
      u.put("updated_at", updatedAt);
    }
    return u;
  }

  static List<Map<String, Object>> users(int n) {
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(user(i));
    }
    return users;
  }

  private ExportResult export(List<Map<String, Object>> users, SyncState state) {
    return export(EXPORTER, users, state);
  }

  private ExportResult export(
      UserExporter exporter, List<Map<String, Object>> users, SyncState state) {
    return exporter.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"), state);
  }

  static List<String> writtenUserIds(ExportResult export) {
    List<String> ids = new ArrayList<>();
    export.rowKeys().orElseThrow().forEach(k -> ids.add(k.userId()));
    return ids;
  }

  private static List<List<String>> rows(Path file, CsvFormat format) throws IOException {
    return UserExporterTest.parse(file, format).stream()
        .map(CSVRecord::toList)
        .collect(Collectors.toList());
  }

  @Test
  void firstRunWritesEveryoneAndASecondRunWritesNobody() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(50);

    ExportResult first = export(users, state);
    SyncSummary s1 = first.sync().orElseThrow();
    assertThat(s1.newUsers()).isEqualTo(50);
    assertThat(s1.changedUsers() + s1.unchangedUsers() + s1.absentUsers()).isZero();
    assertThat(first.rowsWritten()).isEqualTo(50);
    assertThat(state.generation()).isZero(); // nothing moves before commit
    SyncState.Committed c = state.commit(first, ImportConfirmation.all());
    assertThat(c).isEqualTo(new SyncState.Committed(1, 50, 50, 0));
    assertThat(state.users()).isEqualTo(50);

    ExportResult second = export(users, state);
    SyncSummary s2 = second.sync().orElseThrow();
    assertThat(second.rowsWritten()).isZero();
    assertThat(s2.unchangedUsers()).isEqualTo(50);
    assertThat(s2.newUsers() + s2.changedUsers() + s2.absentUsers()).isZero();
    assertThat(second.rowsUnchanged()).isEqualTo(50);
    assertThat(second.entriesRead())
        .isEqualTo(
            second.rowsWritten()
                + second.rowsRejected()
                + second.rowsMerged()
                + second.rowsUnchanged());
    assertThat(rows(second.paths().get(0), CsvFormat.TSV)).hasSize(1); // the header only
    assertThat(state.commit(second, ImportConfirmation.all()).generation()).isEqualTo(2);
  }

  @Test
  void exactlyTheChangedAndNewUsersAreWrittenInSourceOrder() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(200);
    state.commit(export(users, state), ImportConfirmation.all());

    List<Map<String, Object>> next = new ArrayList<>(users);
    for (int i : new int[] {3, 77, 150, 199}) {
      next.set(i, user("auth0|" + i, "user" + i + "@example.com", "Renamed" + i, null));
    }
    next.add(user(1000));
    next.add(2, user(1001));
    ExportResult export = export(next, state);

    SyncSummary s = export.sync().orElseThrow();
    assertThat(s.changedUsers()).isEqualTo(4);
    assertThat(s.newUsers()).isEqualTo(2);
    assertThat(s.unchangedUsers()).isEqualTo(196);
    assertThat(writtenUserIds(export))
        .containsExactly(
            "auth0|1001", "auth0|3", "auth0|77", "auth0|150", "auth0|199", "auth0|1000");
    assertThat(rows(export.paths().get(0), CsvFormat.TSV))
        .contains(List.of("user77@example.com", "Renamed77", "Family"));
  }

  @Test
  void rowsTheTargetDidNotConfirmAreWrittenAgainNextRun() {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(20);
    ExportResult first = export(users, state);
    Set<String> failed = Set.of("auth0|4", "auth0|9");
    SyncState.Committed c = state.commit(first, (file, userId) -> !failed.contains(userId));
    assertThat(c.rowsConfirmed()).isEqualTo(18);
    assertThat(c.rowsUnconfirmed()).isEqualTo(2);

    ExportResult second = export(users, state);
    assertThat(writtenUserIds(second)).containsExactly("auth0|4", "auth0|9");
    assertThat(second.sync().orElseThrow().changedUsers()).isEqualTo(2);
    state.commit(second, ImportConfirmation.all());

    assertThat(export(users, state).rowsWritten()).isZero();
  }

  @Test
  void aFileTheTargetDidNotTakeIsWrittenAgainWhole() {
    SyncState state = openState("state");
    UserExporter small = EXPORTER.toBuilder().maxFileBytes(400).build();
    List<Map<String, Object>> users = users(30);
    ExportResult first = export(small, users, state);
    assertThat(first.files()).hasSizeGreaterThan(2);
    Path failedPart = first.paths().get(1);
    List<String> inFailedPart = new ArrayList<>();
    first
        .rowKeys()
        .orElseThrow()
        .forEach(
            k -> {
              if (k.part() == 2) {
                inFailedPart.add(k.userId());
              }
            });
    state.commit(first, (file, userId) -> !file.equals(failedPart));

    ExportResult second = export(small, users, state);
    assertThat(writtenUserIds(second)).containsExactlyElementsOf(inFailedPart);
  }

  @Test
  void aRunThatFailsOrIsNeverCommittedLeavesTheStateAsItWas() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(40);
    state.commit(export(users, state), ImportConfirmation.all());
    List<String> committed = contents(state);

    List<Map<String, Object>> changed = new ArrayList<>(users);
    changed.set(5, user("auth0|5", "user5@example.com", "Changed", null));

    // 1. the source breaks halfway through
    Iterable<Map<String, Object>> breaking =
        () ->
            new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Map<String, Object> next() {
                if (i == 20) {
                  throw new IllegalStateException("connection reset");
                }
                return changed.get(i++);
              }
            };
    assertThatThrownBy(
            () ->
                EXPORTER.export(
                    UserSource.of(breaking), dir.resolve("out").resolve("users.tsv"), state))
        .isInstanceOf(RuntimeException.class);

    // 2. the export worked but the import crashed: no commit
    ExportResult uncommitted = export(changed, state);
    assertThat(uncommitted.rowsWritten()).isEqualTo(1);

    // 3. the commit itself fails halfway (the confirmation throws)
    ExportResult failing = export(changed, state);
    assertThatThrownBy(
            () ->
                state.commit(
                    failing,
                    (f, id) -> {
                      throw new IllegalStateException("killed");
                    }))
        .hasMessage("killed");

    assertThat(contents(state)).isEqualTo(committed);
    assertThat(state.generation()).isEqualTo(1);
    ExportResult again = export(changed, state);
    assertThat(writtenUserIds(again)).containsExactly("auth0|5");
    state.commit(again, ImportConfirmation.all());
    assertNothingLeftBeside(state);
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void aCommitAfterAnotherRunCommittedIsRefused() {
    SyncState state = openState("state");
    ExportResult a = export(users(5), state);
    ExportResult b = export(users(6), state);
    state.commit(a, ImportConfirmation.all());
    assertThatThrownBy(() -> state.commit(b, ImportConfirmation.all()))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("another run committed");
    assertThatThrownBy(() -> state.commit(a, ImportConfirmation.all()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already been committed");
    ExportResult plain = EXPORTER.export(UserSource.of(users(1)), dir.resolve("plain.tsv"));
    assertThatThrownBy(() -> state.commit(plain, ImportConfirmation.all()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not made against a sync state");
  }

  @Test
  void changingTheMappingOrTheFormatMakesAFullRunAndSaysWhy() {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(10);
    state.commit(export(users, state), ImportConfirmation.all());

    UserExporter renamed =
        EXPORTER.toBuilder()
            .mapping(
                FieldMapping.builder()
                    .column("email", "email")
                    .column("given_name", "FirstName")
                    .column("family_name", "lastName")
                    .build())
            .build();
    ExportResult full = export(renamed, users, state);
    SyncSummary s = full.sync().orElseThrow();
    assertThat(full.rowsWritten()).isEqualTo(10);
    assertThat(s.changedUsers()).isEqualTo(10);
    assertThat(s.fullRunReason())
        .hasValueSatisfying(r -> assertThat(r).contains("columns changed").contains("FirstName"));
    state.commit(full, ImportConfirmation.all());
    assertThat(export(renamed, users, state).rowsWritten()).isZero();

    UserExporter csv = renamed.toBuilder().format(CsvFormat.CSV).build();
    ExportResult csvRun =
        csv.export(UserSource.of(users), dir.resolve("out").resolve("users.csv"), state);
    assertThat(csvRun.rowsWritten()).isEqualTo(10);
    assertThat(csvRun.sync().orElseThrow().fullRunReason())
        .hasValueSatisfying(r -> assertThat(r).contains("format changed"));
  }

  @Test
  void usersGoneFromTheSourceAreListedAndLeaveTheStateAtCommit() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(10);
    state.commit(export(users, state), ImportConfirmation.all());

    List<Map<String, Object>> fewer = new ArrayList<>(users);
    fewer.remove(7);
    fewer.remove(2);
    ExportResult export = export(fewer, state);
    SyncSummary s = export.sync().orElseThrow();
    assertThat(s.absentUsers()).isEqualTo(2);
    assertThat(s.absentFile()).isPresent();
    assertThat(rows(s.absentFile().get(), CsvFormat.TSV))
        .containsExactly(
            List.of("user_id", "email"),
            List.of("auth0|2", "user2@example.com"),
            List.of("auth0|7", "user7@example.com"));
    assertThat(export.rowsWritten()).isZero();
    assertThat(state.commit(export, ImportConfirmation.all()).users()).isEqualTo(8);

    ExportResult back = export(users, state);
    assertThat(back.sync().orElseThrow().newUsers()).isEqualTo(2);
    assertThat(back.sync().orElseThrow().absentFile()).isEmpty();
    assertThat(Files.exists(dir.resolve("out").resolve("users.tsv.absent"))).isFalse();
  }

  @Test
  void idsAndKeyValuesWithBackslashesTabsAndNonAsciiAreKeptExactly() throws IOException {
    SyncState state = openState("state");
    String[] ids = {"auth0|back\\slash", "auth0|tab\there", "auth0|line\nbreak", "auth0|é😀"};
    String[] emails = {"a\\b@example.com", "tab@example.com", "ünï@example.com", "😀@example.com"};
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      users.add(user(ids[i], emails[i], "Given" + i, null));
    }
    users.addAll(users(30_000)); // many users: the commit takes its bulk path
    state.commit(export(users, state), ImportConfirmation.all());
    assertThat(export(users, state).rowsWritten()).isZero();

    List<Map<String, Object>> without = new ArrayList<>(users.subList(ids.length, users.size()));
    without.add(user(ids[0], "changed\\@example.com", "Given0", null)); // a lookup change
    ExportResult export = export(without, state);
    SyncSummary s = export.sync().orElseThrow();
    assertThat(rows(s.lookupChangesFile().orElseThrow(), CsvFormat.TSV))
        .containsExactly(
            List.of("user_id", "before", "now"),
            List.of(ids[0], emails[0], "changed\\@example.com"));
    assertThat(rows(s.absentFile().orElseThrow(), CsvFormat.TSV))
        .containsExactlyInAnyOrder(
            List.of("user_id", "email"),
            List.of(ids[1], emails[1]),
            List.of(ids[2], emails[2]),
            List.of(ids[3], emails[3]));
    state.commit(export, ImportConfirmation.all());
    assertThat(state.users()).isEqualTo(30_001);
    assertThat(export(without, state).rowsWritten()).isZero();
  }

  @Test
  void aUserRejectedThisRunKeepsItsStateAndIsNotCalledAbsent() {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(5);
    state.commit(export(users, state), ImportConfirmation.all());

    List<Map<String, Object>> broken = new ArrayList<>(users);
    broken.set(1, user("auth0|1", null, "Given1", null)); // email removed: rejected
    ExportResult export = export(broken, state);
    assertThat(export.rowsRejected()).isEqualTo(1);
    assertThat(export.sync().orElseThrow().absentUsers()).isZero();
    state.commit(export, ImportConfirmation.all());
    assertThat(state.users()).isEqualTo(5);

    ExportResult fixed = export(users, state);
    assertThat(fixed.rowsWritten()).isZero();
    assertThat(fixed.sync().orElseThrow().unchangedUsers()).isEqualTo(5);
  }

  @Test
  void aChangedEmailIsReportedBecauseItMakesANewLead() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(3);
    state.commit(export(users, state), ImportConfirmation.all());
    List<Map<String, Object>> next = new ArrayList<>(users);
    next.set(1, user("auth0|1", "new1@example.com", "Given1", null));
    ExportResult export = export(next, state);
    SyncSummary s = export.sync().orElseThrow();
    assertThat(s.lookupChanges()).isEqualTo(1);
    assertThat(s.changedUsers()).isEqualTo(1);
    assertThat(rows(s.lookupChangesFile().orElseThrow(), CsvFormat.TSV))
        .containsExactly(
            List.of("user_id", "before", "now"),
            List.of("auth0|1", "user1@example.com", "new1@example.com"));
  }

  @Test
  void usersWithoutAUserIdOrReadTwiceAreRejected() {
    SyncState state = openState("state");
    List<Map<String, Object>> users = new ArrayList<>(users(3));
    users.add(user("auth0|1", "other@example.com", "Twice", null));
    Map<String, Object> noId = user(9);
    noId.remove("user_id");
    users.add(noId);
    ExportResult export = export(users, state);
    assertThat(export.rowsWritten()).isEqualTo(3);
    assertThat(export.rejections())
        .extracting(Rejection::position, Rejection::userId, Rejection::reason)
        .containsExactlyInAnyOrder(
            tuple(4L, "auth0|1", Rejection.Reason.DUPLICATE_USER_ID),
            tuple(5L, null, Rejection.Reason.MISSING_REQUIRED));
    assertThat(export.rejections())
        .filteredOn(r -> r.reason() == Rejection.Reason.DUPLICATE_USER_ID)
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).contains("position 2"));
  }

  @Test
  void mostRecentlyUpdatedWinsByDefaultAndEveryMergeIsReported() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users =
        List.of(
            user("auth0|a", "Same@Example.com", "Database", "2024-01-01T00:00:00Z"),
            user("google-oauth2|b", "same@example.com", "Google", "2024-06-01T00:00:00.500Z"),
            user("github|c", "SAME@example.com", "Github", null),
            user("auth0|d", "other@example.com", "Other", "2020-01-01T00:00:00Z"));
    ExportResult export = export(users, state);
    assertThat(writtenUserIds(export)).containsExactly("google-oauth2|b", "auth0|d");
    assertThat(export.rowsMerged()).isEqualTo(2);
    assertThat(export.merges())
        .containsExactlyInAnyOrder(
            new Merge(1, "auth0|a", "google-oauth2|b", MergePolicy.MOST_RECENTLY_UPDATED),
            new Merge(3, "github|c", "google-oauth2|b", MergePolicy.MOST_RECENTLY_UPDATED));
    assertThat(rows(export.mergesFile().orElseThrow(), CsvFormat.TSV))
        .contains(
            List.of("position", "user_id", "kept_user_id", "policy"),
            List.of("1", "auth0|a", "google-oauth2|b", "MOST_RECENTLY_UPDATED"));
    assertThat(export.entriesRead())
        .isEqualTo(export.rowsWritten() + export.rowsMerged() + export.rowsRejected());
    state.commit(export, ImportConfirmation.all());

    // the database user is edited and becomes the most recent: its row replaces the Google one
    List<Map<String, Object>> next = new ArrayList<>(users);
    next.set(0, user("auth0|a", "Same@Example.com", "Database", "2025-01-01T00:00:00Z"));
    ExportResult second = export(next, state);
    assertThat(writtenUserIds(second)).containsExactly("auth0|a");
    assertThat(second.merges())
        .extracting(Merge::userId)
        .containsExactlyInAnyOrder("google-oauth2|b", "github|c");
    state.commit(second, ImportConfirmation.all());
    assertThat(export(next, state).rowsWritten()).isZero();
  }

  @Test
  void firstWinsKeepsTheFirstUserInTheSource() {
    UserExporter first = EXPORTER.toBuilder().mergePolicy(MergePolicy.FIRST).build();
    List<Map<String, Object>> users =
        List.of(
            user("auth0|a", "x@example.com", "A", "2020-01-01T00:00:00Z"),
            user("auth0|b", "X@EXAMPLE.COM", "B", "2025-01-01T00:00:00Z"));
    ExportResult export =
        first.export(UserSource.of(users), dir.resolve("out").resolve("users.tsv"));
    assertThat(writtenUserIds(export)).containsExactly("auth0|a");
    assertThat(export.merges())
        .containsExactly(new Merge(2, "auth0|b", "auth0|a", MergePolicy.FIRST));
    assertThat(export.sync()).isEmpty();
  }

  @Test
  void refuseRejectsEveryUserOfTheGroupNamingTheOthers() {
    SyncState state = openState("state");
    UserExporter refuse = EXPORTER.toBuilder().mergePolicy(MergePolicy.REFUSE).build();
    List<Map<String, Object>> users =
        List.of(
            user("auth0|a", "x@example.com", "A", null),
            user("auth0|b", "y@example.com", "B", null),
            user("auth0|c", "X@example.com", "C", null));
    ExportResult export = export(refuse, users, state);
    assertThat(writtenUserIds(export)).containsExactly("auth0|b");
    assertThat(export.rowsMerged()).isZero();
    assertThat(export.rejections())
        .extracting(Rejection::userId, Rejection::reason)
        .containsExactlyInAnyOrder(
            tuple("auth0|a", Rejection.Reason.DUPLICATE_KEY),
            tuple("auth0|c", Rejection.Reason.DUPLICATE_KEY));
    assertThat(export.rejections())
        .filteredOn(r -> "auth0|a".equals(r.userId()))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.detail())
                    .contains("2 users share")
                    .contains("auth0|c")
                    .doesNotContain("example.com"));
    state.commit(export, ImportConfirmation.all());
    // refused users are not confirmed: still written (and refused) next time
    ExportResult again = export(refuse, users, state);
    assertThat(again.rowsRejected()).isEqualTo(2);
    assertThat(again.sync().orElseThrow().unchangedUsers()).isEqualTo(1);
  }

  @Test
  void aLargeGroupUnderRefuseIsRejectedWholeWithoutHoldingIt() {
    UserExporter refuse =
        EXPORTER.toBuilder().mergePolicy(MergePolicy.REFUSE).maxRejectionsInMemory(1000).build();
    List<Map<String, Object>> users = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      users.add(user("auth0|" + i, "shared@example.com", "U" + i, null));
    }
    users.add(user(999));
    ExportResult export = refuse.export(UserSource.of(users), dir.resolve("users.tsv"));
    assertThat(export.rowsWritten()).isEqualTo(1);
    assertThat(export.rowsRejected()).isEqualTo(150);
    assertThat(export.rejections())
        .allSatisfy(r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.DUPLICATE_KEY))
        .allSatisfy(r -> assertThat(r.detail()).contains("more than 64 users share"));
  }

  @Test
  void twoHundredThousandUsersAreComparedInSeveralPartsWithBoundedBuffers() {
    // large enough for several parts and a real table; sizes of millions are the benchmarks'
    int n = 200_000;
    UserExporter exporter =
        UserExporter.builder()
            .mapping(FieldMapping.builder().column("email", "email").column("n", "n").build())
            .format(CsvFormat.TSV)
            .maxFileBytes(2_000_000)
            .sortBufferBytes(1L << 20)
            .build();
    SyncState state = openState("state");
    Path out = dir.resolve("out").resolve("users.tsv");

    ExportResult first = exporter.export(UserSource.of(generated(n, -1)), out, state);
    assertThat(first.rowsWritten()).isEqualTo(n);
    assertThat(first.files()).hasSizeGreaterThan(1);
    state.commit(first, ImportConfirmation.all());

    ExportResult second = exporter.export(UserSource.of(generated(n, 997)), out, state);
    SyncSummary s = second.sync().orElseThrow();
    long changed = (n + 996) / 997;
    assertThat(s.changedUsers()).isEqualTo(changed);
    assertThat(s.unchangedUsers()).isEqualTo(n - changed);
    assertThat(second.rowsWritten()).isEqualTo(changed);
    assertThat(second.files()).hasSize(1);
  }

  /** {@code n} small users; every {@code changeEvery}th has a changed value (never if -1). */
  private static Iterable<Map<String, Object>> generated(int n, int changeEvery) {
    return () ->
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public Map<String, Object> next() {
            int k = i++;
            Map<String, Object> u = new LinkedHashMap<>();
            // ids in an order unrelated to source order, as in a real export
            u.put("user_id", "auth0|" + Integer.toHexString(k * 0x9E3779B1));
            u.put("email", "user" + k + "@example.com");
            u.put("n", changeEvery > 0 && k % changeEvery == 0 ? "changed" : "v" + (k & 15));
            return u;
          }
        };
  }

  // ------------------------------------------------------------ source entries left unparsed

  /** Takes the state of test {@code name} back to schema version 1, which kept no entry hashes. */
  abstract void downgradeToVersion1(String name) throws Exception;

  /**
   * An NDJSON file read as the exporter reads one, counting the users it parses: an entry the state
   * already knows is skipped before parsing and never comes out of {@link #next()}.
   */
  static class CountingNdjson
      implements UserSource,
          io.leadbridge.core.internal.EntryHashing,
          io.leadbridge.core.internal.Projectable {
    private final UserSource file;
    private final Runnable atEnd;
    volatile int parsed;

    CountingNdjson(Path file) {
      this(file, () -> {});
    }

    /** Runs {@code atEnd} when the last entry has been read. */
    CountingNdjson(Path file, Runnable atEnd) {
      this.file = UserSource.ndjson(file);
      this.atEnd = atEnd;
    }

    @Override
    public io.leadbridge.core.source.SourceEntry next() {
      io.leadbridge.core.source.SourceEntry e = file.next();
      if (e != null) {
        parsed++;
      } else {
        atEnd.run();
      }
      return e;
    }

    @Override
    public String entryFormat() {
      return ((io.leadbridge.core.internal.EntryHashing) file).entryFormat();
    }

    @Override
    public void hashEntries(long seed1, long seed2, Skipper skipper) {
      ((io.leadbridge.core.internal.EntryHashing) file).hashEntries(seed1, seed2, skipper);
    }

    @Override
    public io.leadbridge.core.source.SourceEntry parse(byte[] entry, int length, long position) {
      parsed++;
      return ((io.leadbridge.core.internal.EntryHashing) file).parse(entry, length, position);
    }

    @Override
    public void keepOnly(Set<String> properties) {
      ((io.leadbridge.core.internal.Projectable) file).keepOnly(properties);
    }

    @Override
    public void close() {
      file.close();
    }
  }

  Path ndjson(List<Map<String, Object>> users) throws IOException {
    Path file = dir.resolve("users-" + System.nanoTime() + ".ndjson");
    StringBuilder out = new StringBuilder();
    for (Map<String, Object> u : users) {
      out.append(io.leadbridge.core.internal.Json.write(u)).append('\n');
    }
    Files.writeString(file, out.toString());
    return file;
  }

  private record FileRun(ExportResult result, int parsed) {}

  private FileRun exportFile(
      UserExporter exporter, List<Map<String, Object>> users, SyncState state) throws IOException {
    try (CountingNdjson source = new CountingNdjson(ndjson(users))) {
      ExportResult r = exporter.export(source, dir.resolve("out").resolve("users.tsv"), state);
      return new FileRun(r, source.parsed);
    }
  }

  @Test
  void entriesOfAFileTheStateKnowsAreNotParsedAgainAndTheResultIsTheSame() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(50);
    FileRun first = exportFile(EXPORTER, users, state);
    assertThat(first.parsed()).isEqualTo(50);
    assertThat(first.result().rowsWritten()).isEqualTo(50);
    state.commit(first.result(), ImportConfirmation.all());

    FileRun second = exportFile(EXPORTER, users, state);
    assertThat(second.parsed()).isZero();
    assertThat(second.result().entriesRead()).isEqualTo(50);
    assertThat(second.result().rowsUnchanged()).isEqualTo(50);
    assertThat(second.result().rowsWritten()).isZero();
    state.commit(second.result(), ImportConfirmation.all());

    // one edited, one new, one gone, one with a property the mapping does not read changed
    List<Map<String, Object>> next = new ArrayList<>(users);
    next.set(7, user("auth0|7", "user7@example.com", "Renamed", "2024-01-01T00:00:00Z"));
    next.get(9).put("last_login", "2026-12-01T00:00:00Z");
    next.remove(3);
    next.add(user(50));
    FileRun third = exportFile(EXPORTER, next, state);
    SyncSummary s = third.result().sync().orElseThrow();
    assertThat(third.parsed()).isEqualTo(3);
    assertThat(writtenUserIds(third.result())).containsExactly("auth0|7", "auth0|50");
    assertThat(s.changedUsers()).isEqualTo(1);
    assertThat(s.newUsers()).isEqualTo(1);
    assertThat(s.absentUsers()).isEqualTo(1);
    assertThat(s.unchangedUsers()).isEqualTo(48);
    assertThat(third.result().entriesRead()).isEqualTo(50);
    state.commit(third.result(), ImportConfirmation.all());

    // the user whose unread property changed was recorded with its new entry
    FileRun fourth = exportFile(EXPORTER, next, state);
    assertThat(fourth.parsed()).isZero();
    assertThat(fourth.result().rowsUnchanged()).isEqualTo(50);
  }

  @Test
  void aBrokenLineAmongKnownEntriesIsRejectedInItsPlaceAndTheStateKeepsItsUser()
      throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(30);
    state.commit(exportFile(EXPORTER, users, state).result(), ImportConfirmation.all());

    Path file = ndjson(users);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(11, lines.get(11).substring(0, 20)); // user 11's line cut short
    Files.write(file, lines);
    ExportResult r;
    int parsed;
    try (CountingNdjson source = new CountingNdjson(file)) {
      r = EXPORTER.export(source, dir.resolve("out").resolve("users.tsv"), state);
      parsed = source.parsed;
    }
    assertThat(parsed).isEqualTo(1);
    assertThat(r.rejections())
        .extracting(Rejection::position, Rejection::reason)
        .containsExactly(tuple(12L, Rejection.Reason.MALFORMED_INPUT));
    assertThat(r.rowsUnchanged()).isEqualTo(29);
    assertThat(r.entriesRead()).isEqualTo(30);
    // its user is listed as absent, but an input with a malformed entry removes nobody
    assertThat(r.sync().orElseThrow().absentUsers()).isEqualTo(1);
    state.commit(r, ImportConfirmation.all());
    assertThat(state.users()).isEqualTo(30);
  }

  @Test
  void aChangedMappingOrOneWithCodeParsesEveryEntry() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(20);
    state.commit(exportFile(EXPORTER, users, state).result(), ImportConfirmation.all());

    // the same columns from another path: every row differs, so nothing may be skipped
    UserExporter other =
        EXPORTER.toBuilder()
            .mapping(
                FieldMapping.builder()
                    .column("email", "email")
                    .column("family_name", "firstName")
                    .column("family_name", "lastName")
                    .required("email")
                    .build())
            .build();
    FileRun changed = exportFile(other, users, state);
    assertThat(changed.parsed()).isEqualTo(20);
    assertThat(changed.result().sync().orElseThrow().changedUsers()).isEqualTo(20);
    state.commit(changed.result(), ImportConfirmation.all());

    UserExporter computed =
        other.toBuilder()
            .mapping(
                FieldMapping.builder()
                    .column("email", "email")
                    .computed(
                        "firstName",
                        u -> u.get(io.leadbridge.core.mapping.FieldPath.parse("family_name")))
                    .column("family_name", "lastName")
                    .required("email")
                    .build())
            .build();
    state.commit(exportFile(computed, users, state).result(), ImportConfirmation.all());
    FileRun again = exportFile(computed, users, state);
    assertThat(again.parsed()).isEqualTo(20); // code's effect cannot be known from the entry
    assertThat(again.result().rowsUnchanged()).isEqualTo(20);
  }

  @Test
  void aKnownEntryReadTwiceIsStillADuplicate() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(5);
    state.commit(exportFile(EXPORTER, users, state).result(), ImportConfirmation.all());
    List<Map<String, Object>> twice = new ArrayList<>(users);
    twice.add(users.get(1));
    FileRun run = exportFile(EXPORTER, twice, state);
    assertThat(run.parsed()).isEqualTo(1);
    assertThat(run.result().rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(Rejection.Reason.DUPLICATE_USER_ID);
              assertThat(r.position()).isEqualTo(6);
              assertThat(r.detail()).contains("position 2");
            });
    assertThat(run.result().rowsUnchanged()).isEqualTo(5);
  }

  @Test
  void aNewUserSharingTheKeyOfAnUnparsedOneIsMergedByRecency() throws IOException {
    SyncState state = openState("state");
    List<Map<String, Object>> users = new ArrayList<>(users(10));
    state.commit(exportFile(EXPORTER, users, state).result(), ImportConfirmation.all());

    // older than the known user: merged into it, nothing written
    users.add(user("github|old", "USER4@example.com", "Old", "2023-01-01T00:00:00Z"));
    FileRun older = exportFile(EXPORTER, users, state);
    assertThat(older.parsed()).isEqualTo(1);
    assertThat(older.result().rowsWritten()).isZero();
    assertThat(older.result().merges())
        .containsExactly(new Merge(11, "github|old", "auth0|4", MergePolicy.MOST_RECENTLY_UPDATED));

    // newer: it replaces the known user's row, which is merged away
    users.set(10, user("github|new", "USER4@example.com", "New", "2025-01-01T00:00:00Z"));
    FileRun newer = exportFile(EXPORTER, users, state);
    assertThat(writtenUserIds(newer.result())).containsExactly("github|new");
    assertThat(newer.result().merges())
        .containsExactly(new Merge(5, "auth0|4", "github|new", MergePolicy.MOST_RECENTLY_UPDATED));
    state.commit(newer.result(), ImportConfirmation.all());

    // the user merged away is no longer confirmed, so its entry is parsed and merged again
    FileRun after = exportFile(EXPORTER, users, state);
    assertThat(after.parsed()).isEqualTo(1);
    assertThat(after.result().rowsWritten()).isZero();
    assertThat(after.result().merges()).extracting(Merge::userId).containsExactly("auth0|4");
  }

  @Test
  void aStateOfSchemaVersion1IsUpgradedAndLearnsItsEntriesInOneRun() throws Exception {
    SyncState state = openState("state");
    List<Map<String, Object>> users = users(20);
    state.commit(exportFile(EXPORTER, users, state).result(), ImportConfirmation.all());
    state.close();
    downgradeToVersion1("state");

    SyncState upgraded = openState("state");
    assertThat(upgraded.generation()).isEqualTo(1);
    FileRun learn = exportFile(EXPORTER, users, upgraded);
    assertThat(learn.parsed()).isEqualTo(20);
    assertThat(learn.result().rowsUnchanged()).isEqualTo(20);
    upgraded.commit(learn.result(), ImportConfirmation.all());
    FileRun known = exportFile(EXPORTER, users, upgraded);
    assertThat(known.parsed()).isZero();
    assertThat(known.result().rowsUnchanged()).isEqualTo(20);
  }
}
